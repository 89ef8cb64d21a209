"""Names written in another script and their usual romanisations (issue 12).

A name in Cyrillic, Greek, Arabic, Hebrew or CJK is written in Latin letters in
more than one way: ``Юлия`` is Yuliya (BGN/PCGN), Iuliia (ICAO 9303, passports),
Julija (German) and Yulia (common English); ``王`` is Wang (pinyin) and Wong
(Cantonese). :func:`script_forms` gives, for a name in another script, its given
name and surname in Latin letters (the first of each is the one the matcher files
it under) together with the other forms, so that a romanised name agrees in full
with the name in its own script.

Systematic transliteration (Cyrillic, Greek) is done here by letter tables of the
systems named; the words of scripts that do not write every vowel (Arabic, Hebrew)
and the readings of Chinese, Japanese and Korean family names come from the
``name-variants`` package (MIT licence, read as installed, not copied).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from anyascii import anyascii

#: Cyrillic letters in four systems: BGN/PCGN (the usual English one), ICAO 9303
#: (passports since 2013), German (Duden) and a simplified English one (ия -> ia).
_CYRILLIC: dict[str, tuple[str, str, str, str]] = {
    "а": ("a", "a", "a", "a"),
    "б": ("b", "b", "b", "b"),
    "в": ("v", "v", "w", "v"),
    "г": ("g", "g", "g", "g"),
    "д": ("d", "d", "d", "d"),
    "е": ("e", "e", "e", "e"),
    "ё": ("yo", "e", "jo", "yo"),
    "ж": ("zh", "zh", "sch", "zh"),
    "з": ("z", "z", "s", "z"),
    "и": ("i", "i", "i", "i"),
    "й": ("y", "i", "j", "i"),
    "к": ("k", "k", "k", "k"),
    "л": ("l", "l", "l", "l"),
    "м": ("m", "m", "m", "m"),
    "н": ("n", "n", "n", "n"),
    "о": ("o", "o", "o", "o"),
    "п": ("p", "p", "p", "p"),
    "р": ("r", "r", "r", "r"),
    "с": ("s", "s", "s", "s"),
    "т": ("t", "t", "t", "t"),
    "у": ("u", "u", "u", "u"),
    "ф": ("f", "f", "f", "f"),
    "х": ("kh", "kh", "ch", "h"),
    "ц": ("ts", "ts", "z", "ts"),
    "ч": ("ch", "ch", "tsch", "ch"),
    "ш": ("sh", "sh", "sch", "sh"),
    "щ": ("shch", "shch", "schtsch", "sch"),
    "ъ": ("", "ie", "", ""),
    "ы": ("y", "y", "y", "y"),
    "ь": ("", "", "", ""),
    "э": ("e", "e", "e", "e"),
    "ю": ("yu", "iu", "ju", "yu"),
    "я": ("ya", "ia", "ja", "a"),
    "і": ("i", "i", "i", "i"),
    "ї": ("yi", "i", "ji", "i"),
    "є": ("ye", "ie", "je", "e"),
    "ґ": ("g", "g", "g", "g"),
}
#: Greek digraphs and letters in ELOT 743 (ISO 843) and the phonetic spelling
#: common in English (ου -> ou / u, ει and οι -> i, μπ -> b, ντ -> d, χ -> ch / h).
_GREEK_DIGRAPHS: dict[str, tuple[str, ...]] = {
    "ου": ("ou", "u"),
    "ει": ("ei", "i"),
    "οι": ("oi", "i"),
    "αι": ("ai", "e"),
    "μπ": ("mp", "b"),
    "ντ": ("nt", "d"),
    "γγ": ("ng",),
    "γκ": ("gk", "g"),
    "αυ": ("av", "af"),
    "ευ": ("ev", "ef"),
}
_GREEK: dict[str, tuple[str, ...]] = {
    "α": ("a",),
    "β": ("v",),
    "γ": ("g", "y"),
    "δ": ("d",),
    "ε": ("e",),
    "ζ": ("z",),
    "η": ("i",),
    "θ": ("th",),
    "ι": ("i",),
    "κ": ("k",),
    "λ": ("l",),
    "μ": ("m",),
    "ν": ("n",),
    "ξ": ("x", "ks"),
    "ο": ("o",),
    "π": ("p",),
    "ρ": ("r",),
    "σ": ("s",),
    "ς": ("s",),
    "τ": ("t",),
    "υ": ("y", "i"),
    "φ": ("f", "ph"),
    "χ": ("ch", "h", "kh"),
    "ψ": ("ps",),
    "ω": ("o",),
}
_MAX_FORMS = 24


def _strip_accents(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    ).lower()


def _script(word: str) -> str:
    """The script of a word's first letter: cyrillic, greek, arabic, hebrew, han,
    hangul, kana, or latin (anything else)."""
    for c in word:
        if not c.isalpha():
            continue
        name = unicodedata.name(c, "")
        for script, marker in (
            ("cyrillic", "CYRILLIC"),
            ("greek", "GREEK"),
            ("arabic", "ARABIC"),
            ("hebrew", "HEBREW"),
            ("han", "CJK"),
            ("hangul", "HANGUL"),
            ("kana", "KATAKANA"),
            ("kana", "HIRAGANA"),
        ):
            if name.startswith(marker):
                return script
        return "latin"
    return "latin"


def _cyrillic_forms(word: str) -> list[str]:
    low = word.lower()
    forms = []
    for system in range(4):
        out = []
        for i, c in enumerate(low):
            t = _CYRILLIC.get(c)
            if t is None:
                out.append(anyascii(c).lower())
                continue
            form = t[system]
            if c == "е" and system in (0, 3) and (i == 0 or low[i - 1] in "аеёиоуыэюяьъ"):
                form = "ye"  # BGN/PCGN writes е as ye at the start and after a vowel
            if system == 3 and c == "и" and low[i + 1 : i + 2] == "я":
                form = "i"  # Yulia, Maria: ия as ia
            out.append(form)
        forms.append("".join(out))
    forms.append(anyascii(word).lower())
    return list(dict.fromkeys(f for f in forms if f))


def _greek_forms(word: str) -> list[str]:
    low = _strip_accents(word)
    parts: list[tuple[str, ...]] = []
    i = 0
    while i < len(low):
        two = low[i : i + 2]
        if two in _GREEK_DIGRAPHS:
            parts.append(_GREEK_DIGRAPHS[two])
            i += 2
            continue
        parts.append(_GREEK.get(low[i], (anyascii(low[i]).lower(),)))
        i += 1
    forms = ["".join(p[0] for p in parts)]
    # The second system: every letter in its second spelling where it has one.
    forms.append("".join(p[-1] if len(p) > 1 and p is not _GREEK["γ"] else p[0] for p in parts))
    for combo in product(*parts):
        if len(forms) >= _MAX_FORMS:
            break
        forms.append("".join(combo))
    forms.append(anyascii(word).lower())
    return list(dict.fromkeys(f for f in forms if f))


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, list[str]]]:
    """Native spelling -> romanised forms, by kind (``given``, ``surname``, ``han``:
    Chinese and Japanese family names, ``hangul``), from ``name-variants``."""
    try:
        import name_variants as nv
    except ImportError:  # without the package, transliteration alone
        return {"given": {}, "surname": {}, "han": {}, "hangul": {}, "han_given": {}}

    def forms(table: dict) -> dict[str, list[str]]:
        return {k: [anyascii(f).lower() for f in v.get("forms", []) if f] for k, v in table.items()}

    given = {
        **forms(nv.ARABIC_NAME_VARIANTS),
        **forms(nv.HEBREW_NAME_VARIANTS),
        **forms(nv.PERSIAN_NAME_VARIANTS),
    }
    greek = {_strip_accents(k): v for k, v in forms(nv.GREEK_NAME_VARIANTS).items()}
    return {
        "given": {**given, **greek},
        "surname": {k.lower(): v for k, v in forms(nv.RUSSIAN_SURNAME_VARIANTS).items()},
        "han": {**forms(nv.CHINESE_SURNAME_VARIANTS), **forms(nv.JAPANESE_SURNAME_VARIANTS)},
        "han_given": forms(nv.CHINESE_GIVEN_NAME_VARIANTS),
        "hangul": forms(nv.KOREAN_SURNAME_VARIANTS),
    }


def _word_forms(word: str, *, surname: bool) -> list[str]:
    """Latin forms of one word of a name in another script, the usual one first."""
    script = _script(word)
    tables = _tables()
    listed = tables["given"].get(word) or tables["given"].get(_strip_accents(word)) or []
    if script == "cyrillic":
        out = _cyrillic_forms(word)
        if surname:
            low = word.lower()
            for base in (low, low[:-1]):  # Иванова: the feminine of Иванов
                for f in tables["surname"].get(base, []):
                    if base == low or f.endswith(("v", "w")):
                        out.append(f + ("a" if base != low else ""))
        return list(dict.fromkeys(out))
    if script == "greek":
        return list(dict.fromkeys([*_greek_forms(word), *listed]))
    if script in ("arabic", "hebrew"):
        return list(dict.fromkeys([*listed, anyascii(word).lower()]))
    return [anyascii(word).lower()]


def _east_asian(text: str) -> tuple[list[str], list[str]] | None:
    """Given-name and family-name forms of a name in Han characters or Hangul written
    without spaces, family name first (王伟, 佐藤健, 김민준)."""
    chars = [c for c in text if not c.isspace()]
    if not 2 <= len(chars) <= 5:
        return None
    script = _script(text)
    if script not in ("han", "hangul") or any(_script(c) != script for c in chars):
        return None
    tables = _tables()
    table = tables["han"] if script == "han" else tables["hangul"]
    split = 2 if "".join(chars[:2]) in table and len(chars) > 2 else 1
    family, given = "".join(chars[:split]), chars[split:]
    fam = [*table.get(family, []), "".join(anyascii(c) for c in family).lower()]
    syllables = [anyascii(c).lower() for c in given]
    giv = ["".join(syllables), "-".join(syllables), " ".join(syllables)]
    if script == "han":
        pairs = zip(given, syllables, strict=True)
        options = [tables["han_given"].get(c, []) or [s] for c, s in pairs]
        for combo in product(*options):
            if len(giv) >= _MAX_FORMS:
                break
            giv.append("".join(combo))
    return list(dict.fromkeys(g for g in giv if g)), list(dict.fromkeys(f for f in fam if f))


@lru_cache(maxsize=50_000)
def script_forms(text: str) -> tuple[list[str], list[str]] | None:
    """Latin forms of the given name and surname of a name written in another script,
    or None for a name in Latin letters.

    The first form of each is the usual romanisation; the others are the other
    systems' (and, for Arabic, Hebrew, Greek and CJK names, the spellings
    ``name-variants`` lists).

    Examples:
        >>> given, family = script_forms("Юлия Иванова")
        >>> "iuliia" in given and "yulia" in given and "iwanowa" in family
        True
        >>> script_forms("王伟")[0][0], script_forms("王伟")[1][:2]
        ('wei', ['wang', 'wong'])
    """
    if text.isascii() or _script(text) == "latin":
        return None
    words = [w for w in re.split(r"[\s,]+", text) if w]
    if len(words) == 1:
        east = _east_asian(words[0])
        if east is not None:
            return east
        return _word_forms(words[0], surname=False), []
    given = _word_forms(words[0], surname=False)
    family = _word_forms(words[-1], surname=True)
    return given, family


__all__ = ["script_forms"]
