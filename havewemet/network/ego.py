"""The ego graph: the user, their people and the second degree, from everything imported.

Nodes are the user (node 0), the people the user has interacted with (identities
grouped into people) and requesters (each request that names mutual connections).
Edges:

- the user to each person, weighted by tie strength (:mod:`havewemet.network.ties`:
  recency, frequency, two-way contact); an incoming invitation alone is no tie;
- person to person when they share a context in the user's data: the same meeting
  (co-attendees), the same event, a mail or message thread with several people, the
  same current employer, the same organisation's mail domain, endorsements of the
  same skill. A context of ``k`` people gives each pair ``weight / (k - 1)`` (so each
  member gets about ``weight`` from it, Newman's collaboration weighting), decayed
  by age like a tie; a context of more than :data:`CLIQUE` people links each member
  to about :data:`RING` others drawn at random (seeded) instead of all: one community
  still, at a fraction of the edges;
- a requester to each mutual connection they name that is one person in the data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from havewemet.network.graph import Graph
from havewemet.network.ties import decay, tie_strength

__all__ = ["Context", "EgoGraph", "build_ego_graph", "name_key"]

#: Weight a shared context gives each member (spread over the other members).
CONTEXT_WEIGHT: dict[str, float] = {
    "meeting": 1.0,
    "event": 0.6,
    "thread": 0.8,
    "employer": 0.5,
    "domain": 0.3,
    "endorsement": 0.15,
}
#: Contexts a circle may be named after, in the order preferred on a tie.
NAMING = ("event", "meeting", "employer", "domain")
CLIQUE = 60
RING = 30
#: Mail domains that say nothing about where someone works.
WEBMAIL = frozenset(
    "gmail.com googlemail.com yahoo.com yahoo.co.uk hotmail.com hotmail.co.uk outlook.com "
    "live.com msn.com icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.de "
    "gmx.net web.de mail.com yandex.ru orange.fr free.fr laposte.net btinternet.com "
    "example.com example.org example.net".split()
)
#: A requester's edge to each mutual connection.
MUTUAL_WEIGHT = 0.5
#: The smallest weight of the user's edge to a person (a bare connection still links).
MIN_TIE = 0.02


def name_key(name: str) -> str:
    """A display name as compared for mutual connections: case and spaces folded."""
    return " ".join(name.lower().split())


@dataclass(frozen=True, slots=True)
class Context:
    """Something several people share in the user's data."""

    kind: str
    label: str


@dataclass(slots=True)
class EgoGraph:
    """The graph and what each node is. Node 0 is the user."""

    graph: Graph
    names: list[str]
    kinds: list[str]
    """``me``, ``person`` or ``requester``."""
    strength: np.ndarray
    """The user's tie with each node (0 for the user and requesters)."""
    contexts: list[list[Context]]
    requests: dict[str, int] = field(default_factory=dict)
    """Request id to its requester's node."""
    by_name: dict[str, int] = field(default_factory=dict)
    """A folded name held by exactly one person, to that person's node."""

    def people(self) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.kinds) == "person")

    def resolve(self, names: list[str]) -> list[int]:
        """The nodes of the mutual connections ``names`` (those that one person holds)."""
        out = []
        for n in names:
            node = self.by_name.get(name_key(n))
            if node is not None and node not in out:
                out.append(node)
        return out


def _domains(emails: str | None) -> set[str]:
    out = set()
    for e in json.loads(emails or "[]"):
        domain = e.rpartition("@")[2].lower().strip()
        if domain and domain not in WEBMAIL:
            out.add(domain)
    return out


