"""Personal names as comparable keys: folding, parsing, nicknames."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from nameparser import HumanName
from nicknames import NickNamer

_NICK = NickNamer()
_EMOJI_ETC = re.compile(r"[^\w\s'\-.,]", re.UNICODE)
_CREDENTIALS = re.compile(
    r",?\s*\b(phd|ph\.d\.?|mba|msc|bsc|ba|ma|md|cpa|cfa|pmp|mcl?ip|frsa|esq|jr|sr|ii|iii)\b\.?",
    re.I,
)


def fold(text: str) -> str:
    """Lower-case ASCII with accents and other scripts transliterated.

    Examples:
        >>> fold("José Müller-Łukasz")
        'jose muller-lukasz'
    """
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(anyascii(text).lower().split())


@dataclass(frozen=True, slots=True)
class ParsedName:
    first: str
    middle: str
    last: str
    """Folded, lower-case ASCII parts (``last`` may hold several words)."""

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.first, self.middle, self.last) if p)


@lru_cache(maxsize=200_000)
def parse_name(text: str) -> ParsedName:
    """Parse a display name: titles, credentials and emoji dropped, parts folded.

    Examples:
        >>> parse_name("Dr Jane Doe, PhD 🚀")
        ParsedName(first='jane', middle='', last='doe')
    """
    cleaned = _EMOJI_ETC.sub(" ", unicodedata.normalize("NFKC", text or ""))
    cleaned = _CREDENTIALS.sub(" ", cleaned)
    cleaned = " ".join(cleaned.split()).strip(" ,")
    if not cleaned:
        return ParsedName("", "", "")
    hn = HumanName(cleaned)
    first, middle, last = fold(hn.first), fold(hn.middle), fold(hn.last)
    if not first and not last:
        parts = fold(cleaned).split()
        first, last = (parts[0], " ".join(parts[1:])) if parts else ("", "")
    return ParsedName(first.strip(".,"), middle.strip(".,"), last.strip(".,"))


@lru_cache(maxsize=50_000)
def given_name_roots(first: str) -> frozenset[str]:
    """The name itself plus its canonical forms (``bob`` -> ``robert``, ``bob``)."""
    first = fold(first)
    if not first:
        return frozenset()
    roots = {first}
    roots |= _NICK.canonicals_of(first)
    return frozenset(roots)


def given_names_match(a: str, b: str) -> bool:
    """True when two given names are the same, nicknames of each other, or an initial."""
    a, b = fold(a).strip("."), fold(b).strip(".")
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    ra, rb = given_name_roots(a), given_name_roots(b)
    return bool(ra & rb) or b in _NICK.nicknames_of(a) or a in _NICK.nicknames_of(b)
