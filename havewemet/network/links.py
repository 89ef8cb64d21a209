"""How expected a connection is: link prediction from one ego (the user) to their
second degree.

:class:`EgoScores` precomputes, once per ego, every vector the scorers read (the
ego's weighted row, the two-step sums behind common neighbours, Adamic-Adar and
resource allocation, personalised PageRank from the ego), so that scoring one node,
or a requester who is not in the graph yet but names their mutual connections, is
a few array lookups (well under a millisecond at 100,000 nodes).

The classic scorers are the textbook ones (weighted by edge weight; on an
unweighted graph they are exactly common neighbours, Jaccard, Adamic-Adar, resource
allocation and PageRank personalised on the ego). havewemet's own score is a
log-linear combination of them with fixed weights (:data:`MODEL`), fitted on SNAP's
ego-Facebook and measured there by leave-one-ego-out cross-validation
(``bench/eval_links.py``). Being a sum of logarithms, it ranks the same under any
per-ego scaling of a feature, so weights fitted on one graph carry over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from havewemet.network.graph import Graph

__all__ = [
    "CLASSIC",
    "FEATURES",
    "MODEL",
    "EgoScores",
    "combine",
    "log_of",
    "personalized_pagerank",
]

#: The classic scorers, in the order ``havewemet eval links`` prints them.
CLASSIC = (
    "common_neighbours",
    "jaccard",
    "adamic_adar",
    "resource_allocation",
    "personalized_pagerank",
)
#: The features havewemet's score reads (logarithms of these).
FEATURES = (*CLASSIC, "degree")
#: Weights of the log-features: a logistic model fitted on the ten SNAP ego-Facebook
#: egos (``python bench/eval_links.py DATA --fit``, seed 0), every classic scorer's
#: weight kept at 0 or more (more shared people never makes a request less expected).
#: Measured there only by leave-one-ego-out cross-validation (each ego scored by
#: weights fitted without it). Read as a product of powers: the PageRank from the
#: user (its square root, about), a little resource allocation, divided by the
#: requester's degree to the power 0.37 (someone linked to everyone is less telling).
MODEL: dict[str, float] = {
    "common_neighbours": 0.0,
    "jaccard": 0.0,
    "adamic_adar": 0.0,
    "resource_allocation": 0.057,
    "personalized_pagerank": 0.4857,
    "degree": -0.3728,
}
#: Restart probability of the personalised PageRank (the usual 0.15).
ALPHA = 0.15
#: Power iterations: the error shrinks as 0.85**k (50 give under 1e-3 of the mass).
ITERATIONS = 50
_TINY = 1e-12


def personalized_pagerank(
    graph: Graph, ego: int, *, alpha: float = ALPHA, iterations: int = ITERATIONS
) -> NDArray[np.float64]:
    """The stationary distribution of a walk along weighted edges that jumps back to
    ``ego`` with probability ``alpha`` at each step (power iteration)."""
    strength = np.asarray(graph.adj.sum(axis=1)).ravel()
    inv = np.divide(1.0, strength, out=np.zeros_like(strength), where=strength > 0)
    walk = (sp.diags(inv) @ graph.adj).T.tocsr()
    start = np.zeros(graph.n)
    start[ego] = 1.0
    r = start.copy()
    for _ in range(iterations):
        r = alpha * start + (1 - alpha) * (walk @ r)
    return r


@dataclass(slots=True)
class _Row:
    """One ego's precomputed vectors (over every node)."""

    cn: NDArray[np.float64]
    aa: NDArray[np.float64]
    ra: NDArray[np.float64]
    ppr: NDArray[np.float64]