def build_ego_graph(store: Any, *, today: date | None = None, me: str = "You") -> EgoGraph:
    """The ego graph of everything ``store`` holds (read through
    :meth:`~havewemet.store.Store.network_rows` and ``requests``)."""
    today = today or date.today()
    raw = list(store.network_rows())
    key_of = _people_keys(raw)
    rows: dict[str, list[dict]] = defaultdict(list)
    name: dict[str, str] = {}
    ctx: dict[str, set[Context]] = defaultdict(set)
    latest: dict[Context, str] = {}
    for iid, _pid, nm, company, emails, source, kind, at, direction, detail, count in raw:
        key = key_of[iid]
        if nm and not name.get(key):
            name[key] = nm
        if kind != "invitation":
            rows[key].append({"kind": kind, "at": at, "direction": direction, "count": count})
        found: list[Context] = []
        if company and company.strip():
            found.append(Context("employer", company.strip()))
        found += [Context("domain", "@" + d) for d in _domains(emails)]
        if detail and kind in ("meeting", "event"):
            found.append(Context(kind, detail))
        elif detail and kind in ("mail", "message"):
            found.append(Context("thread", f"{source}\x1f{detail}"))
        elif detail and kind == "endorsement":
            found.append(Context("endorsement", detail))
        for c in found:
            ctx[key].add(c)
            if at and at > latest.get(c, ""):
                latest[c] = at
    people = sorted(k for k in rows if name.get(k))
    ties = {k: tie_strength(rows[k], today=today) for k in people}
    people = [k for k in people if ties[k] > 0]
    index = {k: i + 1 for i, k in enumerate(people)}
    names = [me] + [name[k] for k in people]
    kinds = ["me"] + ["person"] * len(people)
    strength = [0.0] + [ties[k] for k in people]
    contexts: list[list[Context]] = [[]] + [
        sorted(ctx[k], key=lambda c: (c.kind, c.label)) for k in people
    ]
    a: list[int] = [0] * len(people)
    b: list[int] = list(range(1, len(people) + 1))
    w: list[float] = [max(ties[k], MIN_TIE) for k in people]
    members: dict[Context, list[int]] = defaultdict(list)
    for k in people:
        for c in ctx[k]:
            members[c].append(index[k])
    for c, group in members.items():
        if len(group) < 2:
            continue
        weight = CONTEXT_WEIGHT[c.kind] * decay(latest.get(c) or "", today)
        _link_group(sorted(group), weight, a, b, w)
    holders: dict[str, list[int]] = defaultdict(list)
    for k in people:
        holders[name_key(name[k])].append(index[k])
    by_name = {n: nodes[0] for n, nodes in holders.items() if len(nodes) == 1}
    requests: dict[str, int] = {}
    for r in store.requests(status=None):
        mutual_nodes = [by_name[n] for n in map(name_key, r.mutuals) if n in by_name]
        if not mutual_nodes:
            continue
        node = len(names)
        requests[r.id] = node
        names.append(r.name)
        kinds.append("requester")
        strength.append(0.0)
        contexts.append([])
        for m in sorted(set(mutual_nodes)):
            a.append(node)
            b.append(m)
            w.append(MUTUAL_WEIGHT)
    graph = Graph.from_edges(len(names), a, b, w, labels=names)
    return EgoGraph(graph, names, kinds, np.asarray(strength), contexts, requests, by_name)


def _people_keys(raw: list[tuple]) -> dict[str, str]:
    """Each identity's person: its cluster (``person_id``) when identities were
    clustered, else one person per name across sources when no source holds that
    name twice (the rule the triage applies to mutual connections: a source's
    identities are different people; sources otherwise agree on a name)."""
    key_of: dict[str, str] = {}
    by_name: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for iid, pid, nm, *_rest in raw:
        if iid in key_of:
            continue
        key_of[iid] = pid or iid
        if nm and not pid:
            by_name[name_key(nm)][_rest[2]].add(iid)
    for sources in by_name.values():
        if len(sources) > 1 and all(len(ids) == 1 for ids in sources.values()):
            first = min(i for ids in sources.values() for i in ids)
            for ids in sources.values():
                for i in ids:
                    key_of[i] = first
    return key_of


def _link_group(group: list[int], weight: float, a: list[int], b: list[int], w: list[float]):
    """Edges among a context's members: all pairs, or a ring past :data:`CLIQUE`."""
    k = len(group)
    if k <= CLIQUE:
        each = weight / (k - 1)
        for i in range(k):
            for j in range(i + 1, k):
                a.append(group[i])
                b.append(group[j])
                w.append(each)
        return
    # A random graph of degree about RING (seeded by the group): it has no cut a
    # community finder would take, as a ring lattice of the same degree has.
    rng = np.random.default_rng(group[0] * 1_000_003 + k)
    each = weight / RING
    for i in range(k):
        for j in rng.choice(k - 1, size=RING // 2, replace=False):
            a.append(group[i])
            b.append(group[j + (j >= i)])
            w.append(each)
