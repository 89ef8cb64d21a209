"""Spelling-insensitive forms of names: ASCII folding and the skeleton key (issue 3).

Pure and cached: the matcher calls these for every candidate pair.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_SKELETON_RULES = [
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"c(?=[aouklrt]|$)"), "k"),
    (re.compile(r"(?<=[bcdfgjkmnprstvwxz])h"), ""),
    (re.compile(r"y"), "i"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(?<=[aou])e"), ""),
    (re.compile(r"[^a-z]"), ""),
]


def fold(text: str) -> str:
    """Lower-case ASCII with accents and other scripts transliterated.

    Examples:
        >>> fold("José Müller-Łukasz")
        'jose muller-lukasz'
    """
    if not text:
        return ""
    if text.isascii():  # NFKC and transliteration leave ASCII as it is
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text)
    return " ".join(anyascii(text).lower().split())


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """A spelling-insensitive key: ``Müller``, ``Mueller`` and ``Muller`` agree.

    German umlaut spellings (ue/oe/ae), ``ph``/``f``, ``c``/``k``, silent ``h``,
    ``y``/``i``, ``w``/``v`` and doubled letters are levelled.

    Examples:
        >>> skeleton("Mueller") == skeleton("Müller") == skeleton("Muller")
        True
        >>> skeleton("Katharina") == skeleton("Catarina")
        True
    """
    s, prev = fold(word), None
    while s != prev:  # to a fixed point, so that skeleton(skeleton(x)) == skeleton(x)
        prev = s
        for pattern, repl in _SKELETON_RULES:
            s = pattern.sub(repl, s)
    return s


__all__ = ["fold", "skeleton"]
