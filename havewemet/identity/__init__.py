"""Identity resolution: who is this person, across all the user's sources.

The names below load on first use: importing a module of this package (the handles,
the clustering) does not load the matcher, and ``havewemet --help`` none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from havewemet._lazy import lazy_getattr

if TYPE_CHECKING:
    from havewemet.identity.match import Match, Matcher, Query
    from havewemet.identity.names import fold, given_names_match, parse_name
    from havewemet.normalize import normalize_email, profile_slug

_WHERE = {
    "Match": "havewemet.identity.match",
    "Matcher": "havewemet.identity.match",
    "Query": "havewemet.identity.match",
    "fold": "havewemet.identity.names",
    "given_names_match": "havewemet.identity.names",
    "parse_name": "havewemet.identity.names",
    "normalize_email": "havewemet.normalize",
    "profile_slug": "havewemet.normalize",
}

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


__getattr__ = lazy_getattr(__name__, _WHERE)
