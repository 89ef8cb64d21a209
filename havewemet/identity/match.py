"""Matching a requester against the user's identities: blocking, comparison, score.

This is the interface the triage uses: build a :class:`Matcher` once over every
identity in the store, then call :meth:`Matcher.match` per requester. The three
stages are visible (issue 3): :meth:`Matcher.candidates` looks up blocking keys
(surname words, a phonetic key, given-name roots, e-mails, phones, profile slugs,
usernames), :func:`~havewemet.identity.compare.compare` weighs each field, and the
Fellegi-Sunter weights become a probability under a prior of one match among the
user's identities.
"""

from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field

from havewemet._gc import paused as gc_paused
from havewemet.identity.blocking import Blocks, rec_keys
from havewemet.identity.compare import (
    Rec,
    compare_above,
    make_rec,
    probability,
    rec_profile_form,
    rest_bound,
    slugs_form,
)
from havewemet.identity.model import MODEL
from havewemet.identity.names import ParsedName, given_form_agree, surname_forms_agree

# Term-frequency u values are smoothed toward these defaults with this many
# pseudo-records, so a small address book does not make every name look common.
_U0 = {"given": 0.01, "surname": 0.001}
_PSEUDO = 1000
#: An index of at least this many identities is frozen out of the collector after its build.
_SETTLE = 5000
# For Matcher.name_bound: each name comparison's best weight at a fixed u, the m of
# the levels whose u is a term frequency, and the middle name's best weight.
_FIXED_MAX = {c: max(lv.weight for lv in MODEL[c].levels) for c in ("given", "surname")}
_M_TF = {c: MODEL[c].level("exact").m for c in ("given", "surname")}
_MIDDLE_MAX = max(lv.weight for lv in MODEL["middle"].levels)
# ... and the best weight of each name's levels short of an exact agreement.
_OTHER_MAX = {
    c: max(lv.weight for lv in MODEL[c].levels if lv.name not in ("exact", "maiden"))
    for c in ("given", "surname")
}
_MAIDEN_W = MODEL["surname"].level("maiden").weight
_M_SPELLING_TF = MODEL["surname"].level("spelling").m


@dataclass(slots=True)
class Query:
    """What is known of a requester."""

    name: str = ""
    profile_url: str = ""
    emails: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    company: str = ""
    phones: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Match:
    identity_id: str
    probability: float
    reasons: list[str]
    """Which fields agreed (or disagreed), for the explanation."""
    conflict: bool = False
    """The name agrees but a hard identifier (profile URL) differs: a namesake."""
    weights: dict[str, float] = field(default_factory=dict)
    """How much each field counted (log2 Bayes factors; negative = against)."""


def identity_rec(ident: dict) -> Rec:
    """A store identity (a dict as :meth:`Store.identities` yields) as a :class:`Rec`."""
    return make_rec(
        ident["id"],
        name=ident.get("name") or "",
        first=ident.get("first_name") or "",
        last=ident.get("last_name") or "",
        emails=ident.get("emails") or (),
        phones=ident.get("phones") or (),
        urls=ident.get("urls") or (),
        handles=ident.get("handles") or (),
        company=ident.get("company") or "",
        key=ident.get("key") or "",
        birthday=ident.get("birthday") or "",
    )


def query_rec(query: Query) -> Rec:
    """A :class:`Query` as a :class:`Rec`."""
    return make_rec(
        "",
        name=query.name,
        emails=query.emails,
        phones=query.phones,
        urls=[query.profile_url] if query.profile_url else [],
        handles=query.handles,
        company=query.company,
    )


def _weight_floor(threshold: float, log2_prior_odds: float) -> float | None:
    """The weight under which a candidate's probability, rounded to 6 places as
    :class:`Match` keeps it, is below ``threshold`` (None: no such weight)."""
    t = threshold - 1e-6  # round(p, 6) never exceeds p by more than 5e-7
    if t <= 0.0:
        return None
    if t >= 1.0:
        return math.inf
    return math.log2(t / (1.0 - t)) - log2_prior_odds - 1e-9


