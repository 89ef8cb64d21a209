"""The people behind names and identities: tie strengths and mutual connections.

:class:`People` is the part of a :class:`~havewemet.triage.engine.Triager` that knows
which identities are one person (clusters, :mod:`havewemet.identity.cluster`), how
strong the user's tie is with each (:mod:`havewemet.network.ties`), and who a mutual
connection's name stands for; :func:`mutual_evidence` weighs the mutuals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from havewemet.identity.match import Matcher, Query
from havewemet.identity.names import parse_name
from havewemet.network.ties import TIE_FIELDS, describe_tie, tie_strength
from havewemet.normalize import profile_slug
from havewemet.triage.evidence import CONNECTED, STRANGER, Evidence

#: A requester is *connected through* a mutual with a tie of 0.3 or more, or mutuals
#: whose ties of 0.1 or more add up to this: forty connection-only mutuals do not.
MUTUAL_STRENGTH = 0.5
CLOSE_MUTUAL = 0.3
SOME_CONTACT = 0.1


@dataclass(slots=True)
class Mutual:
    name: str
    resolved: str = ""
    strength: float = 0.0
    holders: int = 0
    """How many people in the user's data have exactly this name, when several do
    (``strength`` is then the weakest of their ties: whichever it is, at least that)."""

    def to_dict(self) -> dict:
        """The mutual as ``--json`` and the web page give it (``holders`` only when
        several people have the name)."""
        d: dict = {"name": self.name, "resolved": self.resolved, "strength": self.strength}
        if self.holders:
            d["holders"] = self.holders
        return d

    def line(self) -> str:
        if self.holders > 1:
            line = f"{self.name}: one of {self.holders} people with this name in your data"
            if self.strength >= SOME_CONTACT:  # whichever it is, the user knows them
                line += f", {describe_tie(self.strength)} at least (tie {self.strength:.2f})"
            return line
        if not self.resolved:
            return f"{self.name}: not found in your data"
        return f"{self.name}: {describe_tie(self.strength)} (tie {self.strength:.2f})"


class People:
    """Clusters, ties and mutual connections over one store, cached for a batch."""

    def __init__(self, store: Any, matcher: Matcher, today: date):
        self.store = store
        self.matcher = matcher
        self.today = today
        self.person_of: dict[str, str] = {}
        self.by_person: dict[str, list[str]] = defaultdict(list)
        for iid, pid in store.person_ids():
            self.person_of[iid] = pid
            self.by_person[pid].append(iid)
        self._ties: dict[str, float] = {}
        self._mutuals: dict[str, Mutual] = {}
        self._counts: dict[tuple[str, ...], int] = {}

    def expand(self, ids: list[str]) -> list[str]:
        out = list(ids)
        for iid in ids:
            pid = self.person_of.get(iid)
            out += [x for x in self.by_person.get(pid, []) if x not in out] if pid else []
        return out

    def tie(self, *identity_ids: str) -> float:
        """The user's tie strength with the person behind one or more identities
        (cached)."""
        key = identity_ids[0] if len(identity_ids) == 1 else ",".join(sorted(identity_ids))
        if key not in self._ties:
            self._fill_ties([identity_ids])
        return self._ties[key]

    def _fill_ties(self, groups: list[tuple[str, ...]]) -> None:
        """:meth:`tie` of each group of identities, their interactions read at once."""
        todo: dict[str, list[str]] = {}
        for ids in groups:
            key = ids[0] if len(ids) == 1 else ",".join(sorted(ids))
            if key not in self._ties and key not in todo:
                todo[key] = self.expand(list(ids))
        if not todo:
            return
        rows: dict[str, list[dict]] = defaultdict(list)
        wanted = {x for ids in todo.values() for x in ids}
        for r in self.store.interactions_for(wanted, fields=TIE_FIELDS):
            rows[r["identity_id"]].append(r)
        for key, members in todo.items():  # by identity, as interactions_for gives them
            own = [r for x in sorted(set(members)) for r in rows[x]]
            self._ties[key] = tie_strength(own, today=self.today)

    def prefetch(self, names: Iterable[str]) -> None:
        """Resolve a batch's mutual names, the ties they need read in one query
        (triaging 1,000 requests meets some 2,500 mutuals)."""
        todo = []
        for name in names:
            key = " ".join(name.lower().split())
            if key and key not in self._mutuals and not profile_slug(name):
                holders = self.matcher.named(parse_name(name))
                if holders:  # the one person's identities, or the first namesake
                    todo.append(tuple(holders) if self.count(holders) == 1 else (min(holders),))
        self._fill_ties(todo)

    def weakest_tie(self, ids: list[str]) -> float:
        """A lower bound of the tie with whichever of ``ids``' people a name stands
        for: the weakest of their ties, or 0.0 as soon as one is under
        :data:`SOME_CONTACT` (counted as nothing either way)."""
        first, *rest = sorted(ids)  # the first namesake's tie was read with the batch's
        if self.tie(first) < SOME_CONTACT:
            return 0.0
        self._fill_ties([(i,) for i in rest])  # the others in one query
        weakest = min(self._ties[i] for i in (first, *rest))
        return weakest if weakest >= SOME_CONTACT else 0.0

    def count(self, holders: list[str]) -> int:
        """How many people identities with one name are: a source's identities are
        different people (two LinkedIn connections), so are different clusters;
        sources otherwise agree on a name, so one in each is one person."""
        if len(holders) < 2:
            return len(holders)
        key = tuple(holders)
        if key not in self._counts:  # asked again when the batch's ties are read
            by_source: dict[str, set[str]] = defaultdict(set)
            for iid, source in self.store.identity_sources(holders):
                by_source[source].add(self.person_of.get(iid, iid))
            clustered = {self.person_of[i] for i in holders if i in self.person_of}
            self._counts[key] = max([len(clustered), *(len(p) for p in by_source.values())])
        return self._counts[key]

    def mutual(self, name: str) -> Mutual:
        key = " ".join(name.lower().split())
        if key not in self._mutuals:  # the same mutuals recur across a batch
            self._mutuals[key] = self._resolve(name)
        m = self._mutuals[key]
        return Mutual(name, m.resolved, m.strength, m.holders)

    def _resolve(self, name: str) -> Mutual:
        """The person behind a mutual connection's name. LinkedIn names mutual
        connections as the user's own connections' names, so a name that exactly one
        person in the user's data holds is that person (however common the name); a
        name several people hold is one of them, known at least as well as the least
        known; another name is matched as a requester's would be, at 0.8."""
        url = bool(profile_slug(name))  # a profile address pasted instead of a name
        holders = self.matcher.named(parse_name(name)) if not url else []
        people = self.count(holders)
        if people == 1:
            return Mutual(name, self.matcher.recs[min(holders)].display, self.tie(*holders))
        if people > 1:
            weakest = self.weakest_tie(holders)
            return Mutual(name, self.matcher.recs[min(holders)].display, weakest, people)
        if url:
            found = self.matcher.match(Query(profile_url=name), limit=1, threshold=0.8)
        else:
            found = [
                m
                for m in self.matcher.match(Query(name=name), limit=3, threshold=0.8)
                if not m.conflict
            ]
        if not found:
            return Mutual(name)
        iid = found[0].identity_id
        return Mutual(name, self.matcher.recs[iid].display, self.tie(iid))


