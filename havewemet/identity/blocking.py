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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

import jellyfish

from havewemet.identity.compare import Rec, rec_profile_form, slugs_form
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
    if rec.slugs:  # the name form of the profile address (issue 12)
        form = slugs_form(rec.slugs, rec.name)
        if form is not None:
            keys |= _name_keys(form[0])
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
    for w in f"{last} {maiden}".replace("-", " ").split():  # as re.split(r"[\s\-]+")
        out |= _surname_compat(w)
    return frozenset(out)


def _query_compat(rec: Rec) -> tuple[frozenset[tuple], frozenset[tuple]] | None:
    """The sub-block keys a query looks up in big blocks: (given side, surname side).

    Every word of the name counts on both sides, so that a family name written
    first, a joined double given name or a nickname still meets the identity's.
    None (search big blocks whole) when the query has no given name and surname.
    """
    pn = rec.name
    words = f"{pn.first} {pn.middle} {pn.last} {pn.nickname}".replace("-", " ").split()
    if not pn.first or not pn.last or len(pn.first.strip(". ")) <= 1:
        return None
    form = rec_profile_form(rec) if rec.slugs else None
    if form is not None:  # the name form of the profile address (issue 12)
        words += [w for w in form[0][:4] if w]
    given, surname = {("*",)}, {("+",)}
    for w in words:
        given |= _given_compat(w)
        surname |= _surname_compat(w)
    return frozenset(given), frozenset(surname)


def query_keys(rec: Rec) -> set[str]:
    """The keys a query looks up: its own keys plus swaps, handle forms and sub-words."""
    keys = rec_keys(rec)  # the profile address's name form's keys included
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


_RARE = 30  # a given-name block is searched alone when it holds at most this many
#: A name block larger than this (a common surname or given name in a large store) is
#: searched only among members whose other name could be the query's: in a surname or
#: phonetic block, the same given-name initial, a shared given-name root or no given
#: name; in a given-name block, the same surname start or phonetic key, or no surname.
#: Smaller blocks are searched whole, so small address books are matched as before.
#: On Febrl4 names-only every best candidate at p >= 0.5 is the same as with whole blocks.
BIG_BLOCK = 6
_SURNAME_KEYS = frozenset("sp")


class Blocks:
    """Identity ids filed under their blocking keys; big blocks are searched by the
    members' other name (:data:`BIG_BLOCK`), split lazily.

    ``names`` maps every filed identity to its parsed name (the matcher's own dict):
    splitting a block needs the members' names, not their prepared records.
    """

    def __init__(self, names: Mapping[str, ParsedName]):
        self.names = names
        self.index: dict[str, list[str]] = defaultdict(list)
        self.by_first: dict[str, list[str]] = defaultdict(list)
        self._sub: dict[str, dict[tuple, tuple[str, ...]]] = {}
        self._splits: dict[tuple, dict[tuple, tuple[str, ...]]] = {}
        self._scanned: set[str] = set()  # big blocks met once (split when met again)

    def add(self, iid: str, pn: ParsedName, keys: Iterable[str]) -> None:
        """File one identity under its keys (and its given name's skeleton)."""
        index = self.index
        for k in keys:
            index[k].append(iid)
        if self._sub:  # blocks split before this identity came are split again when met
            for k in keys:
                self._sub.pop(k, None)
        if pn.first:
            self.by_first[skeleton(pn.first)].append(iid)

    def candidates(self, rec: Rec) -> set[str]:
        """Identity ids sharing at least one blocking key with the record."""
        out: set[str] = set()
        index = self.index
        compat = _query_compat(rec)
        # Members of big blocks already looked at, by side: a given name's roots
        # (Lena: Helen, Magdalena, ...) file the same people under many blocks.
        examined: tuple[set[str], set[str]] = (set(), set())
        for k in query_keys(rec):
            ids = index.get(k)
            if not ids:
                continue
            if compat is not None and len(ids) > BIG_BLOCK and k[0] in "spg":
                by_given = k[0] in _SURNAME_KEYS
                want = compat[0] if by_given else compat[1]
                sub = self._sub.get(k)
                if sub is None and k not in self._scanned:
                    # Most big blocks are met once: scanning the members is cheaper
                    # than splitting the block (the same members either way).
                    self._scanned.add(k)
                    seen = examined[by_given]
                    new = set(ids).difference(seen) if seen else ids
                    seen.update(new)
                    out.update(self._scan(new, by_given, want))
                    continue
                if sub is None:
                    members = (by_given, tuple(ids))  # blocks of the same people split once
                    sub = self._splits.get(members)
                    if sub is None:
                        sub = self._splits[members] = self._split(ids, by_given)
                    self._sub[k] = sub
                for c in want:
                    out.update(sub.get(c, ()))
            else:
                out.update(ids)
        if rec.name.first:  # a changed surname: the given name alone, when it is rare
            ids = self.by_first.get(skeleton(rec.name.first))
            # Past BIG_BLOCK holders, a surname-compatible holder is found by the
            # given-name keys already, and a changed surname cannot outweigh a
            # store that large's prior.
            if ids and len(ids) <= (_RARE if compat is None else min(_RARE, BIG_BLOCK)):
                out.update(ids)
        return out

    def _scan(self, ids: Iterable[str], by_given: bool, want: frozenset[tuple]) -> list[str]:
        """The members of a big block that :meth:`_split` files under a key in ``want``."""
        names = self.names
        if by_given:
            return [
                iid
                for iid in ids
                if not want.isdisjoint(_given_side(names[iid].first, names[iid].nickname))
            ]
        return [
            iid
            for iid in ids
            if not want.isdisjoint(_surname_side(names[iid].last, names[iid].maiden))
        ]

    def _split(self, ids: list[str], by_given: bool) -> dict[tuple, tuple[str, ...]]:
        """A big block split by the members' given names (or surnames).

        The parts are tuples of strings, which the cyclic garbage collector stops
        tracking: a session builds some 200,000 of them, and as lists they made it
        walk the whole heap (about 0.5 s at 50,000 identities) while matching.
        """
        sub: dict[tuple, list[str]] = defaultdict(list)
        names = self.names
        for iid in ids:
            pn = names[iid]
            side = (
                _given_side(pn.first, pn.nickname)
                if by_given
                else _surname_side(pn.last, pn.maiden)
            )
            for c in side:
                sub[c].append(iid)
        return {c: tuple(v) for c, v in sub.items()}


__all__ = ["BIG_BLOCK", "Blocks", "query_keys", "rec_keys"]
