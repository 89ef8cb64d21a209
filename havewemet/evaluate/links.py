"""Link prediction measured on any graph (``havewemet eval links EDGES.txt --ego N``).

The protocol: read an undirected ``a b`` edge list; hide a seeded 20% of the ego's
edges; score, from the ego, the hidden neighbours (positives) against the nodes
within two hops of the ego that are not its neighbours (negatives), in the graph
without the hidden edges; the ROC AUC of each scorer is the chance that a random
positive scores above a random negative (ties count half). A hidden neighbour no
longer within reach still counts as a positive (every scorer then gives it 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.stats import rankdata

from havewemet.errors import InputError
from havewemet.network.graph import Graph, read_edge_list
from havewemet.network.links import CLASSIC, FEATURES, EgoScores, log_of

__all__ = ["LinkEval", "auc", "eval_links", "fit_model", "held_out", "log_features"]

#: The scorers ``--json`` reports under ``auc``, in this order.
REPORTED = ("havewemet", "common_neighbours", "adamic_adar", "jaccard", "personalized_pagerank")


@dataclass(slots=True)
class LinkEval:
    ego: str
    neighbours: int
    hidden: int
    negatives: int
    auc: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "auc": {k: round(self.auc[k], 4) for k in REPORTED},
            "other_auc": {k: round(v, 4) for k, v in self.auc.items() if k not in REPORTED},
            "ego": self.ego,
            "neighbours": self.neighbours,
            "hidden": self.hidden,
            "negatives": self.negatives,
        }


def auc(scores: NDArray[np.float64], positive: NDArray[np.bool_]) -> float:
    """ROC AUC by ranks (Mann-Whitney U), ties counting half."""
    p = int(positive.sum())
    q = len(positive) - p
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - p * (p + 1) / 2) / (p * q))


def held_out(
    graph: Graph, ego: int, *, fraction: float = 0.2, seed: int = 0, hops: int = 2
) -> tuple[EgoScores, NDArray[np.int64], NDArray[np.bool_]]:
    """Hide ``fraction`` of ``ego``'s edges (seeded); the scores from the ego in what
    is left, the candidates (hidden neighbours and non-neighbours within ``hops``) and
    which of them are positives."""
    neighbours = np.sort(graph.neighbours(ego)).astype(np.int64)
    rng = np.random.default_rng(seed)
    count = int(round(fraction * len(neighbours)))
    hidden = np.sort(rng.choice(neighbours, size=count, replace=False))
    rest = graph.without(ego, hidden)
    scores = EgoScores(rest, ego)
    reach = _within(rest, ego, hops)
    reach[rest.neighbours(ego)] = False
    reach[ego] = False
    reach[hidden] = True
    candidates = np.flatnonzero(reach)
    return scores, candidates, np.isin(candidates, hidden)


def _within(graph: Graph, ego: int, hops: int) -> NDArray[np.bool_]:
    seen = np.zeros(graph.n, dtype=bool)
    seen[ego] = True
    frontier = np.array([ego])
    for _ in range(hops):
        nxt = np.unique(graph.adj[frontier].indices)
        nxt = nxt[~seen[nxt]]
        seen[nxt] = True
        frontier = nxt
    return seen


def eval_links(
    path: Path, ego: str, *, fraction: float = 0.2, seed: int = 0, hops: int = 2
) -> LinkEval:
    """The ROC AUC of havewemet's score and of each classic scorer for one ego."""
    graph = read_edge_list(path)
    try:
        i = graph.labels.index(ego)
    except ValueError:
        raise InputError(
            str(path), f"no node {ego!r} in the edge list", fix="Give --ego one of its node ids"
        ) from None
    return eval_ego(graph, i, fraction=fraction, seed=seed, hops=hops, where=str(path))


def eval_ego(
    graph: Graph,
    ego: int,
    *,
    fraction: float = 0.2,
    seed: int = 0,
    hops: int = 2,
    where: str = "the graph",
) -> LinkEval:
    """:func:`eval_links` on a graph already read (``ego`` is a node index)."""
    label = graph.labels[ego]
    degree = len(graph.neighbours(ego))
    scores, candidates, positive = held_out(graph, ego, fraction=fraction, seed=seed, hops=hops)
    if not positive.any():
        raise InputError(
            where,
            f"ego {label} has {degree} neighbour(s), too few to hide {fraction:.0%} of them",
            fix="Choose an ego with more edges",
        )
    if positive.all():
        raise InputError(
            where,
            f"ego {label} has no non-neighbour within {hops} hops once {fraction:.0%} of its "
            "edges are hidden, so the ROC AUC is undefined",
            fix=f"Try --hops {hops + 1}",
        )
    out = LinkEval(label, degree, int(positive.sum()), int((~positive).sum()))
    out.auc["havewemet"] = auc(scores.score(candidates), positive)
    for name, values in scores.classic(candidates).items():
        out.auc[name] = auc(values, positive)
    assert set(out.auc) == {"havewemet", *CLASSIC}
    return out


def log_features(features: dict[str, NDArray[np.float64]]) -> NDArray[np.float64]:
    """The columns havewemet's score weighs (:data:`FEATURES`' logarithms), centred:
    only the order within one ego counts for its ROC AUC."""
    x = np.column_stack([log_of(name, features[name]) for name in FEATURES])
    return x - x.mean(axis=0)


def fit_model(
    xs: list[NDArray[np.float64]], ys: list[NDArray[np.bool_]], *, ridge: float = 1.0
) -> dict[str, float]:
    """Weights of the log-features: a logistic model (ridge ``ridge``) over egos'
    :func:`log_features`, fitted by L-BFGS-B with every classic scorer's weight kept
    at 0 or more, so that the score never falls when a shared neighbour is added (an
    unconstrained fit gave common neighbours a negative weight: more mutuals, less
    expected, which no user would accept). Standardised for the fit, the weights are
    given back per raw log-feature."""
    x = np.vstack(xs)
    y = np.concatenate(ys).astype(np.float64)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    z = x / sd

    def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        t = z @ w
        p = 1 / (1 + np.exp(-t))
        value = float(np.sum(np.logaddexp(0, t) - y * t) + ridge / 2 * w @ w)
        return value, z.T @ (p - y) + ridge * w

    bounds = [(None, None) if f == "degree" else (0.0, None) for f in FEATURES]
    fit = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B", bounds=bounds)
    return {name: round(float(v), 4) for name, v in zip(FEATURES, fit.x / sd, strict=True)}