def mutual_evidence(mutuals: list[Mutual], count: int = 0) -> Evidence:
    """One line weighing the mutual connections by the user's tie with each:
    *connected through* with one close mutual (tie 0.3+) or several with some
    contact (0.1+ each) adding up to 0.5; otherwise they count for nothing.
    ``count`` is how many the invitation says there are when it names only some
    (issue 12); the unnamed ones cannot be weighed, only counted."""
    known = [m for m in mutuals if m.resolved]
    strong = sorted((m for m in known if m.strength >= SOME_CONTACT), key=lambda m: -m.strength)
    close = any(m.strength >= CLOSE_MUTUAL for m in strong)
    connected = close or sum(m.strength for m in strong) >= MUTUAL_STRENGTH
    n = max(len(mutuals), count)
    named = f" ({len(mutuals)} named)" if n > len(mutuals) else ""
    text = f"{n} mutual connection{'s' * (n > 1)}{named}, {len(known)} found in your data"
    if strong:
        names = ", ".join(
            f"{m.resolved} ({describe_tie(m.strength)}, tie {m.strength:.2f})" for m in strong[:3]
        )
        more = f" and {len(strong) - 3} more" if len(strong) > 3 else ""
        text += f"; you know {len(strong)} of them: {names}{more}"
    else:
        text += "; you know none of them beyond a connection"
    return Evidence(CONNECTED if connected else STRANGER, "mutuals", text, "the invitation")


__all__ = ["CLOSE_MUTUAL", "MUTUAL_STRENGTH", "SOME_CONTACT", "Mutual", "People", "mutual_evidence"]