class Matcher:
    """An in-memory candidate index over identities (dicts as the store yields them).

    Examples:
        >>> m = Matcher([{"id": "a", "name": "Robert J. Smith"},
        ...              {"id": "b", "name": "Rob Smith", "urls": ["linkedin.com/in/rs-leeds"]}])
        >>> [(x.identity_id, x.conflict) for x in m.match(
        ...     Query("Bob Smith", profile_url="linkedin.com/in/rjsmith-lib"), threshold=0.0)]
        [('a', False), ('b', True)]
    """

    def __init__(self, identities: Iterable[dict] = ()):
        self.identities: Mapping[str, dict] = {}
        self.recs: MutableMapping[str, Rec] = {}
        self.names: dict[str, ParsedName] = {}  # every identity's, without its record
        self.blocks = Blocks(self.names)
        self._first_tf: Counter[str] = Counter()
        self._last_tf: Counter[str] = Counter()
        self._bounds: dict[ParsedName, float] = {}
        self._named: dict[ParsedName, list[str]] | None = None
        with gc_paused():  # some ten objects an identity, none in a cycle
            for ident in identities:
                self.add(ident)
            self.settle()

    def settle(self) -> None:
        """After a bulk load (collector paused): move the index's objects out of the
        collector's sight.

        Left pending, the first full collection walked all of them during the
        matching (0.5 s at 50,000 identities). They hold no cycles, so freezing them
        (:func:`gc.freeze`, no walk) is enough; reference counting still frees them.
        """
        if len(self.names) >= _SETTLE:
            gc.freeze()

    def add(self, ident: dict) -> None:
        """Add one identity to the index."""
        rec = identity_rec(ident)
        self.identities[ident["id"]] = ident  # type: ignore[index]
        self.add_rec(rec, rec_keys(rec))

    def add_rec(self, rec: Rec, keys: Iterable[str]) -> None:
        """Add a prepared record, filed under its blocking keys (:func:`rec_keys`)."""
        self.recs[rec.id] = rec
        self.add_name(rec.id, rec.name, keys)

    def add_name(self, iid: str, pn: ParsedName, keys: Iterable[str]) -> None:
        """File an identity by its parsed name and blocking keys; its record is in
        :attr:`recs` (which may prepare it only when first asked for)."""
        self.names[iid] = pn
        self.blocks.add(iid, pn, keys)
        if self._bounds:  # they depend on the term frequencies
            self._bounds.clear()
        self._named = None
        if pn.first:
            self._first_tf[pn.first] = self._first_tf.get(pn.first, 0) + 1
        if pn.last:
            self._last_tf[pn.last] = self._last_tf.get(pn.last, 0) + 1

    def state(self) -> tuple:
        """The index as plain strings, tuples, lists and dicts (for :mod:`marshal`), from
        which :meth:`restore` rebuilds it without filing each identity again."""
        b = self.blocks
        return (
            list(self.names),
            [tuple(pn) for pn in self.names.values()],
            dict(b.index),
            dict(b.by_first),
            dict(self._first_tf),
            dict(self._last_tf),
        )

    def restore(self, state: tuple) -> None:
        """Fill an empty matcher with a :meth:`state` (its records are the caller's)."""
        ids, names, index, by_first, first_tf, last_tf = state
        self.names.update(zip(ids, map(ParsedName._make, names), strict=True))
        self.blocks.index.update(index)
        self.blocks.by_first.update(by_first)
        self._first_tf.update(first_tf)
        self._last_tf.update(last_tf)

    @property
    def log2_prior_odds(self) -> float:
        """Prior odds that a given identity is the requester: one in the store, or none."""
        return math.log2(0.5 / max(len(self.names), 200))

    def u_values(self, rec: Rec) -> tuple[float, float]:
        """Term-frequency u values for an identity's given name and surname."""
        return self.u_values_of(rec.name)

    def u_values_of(self, pn: ParsedName) -> tuple[float, float]:
        """:meth:`u_values` of a parsed name."""
        n = len(self.names) + _PSEUDO
        return (
            (self._first_tf[pn.first] + _PSEUDO * _U0["given"]) / n,
            (self._last_tf[pn.last] + _PSEUDO * _U0["surname"]) / n,
        )

    def u_word(self, word: str, comp: str) -> float:
        """u for a name word agreeing in an unknown or moved role: held in any role."""
        n = len(self.names) + _PSEUDO
        return (self._first_tf[word] + self._last_tf[word] + _PSEUDO * _U0[comp]) / n

    def named(self, pn: ParsedName) -> list[str]:
        """The identities whose name parses to exactly ``pn`` (none for an empty name)."""
        if not (pn.first or pn.last):
            return []
        if self._named is None:
            self._named = defaultdict(list)
            for iid, name in self.names.items():
                self._named[name].append(iid)
        return self._named.get(pn, [])

    def name_bound(self, pn: ParsedName) -> float:
        """The most a name comparison with an identity named ``pn`` can weigh, in any
        reading (as written, swapped, a lone word): each name at its best level, a
        term-frequency level at the least frequent role the word can take.

        A candidate whose bound, plus what the other fields can add, stays under a
        floor is left out without comparing names (a common name cannot reach 0.8).
        """
        bound = self._bounds.get(pn)
        if bound is None:
            ug, ul = self.u_values_of(pn)
            g = max(_FIXED_MAX["given"], math.log2(_M_TF["given"] / ug))
            s = max(_FIXED_MAX["surname"], math.log2(_M_TF["surname"] / ul))
            if pn.last:  # the surname read as a given name
                g = max(g, math.log2(_M_TF["given"] / self.u_word(pn.last, "given")))
            if pn.first:  # the given name read as a surname
                s = max(s, math.log2(_M_TF["surname"] / self.u_word(pn.first, "surname")))
            bound = self._bounds[pn] = g + s
        return bound

    def pair_bound(self, a: ParsedName, b: ParsedName) -> float:
        """The most the name comparison of a query named ``a`` with an identity named
        ``b`` can weigh: :meth:`name_bound`, or tighter when the names can only be read
        as written (two words each, no crossed initials for a swap): then a given name
        or surname that is not the same string cannot reach its exact level."""
        if not (
            a.first
            and a.last
            and b.first
            and b.last
            and not a.middle
            and not b.middle
            and a.first[0] != b.last[0]
            and a.last[0] != b.first[0]
        ):
            return self.name_bound(b) + (_MIDDLE_MAX if a.middle and b.middle else 0.0)
        ug, ul = self.u_values_of(b)
        g = _OTHER_MAX["given"]
        if a.first == b.first or given_form_agree(a, b):
            # as written (or one name in two forms), an exact level weighs by term frequency
            g = max(g, math.log2(_M_TF["given"] / ug))
        s = max(_OTHER_MAX["surname"], math.log2(_M_SPELLING_TF / ul))
        if a.maiden or b.maiden:
            s = max(s, _MAIDEN_W)
        if a.last == b.last or surname_forms_agree(a, b):
            s = max(s, math.log2(_M_TF["surname"] / ul))
        return g + s

    def candidates(self, rec: Rec) -> set[str]:
        """Identity ids sharing at least one blocking key with the record
        (:meth:`~havewemet.identity.blocking.Blocks.candidates`)."""
        return self.blocks.candidates(rec)

    def score(self, rec: Rec, iid: str, name_memo: dict | None = None) -> Match:
        """Compare a prepared record with one identity (``name_memo``: see
        :func:`~havewemet.identity.compare.compare`, one dict per record)."""
        m = self._score_above(rec, iid, None, name_memo)
        assert m is not None  # without a floor there is always a result
        return m

    def _score_above(
        self, rec: Rec, iid: str, floor: float | None, name_memo: dict | None
    ) -> Match | None:
        """:meth:`score`, or None when the weight cannot reach ``floor``."""
        other = self.recs[iid]
        ug, ul = self.u_values(other)
        sc = compare_above(
            rec, other, floor, u_given=ug, u_last=ul, u_word=self.u_word, name_memo=name_memo
        )
        if sc is None:
            return None
        p = probability(sc.weight, self.log2_prior_odds)
        if sc.conflict:
            p = min(p, 0.05)
        return Match(iid, round(p, 6), sc.reasons, sc.conflict, sc.parts)

    def match_rec(
        self,
        rec: Rec,
        *,
        limit: int = 5,
        threshold: float = 0.5,
        exclude: str = "",
        prune: float | None = None,
        keep: Callable[[str], bool] | None = None,
        conflicts: Callable[[ParsedName, frozenset[str]], bool] | None = None,
    ) -> list[Match]:
        """Like :meth:`match` for an already prepared record.

        With ``prune``, a caller that will use only the matches reaching ``prune``,
        the conflicts and the identities ``keep(id)`` accepts lets the others be
        left out (their fields past the name not compared): only when there are
        at most ``limit`` candidates, so the ``limit`` best are the same as without.
        With ``conflicts``, a caller keeps only the conflicts (identities with
        another LinkedIn profile) whose parsed name and profile slugs it accepts; the
        others are not scored (nor their records read, with
        :class:`~havewemet.identity.prepared.LazyRecs`).
        """
        out = []
        memo: dict = {}  # namesakes among the candidates: their names compared once
        bounds: dict[ParsedName, float] = {}  # and bounded once
        candidates = self.candidates(rec)
        pruning = prune is not None and prune > threshold and len(candidates) <= limit
        floor = _weight_floor(
            prune if pruning and prune is not None else threshold, self.log2_prior_odds
        )
        keep_conflicts = (pruning or threshold <= 0.5) and bool(rec.slugs)
        # A name form the requester's profile address carries is compared too (issue 12).
        form = rec_profile_form(rec) if rec.slugs else None
        names, recs = self.names, self.recs
        # Records read lazily tell an identity's slugs without reading the rest.
        slugs_of = getattr(recs, "slugs_of", None) or (lambda iid: recs[iid].slugs)
        for iid in candidates:
            if iid == exclude:
                continue
            slugs = slugs_of(iid)
            if (
                conflicts is not None
                and rec.slugs
                and slugs
                and rec.slugs.isdisjoint(slugs)
                and not conflicts(names[iid], slugs)
            ):
                continue
            # A conflict (another LinkedIn profile) is kept whatever its weight.
            f = None if keep_conflicts and slugs else floor
            if f is not None and pruning and keep is not None and keep(iid):
                f = _weight_floor(threshold, self.log2_prior_odds)
            if f is not None:
                name = names[iid]
                bound = bounds.get(name)
                if bound is None:
                    bound = self.pair_bound(rec.name, name)
                    if form is not None:
                        bound = max(bound, self.pair_bound(form[0], name))
                    bounds[name] = bound
                if bound < f and slugs and not rec.slugs:  # its address may carry one
                    own = slugs_form(slugs, name)
                    if own is not None:
                        bound = max(bound, self.pair_bound(rec.name, own[0]))
                if bound < f and bound + rest_bound(rec, recs[iid]) < f:
                    continue  # even its best name reading cannot reach the floor
            m = self._score_above(rec, iid, f, memo)
            if m is None:
                continue  # its probability is below the threshold, whatever the other fields
            if m.probability >= threshold or (m.conflict and threshold <= 0.5):
                out.append(m)
        out.sort(key=lambda m: (-m.probability, m.identity_id))
        return out[:limit]

    def match(self, query: Query, *, limit: int = 5, threshold: float = 0.5) -> list[Match]:
        """The best-matching identities, most probable first.

        Namesakes (same name, different LinkedIn profile) are returned with
        ``conflict=True`` and a low probability, so the triage can say so.
        """
        return self.match_rec(query_rec(query), limit=limit, threshold=threshold)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


__all__ = ["Match", "Matcher", "Query", "identity_rec", "query_rec"]
