"""Given names: variant groups, nicknames and the given-name comparison level (issue 3).

The variant groups (``data/given_names.txt``: forms of one name across languages),
the equivalences of the installed gender-guesser package's ``nam_dict.txt`` (its
``=`` lines, issue 12) and the ``nicknames`` package say which given names are forms
of each other;
:func:`given_level` grades two given names, :func:`given_name_roots` gives the
blocking keys all forms of a name share.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from havewemet.identity.spelling import fold, skeleton

_NICK = NickNamer()


def _load_groups() -> dict[str, frozenset[int]]:
    """Skeleton of a name -> ids of the variant groups it belongs to."""
    groups: dict[str, set[int]] = {}
    text = (
        resources.files("havewemet.identity")
        .joinpath("data/given_names.txt")
        .read_text(encoding="utf-8")
    )
    gid = 0
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        head, rest = line.split(":", 1)
        gid += 1
        for name in [head, *rest.split(",")]:
            for form in {name.strip(), name.strip().replace("-", "")}:
                if form:
                    groups.setdefault(skeleton(form), set()).add(gid)
    hand = set(groups)
    for a, b in _nam_dict_pairs():
        ka, kb = skeleton(a), skeleton(b)
        if not ka or not kb or ka == kb:
            continue
        # The short form joins the full name's groups, never the other way: a form
        # of two names (Chris: Christine, Christopher) must not make them one family.
        # A form the hand-written groups already place keeps its place there.
        if ka in hand:
            continue
        shared = groups.get(kb)
        if not shared:
            gid += 1
            shared = {gid}
        groups.setdefault(ka, set()).update(shared)
        groups.setdefault(kb, set()).update(shared)
    return {k: frozenset(v) for k, v in groups.items()}


def _nam_dict_pairs() -> list[tuple[str, str]]:
    """The equivalent given names of gender-guesser's ``nam_dict.txt`` (its ``=`` lines:
    a short form or spelling and the name it is a form of, across 50 countries).

    The list is Jörg Michael's "gender.c" dictionary (GNU Free Documentation License
    1.2), read from the installed package at run time (about 10 ms), not copied into
    this one. Without the package, no pairs (the hand-written groups still apply).
    ``+`` joins the words of a compound name (``Abdur+Rahim``).
    """
    try:
        raw = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_bytes()
    except (ModuleNotFoundError, OSError):
        return []
    pairs = []
    for line in raw.split(b"\n"):
        if not line.startswith(b"="):
            continue
        words = line[1:30].decode("utf-8", "replace").split()
        if len(words) == 2:
            a, b = (fold(w.replace("+", "-")) for w in words)
            if a and b and a.isascii() and "?" not in a + b:
                pairs.append((a, b))
    return pairs


_GROUPS = _load_groups()
_BY_PREFIX: dict[str, list[str]] = {}
for _key in _GROUPS:
    _BY_PREFIX.setdefault(_key[:2], []).append(_key)


def _faker_first_names() -> frozenset[str]:
    """Every first name of the installed Faker package's locales (census and registry
    lists), folded, one word each."""
    from faker.config import AVAILABLE_LOCALES

    raw: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attr in dir(provider):
            names = getattr(provider, attr, None) if attr.startswith("first_name") else None
            if isinstance(names, (dict, list, tuple)):
                raw.update(n for n in names if isinstance(n, str))
    return frozenset(w for n in raw for w in fold(n).split() if "`" not in w)


def _load_known() -> frozenset[str]:
    """:func:`_faker_first_names`, kept in the user's cache folder per Faker version
    (deriving it takes about 0.2 s; reading it back 10 ms). Derived from the installed
    package at run time, not copied into this one."""
    from importlib import metadata

    from platformdirs import user_cache_dir

    # The version from the package's metadata: importing faker takes longer than
    # reading the cached list.
    version = metadata.version("faker")
    cache = Path(user_cache_dir("havewemet")) / f"given-names-faker-{version}.txt"
    try:
        return frozenset(cache.read_text(encoding="utf-8").split())
    except OSError:
        pass
    known = _faker_first_names()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(known)), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home: derived again next time
    return known


#: Given names known to exist: every first-name list of the Faker package's locales
#: (census and registry lists), folded. A spelling that is not among them and is one
#: slip away from one that is, is taken for a slip rather than another name.
_KNOWN = _load_known()


@lru_cache(maxsize=100_000)
def _families(first: str) -> frozenset[int]:
    """Variant groups of a name and of the names it is a nickname of (Betty -> Elizabeth).

    Forms of one name are one family: a diminutive of Elizabeth is also a form of
    Elisabetta or Elżbieta, so the groups are reached through the nickname's
    canonical names too.
    """
    own = _GROUPS.get(skeleton(first))
    if own:  # a name with its own group is not widened (Robert is not a form of Bill)
        return own
    out: set[int] = set()
    for c in _NICK.canonicals_of(first):
        if len(c) > len(first):  # only up to a longer, full name: Betty -> Elizabeth
            out |= _GROUPS.get(skeleton(c), frozenset())
    return frozenset(out) or _spelled_family(first)


def _spelled_family(first: str) -> frozenset[int]:
    """The groups of a listed name that ``first`` is another spelling of (``Elisabet``
    for ``Elisabeth``, ``Yuliya`` for ``Yulia``): one letter apart from it, or two when
    both are seven letters or longer, with the same first two letters. A name two
    listed names of different groups are that close to takes neither, and the last
    letter must agree (endings tell a man's name from a woman's).

    Only a name people bear (:data:`_KNOWN`) is a spelling: a word no list knows is
    more likely a slip, which :func:`given_level` grades as one (``fuzzy``), not a
    member of the whole family (``Isabeslla`` is not a form of Isabelle). And the
    letters that differ must sound alike (:func:`_sounds_alike`): Olver is a spelling
    of Oliver, Mason is not one of Manon, nor Harris one of Hamis (issue 12: Splink
    fake_20000 precision 0.864 -> 0.911)."""
    key = skeleton(first)
    if len(key) < 5 or first not in _KNOWN:
        return frozenset()
    found: set[int] = set()
    seen: set[frozenset[int]] = set()
    for other in _BY_PREFIX.get(key[:2], ()):
        if key[-1] != other[-1] or _gender_pair(key, other):
            continue  # Georgia is not a spelling of Georges, nor Daniela of Daniel
        d = DamerauLevenshtein.distance(key, other, score_cutoff=2)
        if (d <= 1 or (d == 2 and min(len(key), len(other)) >= 7)) and _sounds_alike(key, other):
            seen.add(_GROUPS[other])
            found |= _GROUPS[other]
    return frozenset(found) if len(seen) == 1 else frozenset()


#: Soundex's letter groups (Russell and Odell, as the US census codes surnames): a
#: letter changed within its group keeps the sound; and the letters Soundex passes
#: over (vowels, h, w, y) plus the j of Dutch "ij" may be added, dropped or changed
#: among themselves.
_SOUND_GROUP = {
    ch: i for i, grp in enumerate(("bfpv", "cgjkqsxz", "dt", "l", "mn", "r")) for ch in grp
}
_SOFT = frozenset("aeiouyhwj")


def _sounds_alike(a: str, b: str) -> bool:
    """Whether every letter that differs between two skeletons keeps the sound
    (``elisabet``/``elisavet``, ``oliver``/``olver``; not ``mason``/``manon``)."""
    for e in Levenshtein.editops(a, b):
        if e.tag == "replace":
            x, y = a[e.src_pos], b[e.dest_pos]
            if not ({x, y} <= _SOFT or _SOUND_GROUP.get(x, -1) == _SOUND_GROUP.get(y, -2)):
                return False
        elif (a[e.src_pos] if e.tag == "delete" else b[e.dest_pos]) not in _SOFT:
            return False
    return True


@lru_cache(maxsize=100_000)
def given_name_roots(first: str) -> frozenset[str]:
    """Keys shared by all forms of a given name (``bob`` and ``robert`` share ``robert``).

    Used as blocking keys: two forms of a name share at least one root.
    """
    first = fold(first).strip(".")
    if not first:
        return frozenset()
    roots = {skeleton(first)}
    roots |= {skeleton(c) for c in _NICK.canonicals_of(first)}
    roots |= {f"g{g}" for g in _families(first)}
    if not _NICK.canonicals_of(first):
        roots |= {skeleton(c) for c in _NICK.nicknames_of(first)}
    return frozenset(roots)


def _typo(fa: str, fb: str, sa: str, sb: str) -> bool:
    """One slip of the keyboard: a letter added, dropped, changed or swapped, or a space."""
    na, nb = fa.replace(" ", ""), fb.replace(" ", "")
    shortest = min(len(na), len(nb))
    if shortest < 4:
        return False
    d = DamerauLevenshtein.distance(na, nb)
    if d == 1 and len(na) == len(nb) and shortest < 6 and sorted(na) != sorted(nb):
        return False  # one letter changed in a short name: Jade/Jane, Marta/Maria
    if d <= 1 or (d <= 2 and shortest >= 7):
        return True
    return sa[:1] == sb[:1] and JaroWinkler.similarity(sa, sb) >= 0.92


def _gender_pair(a: str, b: str) -> bool:
    """Daniel/Daniela, Mario/Maria, Carlo/Carla, Louis/Louise: a different person."""
    if len(a) > len(b):
        a, b = b, a
    if b.startswith(a) and len(b) - len(a) <= 2 and b[len(a) :] in ("a", "e", "ne", "na", "ina"):
        return True
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} <= {"a", "o", "e", "i"}


def _given_typo(fa: str, fb: str, sa: str, sb: str) -> bool:
    """A likely typo between two given names.

    Two known names a letter apart are different names (Jade/Jane, Daniel/Daniela);
    when only one of the two is a known name, the other is one slip away from it
    (Kayl/Kayla, Tylet/Tyler, Kyl/Kyle), down to three letters.
    """
    na, nb = fa.replace(" ", ""), fb.replace(" ", "")
    if (
        min(len(na), len(nb)) >= 3
        and (fa in _KNOWN) != (fb in _KNOWN)
        and DamerauLevenshtein.distance(na, nb) == 1
    ):
        return True
    return not _gender_pair(fa, fb) and _typo(fa, fb, sa, sb)


@lru_cache(maxsize=200_000)
def given_level(a: str, b: str) -> tuple[str, str]:
    """How two given names agree: a level and a short human reason.

    Levels, strongest first: ``exact``, ``spelling`` (same after transliteration or
    spelling levelling), ``variant`` (nickname, diminutive or foreign form),
    ``initial``, ``fuzzy`` (a likely typo), ``none`` and ``missing``.

    Examples:
        >>> given_level("Bob", "Robert")
        ('variant', 'Bob is a form of Robert')
        >>> given_level("Daniel", "Daniela")[0]
        'none'
    """
    fa, fb = fold(a).strip(". "), fold(b).strip(". ")
    if not fa or not fb:
        return "missing", ""
    ta, tb = a.strip().title(), b.strip().title()
    if fa.replace(" ", "") == fb.replace(" ", "") and fa != fb:
        return "spelling", f"{ta} = {tb} (spacing)"
    if fa == fb:
        return (
            ("exact", f"same given name ({ta})")
            if a.strip().lower() == b.strip().lower()
            else ("spelling", f"{ta} = {tb} (accents)")
        )
    if len(fa) == 1 or len(fb) == 1:
        if fa[0] == fb[0]:
            return "initial", f"initial {fa[0].upper()}. fits {tb if len(fa) == 1 else ta}"
        return "none", ""
    sa, sb = skeleton(fa), skeleton(fb)
    if sa == sb:
        return "spelling", f"{ta} and {tb} are spellings of one name"
    if (
        fb in _NICK.nicknames_of(fa)
        or fa in _NICK.nicknames_of(fb)
        or (_families(fa) & _families(fb))
        or any(
            len(c) > max(len(fa), len(fb))
            for c in _NICK.canonicals_of(fa) & _NICK.canonicals_of(fb)
        )
        or fa.replace("-", "") == fb.replace("-", "")
    ):
        return "variant", f"{ta} is a form of {tb}"
    if "-" in fa or "-" in fb or " " in fa or " " in fb:
        pa, pb = set(re.split(r"[\s-]", fa)), set(re.split(r"[\s-]", fb))
        if pa & pb:
            return "variant", f"{ta} and {tb} share a given name"
    if _given_typo(fa, fb, sa, sb):
        return "fuzzy", f"{ta} looks like a misspelling of {tb}"
    return "none", ""


def given_names_match(a: str, b: str) -> bool:
    """True when two given names are the same, forms of each other, or an initial.

    Examples:
        >>> given_names_match("Łukasz", "Lukas"), given_names_match("Jan", "Jane")
        (True, False)
    """
    return given_level(a, b)[0] in ("exact", "spelling", "variant", "initial")


__all__ = ["given_level", "given_name_roots", "given_names_match"]
