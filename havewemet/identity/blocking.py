"""Blocking keys of the identity matcher: which identities a query is compared with (issue 3).

An identity is filed under :func:`rec_keys` (surname words, a phonetic key,
given-name roots, e-mails, phones, profile slugs, usernames); a query looks up
:func:`query_keys` (its own keys plus swapped names, handle forms and sub-words).
Big name blocks are searched only among members whose other name could be the
query's: the sub-block keys of both sides are here, the search in
:class:`~havewemet.identity.match.Matcher`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish

from havewemet.identity.compare import Rec
from havewemet.identity.handles import _tokens, name_handle_forms
from havewemet.identity.names import ParsedName, given_name_roots, skeleton


@lru_cache(maxsize=100_000)
def _phonetic(word: str) -> str:
    w = re.sub(r"[^a-z]", "", word)
    return jellyfish.metaphone(w) if len(w) >= 3 else ""


@lru_cache(maxsize=100_000)
def _name_keys(pn: ParsedName) -> frozenset[str]:
    """The blocking keys of a parsed name (surname words, phonetic key, given-name roots)."""
    keys: set[str] = {"s:" + w for w in pn.surnames}
    if pn.last:
        keys.add("p:" + _phonetic(pn.last.split()[-1]))
    last_sk = skeleton(pn.last)[:1]
    for root in given_name_roots(pn.first) if pn.first else ():
        keys.add(f"g:{root}:{last_sk}")
    keys.discard("p:")
    return frozenset(keys)


def rec_keys(rec: Rec) -> set[str]:
    """The blocking keys an identity is filed under: strings whose first letter says
    what they hold (``s`` surname word, ``p`` phonetic key, ``g`` given-name root and
    surname initial, ``e`` e-mail, ``t`` phone, ``l`` profile slug, ``u`` username)."""
    keys = set(_name_keys(rec.name))
    if rec.emails:
        keys.update(["e:" + e for e in rec.emails])
    if rec.phones:
        keys.update(["t:" + p for p in rec.phones])
    if rec.slugs:
        keys.update(["l:" + s for s in rec.slugs])
    if rec.fit_handles:
        keys.update(["u:" + joined for _, _, joined in rec.fit_handles])
    return keys


@lru_cache(maxsize=100_000)
def _given_compat(first: str) -> frozenset[tuple]:
    """Sub-block keys of a given name: its first two letters (as written and levelled),
    the two after a first letter added, dropped or changed (Hanna/Anna), and its roots."""
    first = first.strip(". ")
    if not first:
        return frozenset()
    sk = skeleton(first)
    out = {("i", first[:2]), ("i", sk[:2]), ("i", "+" + sk[1:3]), ("i", "+" + sk[:2])}
    out |= {("r", r) for r in given_name_roots(first)}
    out.discard(("i", ""))
    return frozenset(out)


@lru_cache(maxsize=100_000)
def _surname_compat(word: str) -> frozenset[tuple]:
    """Sub-block keys of a surname word: the start of its skeleton and its phonetic key."""
    sk = skeleton(word)
    out = {("j", sk[:3]), ("m", _phonetic(word))}
    out.discard(("m", ""))
    return frozenset(out) if sk else frozenset()


@lru_cache(maxsize=100_000)
def _given_side(first: str, nickname: str) -> frozenset[tuple]:
    """Sub-block keys of an identity's given name inside a big surname block."""
    if len(first.strip(". ")) <= 1:
        return frozenset((("*",),))  # no given name, or an initial: always a candidate
    return _given_compat(first) | (_given_compat(nickname) if nickname else frozenset())


@lru_cache(maxsize=100_000)
def _surname_side(last: str, maiden: str) -> frozenset[tuple]:
    """Sub-block keys of an identity's surname inside a big given-name block."""
    if not last:
        return frozenset((("+",),))  # no surname: always a candidate by given name
    out: set[tuple] = set()
    for w in re.split(r"[\s\-]+", f"{last} {maiden}"):
        if w:
            out |= _surname_compat(w)
    return frozenset(out)


def _query_compat(rec: Rec) -> tuple[frozenset[tuple], frozenset[tuple]] | None:
    """The sub-block keys a query looks up in big blocks: (given side, surname side).

    Every word of the name counts on both sides, so that a family name written
    first, a joined double given name or a nickname still meets the identity's.
    None (search big blocks whole) when the query has no given name and surname.
    """
    pn = rec.name
    words = [
        w for w in re.split(r"[\s\-]+", f"{pn.first} {pn.middle} {pn.last} {pn.nickname}") if w
    ]
    if not pn.first or not pn.last or len(pn.first.strip(". ")) <= 1:
        return None
    given, surname = {("*",)}, {("+",)}
    for w in words:
        given |= _given_compat(w)
        surname |= _surname_compat(w)
    return frozenset(given), frozenset(surname)


def query_keys(rec: Rec) -> set[str]:
    """The keys a query looks up: its own keys plus swaps, handle forms and sub-words."""
    keys = rec_keys(rec)
    pn = rec.name
    if pn.first and pn.last:
        keys.add("s:" + skeleton(pn.first))
        for root in given_name_roots(pn.last.split()[-1]):
            keys.add(f"g:{root}:{skeleton(pn.first)[:1]}")
        keys |= {"u:" + s for s, score, _ in name_handle_forms(pn) if score >= 0.8}
    if pn.first and pn.middle and " " not in pn.middle:
        # A stray space inside a name ("Mia Kam P", "El Ton Noble"): the joined readings.
        joined = skeleton(pn.middle + pn.last.split()[0]) if pn.last else ""
        if joined:
            keys.add("s:" + joined)
            keys |= {f"g:{root}:{joined[:1]}" for root in given_name_roots(pn.first)}
        if pn.last:
            last_sk = skeleton(pn.last)[:1]
            keys |= {f"g:{root}:{last_sk}" for root in given_name_roots(pn.first + pn.middle)}
    for u in rec.usernames | rec.mail_users:
        toks = _tokens(u)
        keys |= {"u:" + tok for tok in toks} | {"u:" + "".join(toks[:2])}
        for tok in toks:
            for i in range(0, max(1, len(tok) - 3)):
                keys.add("s:" + skeleton(tok[i:]))
            for j in range(4, len(tok)):
                keys.add("s:" + skeleton(tok[:j]))
    return keys


__all__ = ["query_keys", "rec_keys"]
