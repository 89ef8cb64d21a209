"""Language forms of one name that agree in full (issue 12).

German umlauts and ß (``Müller``, ``Mueller``, ``Muller``; ``Groß``, ``Gross``),
Scandinavian letters (``Ørsted``, ``Oersted``, ``Orsted``; ``Åsa``, ``Aasa``; ``æ``,
``ae``) and Irish and Scottish Gaelic surnames against their anglicised forms
(``Ó Briain``/``O'Brien``, ``Ní Bhriain``/``O'Brien``, ``Mac Cárthaigh``/``McCarthy``)
from the list in ``data/gaelic_surnames.txt`` (its sources are cited there).
Pure and cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from havewemet.identity.spelling import fold

# ue/oe/ae (umlauts written out), aa (å written out) and ß (ss, folded already) as one
# letter; after the folding that writes ü as u, ø as o, å as a and æ as ae.
_DIGRAPH_TO = {"ue": "u", "oe": "o", "ae": "a", "aa": "a", "ss": "s"}


@lru_cache(maxsize=100_000)
def language_key(word: str) -> str:
    """One key for the ways German and Scandinavian letters are written in ASCII.

    Examples:
        >>> language_key("Müller") == language_key("Mueller") == language_key("Muller")
        True
        >>> language_key("Müller") == language_key("Möller")
        False
        >>> language_key("Ørsted") == language_key("Oersted") == language_key("Orsted")
        True
    """
    s = fold(word).replace("'", "").replace("-", " ")
    return re.sub(r"ue|oe|ae|aa|ss", lambda m: _DIGRAPH_TO[m.group(0)], s)


def _load_gaelic() -> dict[tuple[str, str], int]:
    """(prefix, stem) -> surname id, Gaelic and anglicised stems alike."""
    text = (
        resources.files("havewemet.identity")
        .joinpath("data/gaelic_surnames.txt")
        .read_text(encoding="utf-8")
    )
    out: dict[tuple[str, str], int] = {}
    for n, line in enumerate(text.splitlines()):
        line = line.split("#", 1)[0].strip()
        if ":" not in line or "=" not in line:
            continue
        prefix, rest = line.split(":", 1)
        gaelic, english = rest.split("=", 1)
        for stem in [*gaelic.split(","), *english.split(",")]:
            key = fold(stem).replace(" ", "")
            if key:
                out.setdefault((prefix.strip(), key), n)
    return out


_GAELIC = _load_gaelic()
_PREFIX = re.compile(r"^(o|ua|ui|ni|mac|mc|m|nic|mhic)(?:\s+|'|’|(?=[a-z]))(.+)$")
_FEMININE = frozenset(("ni", "ui", "nic", "mhic"))


@lru_cache(maxsize=100_000)
def gaelic_key(surname: str) -> str:
    """The listed surname a Gaelic or anglicised surname is a form of, or ``""``.

    Examples:
        >>> gaelic_key("Ó Briain") == gaelic_key("O'Brien") == gaelic_key("Ní Bhriain")
        True
        >>> gaelic_key("Mac Cárthaigh") == gaelic_key("McCarthy")
        True
        >>> gaelic_key("O'Brennan") == gaelic_key("Ó Briain")
        False
    """
    s = fold(surname).replace("’", "'")
    m = _PREFIX.match(s)
    if not m:
        return ""
    prefix, stem = m.group(1), m.group(2).replace("'", "").replace(" ", "")
    kind = "o" if prefix in ("o", "ua", "ui", "ni") else "mac"
    stems = [stem]
    if prefix in _FEMININE and len(stem) > 2 and stem[1] == "h":
        stems.append(stem[0] + stem[2:])  # lenition: Ní Bhriain, Uí Cheallaigh
    for st in stems:
        n = _GAELIC.get((kind, st))
        if n is not None:
            return f"{kind}:{n}"
    return ""


__all__ = ["gaelic_key", "language_key"]
