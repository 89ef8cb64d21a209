"""Circles: communities of the user's people (Leiden on the weighted graph, seeded),
each named after what most of its members share.

Only the people are grouped, not the user (linked to everyone, the user would join
every circle) nor requesters (placed afterwards, through their mutuals). People with
no tie to anyone else in the user's data are in no circle; neither are groups of
fewer than :data:`SMALLEST`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import igraph as ig
import leidenalg
import numpy as np
import scipy.sparse as sp

from havewemet.network.ego import NAMING, Context, EgoGraph
from havewemet.network.graph import Graph

__all__ = ["Circle", "find_circles", "leiden", "name_circles"]

SEED = 42
SMALLEST = 3
#: A circle is named after a context that at least this share of its members have.
NAMED_SHARE = 0.3


@dataclass(slots=True)
class Circle:
    id: int
    name: str
    members: list[int]
    """Node ids, the user's closest first."""

    def to_dict(self, names: list[str]) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "size": len(self.members),
            "members": [names[m] for m in self.members],
        }


def leiden(graph: Graph, nodes: np.ndarray, *, seed: int = SEED) -> list[list[int]]:
    """Communities of ``nodes`` in the subgraph they induce (weighted modularity,
    Leiden, seeded: the same graph gives the same circles), largest first; each
    community's nodes in ascending order."""
    nodes = np.asarray(nodes, dtype=np.int64)
    if len(nodes) == 0:
        return []
    sub = graph.adj[nodes][:, nodes]
    upper = sp.triu(sub, k=1).tocoo()
    g = ig.Graph(n=len(nodes), edges=np.column_stack([upper.row, upper.col]).tolist())
    if upper.nnz == 0:
        return []
    part = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights=upper.data.tolist(), seed=seed
    )
    groups = [sorted(int(nodes[v]) for v in c) for c in part]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def find_circles(ego: EgoGraph, *, seed: int = SEED) -> list[Circle]:
    """The user's circles, largest first, each named (:func:`name_circles`)."""
    people = ego.people()
    degree_among = np.asarray((ego.graph.adj[people][:, people] > 0).sum(axis=1)).ravel()
    linked = people[degree_among > 0]
    groups = [g for g in leiden(ego.graph, linked, seed=seed) if len(g) >= SMALLEST]
    circles = [
        Circle(i, "", sorted(g, key=lambda n: (-ego.strength[n], n))) for i, g in enumerate(groups)
    ]
    name_circles(circles, ego.contexts, ego.names)
    return circles


def name_circles(circles: list[Circle], contexts: list[list[Context]], names: list[str]) -> None:
    """Name each circle after the context most of its members share (an event, a
    meeting, an employer, a mail domain), else after its two closest members; a name
    two circles would share gets the next context, then a number."""
    taken: Counter[str] = Counter()
    for c in circles:
        counts: Counter[Context] = Counter(
            x for m in c.members for x in contexts[m] if x.kind in NAMING
        )
        ranked = sorted(
            (x for x, n in counts.items() if n >= max(2, NAMED_SHARE * len(c.members))),
            key=lambda x: (-counts[x], NAMING.index(x.kind), x.label),
        )
        labels = [x.label for x in ranked]
        fallback = "around " + " and ".join(names[m] for m in c.members[:2])
        base = next((x for x in labels if x not in taken), "") or (
            labels[0] if labels else fallback
        )
        c.name = f"{base} ({taken[base] + 1})" if taken[base] else base
        taken[base] += 1
