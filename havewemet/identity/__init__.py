"""Identity resolution: who is this person, across all the user's sources."""

from havewemet.identity.match import Match, Matcher, Query
from havewemet.identity.names import fold, given_names_match, parse_name
from havewemet.normalize import normalize_email, profile_slug

__all__ = [
    "Match",
    "Matcher",
    "Query",
    "fold",
    "given_names_match",
    "normalize_email",
    "parse_name",
    "profile_slug",
]