class EgoScores:
    """Every scorer from one ego, precomputed; score nodes or a new requester.

    Examples:
        >>> import networkx as nx
        >>> k = nx.karate_club_graph()
        >>> g = Graph.from_edges(34, [a for a, _ in k.edges], [b for _, b in k.edges])
        >>> EgoScores(g, 0).classic([33])["common_neighbours"].tolist()
        [4.0]
    """

    def __init__(self, graph: Graph, ego: int, *, model: dict[str, float] | None = None):
        self.graph = graph
        self.ego = ego
        self.model = model if model is not None else MODEL
        self.degree = graph.degree.astype(np.float64)
        self.strength = np.asarray(graph.adj.sum(axis=1)).ravel()
        own = np.zeros(graph.n)
        own[graph.neighbours(ego)] = graph.weights_of(ego)
        self._own = own
        deg = self.degree
        inv_log = np.divide(1.0, np.log(np.maximum(deg, 2)), out=np.zeros_like(deg), where=deg > 1)
        inv_deg = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
        adj = graph.adj
        self._row = _Row(
            cn=adj @ own,
            aa=adj @ (own * inv_log),
            ra=adj @ (own * inv_deg),
            ppr=personalized_pagerank(graph, ego),
        )
        neighbours = graph.neighbours(ego)
        near = np.zeros(graph.n, dtype=bool)
        near[adj[neighbours].indices] = True
        near[neighbours] = False
        near[ego] = False
        #: The ego's second degree: nodes two steps away, not neighbours.
        self.second: NDArray[np.int64] = np.flatnonzero(near)
        self._sorted = np.sort(self.score(self.second)) if len(self.second) else np.zeros(0)

    def classic(self, nodes: Sequence[int] | NDArray[np.int64]) -> dict[str, NDArray[np.float64]]:
        """Each classic scorer's value for ``nodes``."""
        idx = np.asarray(nodes, dtype=np.int64)
        r = self._row
        cn = r.cn[idx]
        # Jaccard on neighbour sets (weights ignored, as its definition is of sets).
        shared = self._shared(idx)
        union = self.degree[self.ego] + self.degree[idx] - shared
        return {
            "common_neighbours": cn,
            "jaccard": np.divide(shared, union, out=np.zeros_like(shared), where=union > 0),
            "adamic_adar": r.aa[idx],
            "resource_allocation": r.ra[idx],
            "personalized_pagerank": r.ppr[idx],
        }

    def _shared(self, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        """How many neighbours each node shares with the ego (unweighted)."""
        mark = (self._own > 0).astype(np.float64)
        adj = self.graph.adj
        return np.array(
            [mark[adj.indices[adj.indptr[i] : adj.indptr[i + 1]]].sum() for i in idx],
            dtype=np.float64,
        )

    def features(self, nodes: Sequence[int] | NDArray[np.int64]) -> dict[str, NDArray[np.float64]]:
        idx = np.asarray(nodes, dtype=np.int64)
        return {**self.classic(idx), "degree": self.degree[idx]}

    def score(self, nodes: Sequence[int] | NDArray[np.int64]) -> NDArray[np.float64]:
        """havewemet's score of ``nodes`` (higher: more expected)."""
        return combine(self.features(nodes), self.model)

    def new_features(
        self, mutuals: Sequence[int], weights: Sequence[float] | None = None
    ) -> dict[str, float]:
        """The features of someone not in the graph whose neighbours would be
        ``mutuals`` (edge weights ``weights``, 1 each by default): the same sums as for
        a node, each mutual's degree counting the new edge."""
        m = np.asarray(sorted(set(mutuals)), dtype=np.int64)
        w = np.ones(len(m)) if weights is None else np.asarray(weights, dtype=np.float64)
        if len(m) == 0:
            return dict.fromkeys(FEATURES, 0.0)
        own = self._own[m]
        deg = self.degree[m] + 1
        shared = float((own > 0).sum())
        union = self.degree[self.ego] + len(m) - shared
        walk = self._row.ppr[m] / (self.strength[m] + w)
        return {
            "common_neighbours": float((own * w).sum()),
            "jaccard": shared / union if union > 0 else 0.0,
            "adamic_adar": float((own * w / np.log(deg)).sum()),
            "resource_allocation": float((own * w / deg).sum()),
            "personalized_pagerank": float((1 - ALPHA) * (walk * w).sum()),
            "degree": float(len(m)),
        }

    def score_new(self, mutuals: Sequence[int], weights: Sequence[float] | None = None) -> float:
        """havewemet's score of a requester not in the graph, from their mutuals."""
        f = self.new_features(mutuals, weights)
        return float(combine({k: np.array([v]) for k, v in f.items()}, self.model)[0])

    def percentile(self, score: float) -> float:
        """The share (0..1) of the ego's second degree with a lower score."""
        if not len(self._sorted):
            return 0.0
        return float(np.searchsorted(self._sorted, score, side="left") / len(self._sorted))


def log_of(name: str, values: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logarithm the model weighs: of the degree plus one, of the others as they
    are (a zero, no shared neighbour, becomes a very low value)."""
    return np.log(np.maximum(values + (1.0 if name == "degree" else 0.0), _TINY))


def combine(features: dict[str, NDArray[np.float64]], model: dict[str, float]) -> NDArray:
    """Σ weight·log(feature): a product of powers of the features."""
    out = np.zeros(len(next(iter(features.values()))))
    for name, weight in model.items():
        if weight:
            out += weight * log_of(name, features[name])
    return out
