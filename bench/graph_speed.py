"""Speed of the network part (issue 15) on generated graphs, each beside a baseline
measured in the same run:

1. a graph of 100,000 nodes and 1,000,000 edges: one requester (a random set of
   mutuals among the ego's second degree's neighbours) scored against the ego's
   second degree, after the per-ego precomputation (timed apart): p50 and p95 of 300
   requesters; baseline: networkx's adamic_adar_index for the same single pair;
2. circles (Leiden, named) for a 5,000-person ego network; baseline: networkx's
   louvain_communities on the same graph;
3. the PNG of that network written (2,000 people drawn); beside it the SVG.

    python bench/graph_speed.py [--seed 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from havewemet.network.draw import layout, to_png, to_svg  # noqa: E402
from havewemet.network.ego import Context, EgoGraph  # noqa: E402
from havewemet.network.graph import Graph  # noqa: E402
from havewemet.network.links import EgoScores  # noqa: E402
from havewemet.network.place import Network  # noqa: E402


def social_graph(n: int, m: int, rng: np.random.Generator, groups: int) -> tuple:
    """``m`` edges among ``n`` nodes, 85% inside ``groups`` communities, skewed degrees."""
    group = rng.integers(0, groups, n)
    theta = rng.pareto(2.0, n) + 1
    inside = int(m * 0.85)
    a = rng.choice(n, size=inside, p=theta / theta.sum())
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.arange(groups + 1))
    g = group[a]
    b = order[starts[g] + (rng.random(inside) * (starts[g + 1] - starts[g])).astype(np.int64)]
    a2 = rng.choice(n, size=m - inside, p=theta / theta.sum())
    b2 = rng.integers(0, n, m - inside)
    return np.concatenate([a, a2]), np.concatenate([b, b2]), group


def bench_score(rng: np.random.Generator) -> None:
    n, m = 100_000, 1_250_000  # draws, of which about 1,000,000 distinct edges
    a, b, _ = social_graph(n, m, rng, 2_000)
    graph = Graph.from_edges(n, a, b)
    ego = int(np.argmax(graph.degree))
    t = time.perf_counter()
    scores = EgoScores(graph, ego)
    pre = time.perf_counter() - t
    second = scores.second
    times, base = [], []
    nxg = nx.Graph()
    nxg.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    nxg.remove_edges_from(nx.selfloop_edges(nxg))
    for _ in range(300):
        target = int(rng.choice(second))
        mutuals = [int(x) for x in graph.neighbours(target)[:8]]
        t = time.perf_counter()
        s = scores.score_new(mutuals)
        scores.percentile(s)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        list(nx.adamic_adar_index(nxg, [(ego, target)]))
        base.append(time.perf_counter() - t)
    ms = sorted(x * 1000 for x in times)
    print(
        f"graph {n:,} nodes, {graph.edges:,} edges; ego degree {graph.degree[ego]:,}, "
        f"second degree {len(second):,}; per-ego precompute {pre:.2f} s"
    )
    print(
        f"one requester scored + percentile: p50 {statistics.median(ms):.3f} ms, "
        f"p95 {ms[int(0.95 * len(ms))]:.3f} ms  (target p50 <= 5 ms)"
    )
    p50 = statistics.median(base) * 1000
    print(f"  baseline networkx adamic_adar_index, one pair: p50 {p50:.3f} ms")


def ego_network(rng: np.random.Generator, people: int = 5_000) -> EgoGraph:
    a, b, group = social_graph(people, people * 12, rng, 40)
    a, b = a + 1, b + 1  # node 0 is the user
    ties = rng.random(people)
    aa = np.concatenate([np.zeros(people, dtype=np.int64), a])
    bb = np.concatenate([np.arange(1, people + 1), b])
    w = np.concatenate([ties, np.full(len(a), 0.2)])
    names = ["You"] + [f"Person {i}" for i in range(people)]
    graph = Graph.from_edges(people + 1, aa, bb, w, labels=names)
    contexts = [[]] + [[Context("employer", f"Employer {g}")] for g in group]
    return EgoGraph(
        graph,
        names,
        ["me"] + ["person"] * people,
        np.concatenate([[0.0], ties]),
        contexts,
        {},
        {n.lower(): i for i, n in enumerate(names)},
    )


def bench_circles_and_png(rng: np.random.Generator) -> None:
    ego = ego_network(rng)
    t = time.perf_counter()
    net = Network(ego)
    circles = time.perf_counter() - t
    sub = nx.Graph()
    coo = ego.graph.adj.tocoo()
    keep = (coo.row > 0) & (coo.col > 0) & (coo.row < coo.col)
    sub.add_weighted_edges_from(
        zip(coo.row[keep].tolist(), coo.col[keep].tolist(), coo.data[keep].tolist(), strict=True)
    )
    t = time.perf_counter()
    louvain = nx.community.louvain_communities(sub, weight="weight", seed=42)
    base = time.perf_counter() - t
    print(
        f"circles for a {len(ego.names) - 1:,}-person ego network ({ego.graph.edges:,} edges): "
        f"{circles:.2f} s, {len(net.circles)} circles (target <= 5 s)"
    )
    print(f"  baseline networkx louvain_communities: {base:.2f} s, {len(louvain)} communities")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        data = layout(net)
        to_png(data, Path(tmp) / "map.png")
        png = time.perf_counter() - t
        t = time.perf_counter()
        (Path(tmp) / "map.svg").write_text(to_svg(layout(net)), encoding="utf-8")
        svg = time.perf_counter() - t
    print(f"PNG written ({len(data.nodes):,} drawn): {png:.2f} s (target <= 10 s); SVG {svg:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    bench_score(rng)
    bench_circles_and_png(rng)


if __name__ == "__main__":
    main()
