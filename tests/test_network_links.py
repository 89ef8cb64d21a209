"""Link prediction on the small real graphs networkx ships (Zachary's karate club,
the Florentine families), checked against networkx's own scorers; the
``eval links`` protocol and command on an edge list written here."""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.evaluate.links import auc, eval_links, held_out
from havewemet.network.graph import Graph, read_edge_list
from havewemet.network.links import EgoScores, personalized_pagerank


def _graph(g: nx.Graph) -> tuple[Graph, list]:
    nodes = sorted(g.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    a = [index[x] for x, _ in g.edges]
    b = [index[y] for _, y in g.edges]
    return Graph.from_edges(len(nodes), a, b, labels=[str(n) for n in nodes]), nodes


def test_karate_exact_values() -> None:
    k = nx.karate_club_graph()
    g, nodes = _graph(k)
    s = EgoScores(g, nodes.index(0))
    c = s.classic([nodes.index(33)])
    # Nodes 0 and 33 (the instructor and the administrator) share 8, 13, 19 and 31.
    assert c["common_neighbours"][0] == 4
    assert c["adamic_adar"][0] == pytest.approx(
        1 / math.log(5) + 1 / math.log(5) + 1 / math.log(3) + 1 / math.log(6)
    )
    assert c["resource_allocation"][0] == pytest.approx(1 / 5 + 1 / 5 + 1 / 3 + 1 / 6)
    assert c["jaccard"][0] == pytest.approx(4 / (16 + 17 - 4))


@pytest.mark.parametrize("graph", [nx.karate_club_graph(), nx.florentine_families_graph()])
def test_every_pair_agrees_with_networkx(graph: nx.Graph) -> None:
    g, nodes = _graph(graph)
    unweighted = nx.Graph(graph.edges)  # karate's edges carry weights; the classics do not
    for ego in nodes[:5]:
        s = EgoScores(g, nodes.index(ego))
        others = [n for n in nodes if n != ego and not unweighted.has_edge(ego, n)]
        c = s.classic([nodes.index(n) for n in others])
        pairs = [(ego, n) for n in others]
        for name, fn in (
            ("jaccard", nx.jaccard_coefficient),
            ("adamic_adar", nx.adamic_adar_index),
            ("resource_allocation", nx.resource_allocation_index),
        ):
            want = [p for _, _, p in fn(unweighted, pairs)]
            assert c[name] == pytest.approx(want), name
        want_cn = [len(list(nx.common_neighbors(unweighted, ego, n))) for n in others]
        assert c["common_neighbours"].tolist() == want_cn


def test_pagerank_matches_networkx() -> None:
    f = nx.florentine_families_graph()
    g, nodes = _graph(f)
    ours = personalized_pagerank(g, nodes.index("Medici"))
    theirs = nx.pagerank(f, alpha=0.85, personalization={"Medici": 1.0}, tol=1e-12)
    assert ours == pytest.approx([theirs[n] for n in nodes], abs=1e-6)


def test_second_degree_and_a_newcomer_scored_like_a_node() -> None:
    f = nx.florentine_families_graph()
    g, nodes = _graph(f)
    ego = nodes.index("Medici")
    s = EgoScores(g, ego)
    second = {nodes[i] for i in s.second}
    want = {n for m in f["Medici"] for n in f[m]} - set(f["Medici"]) - {"Medici"}
    assert second == want
    # A newcomer whose neighbours would be Strozzi's scores as Strozzi does
    # (each mutual's degree counting one more edge, as Strozzi's own does).
    torn = nodes.index("Strozzi")
    without = g.without(torn, g.neighbours(torn))
    mutuals = [int(m) for m in g.neighbours(torn)]
    newcomer = EgoScores(without, ego).new_features(mutuals)
    as_node = s.features([torn])
    for name in ("common_neighbours", "adamic_adar", "resource_allocation", "jaccard"):
        assert newcomer[name] == pytest.approx(as_node[name][0]), name
    assert 0.0 <= s.percentile(s.score_new(mutuals)) <= 1.0
    assert s.percentile(-1e9) == 0.0 and s.percentile(1e9) == 1.0


def test_auc_by_ranks() -> None:
    assert auc(np.array([3.0, 2.0, 1.0]), np.array([True, False, False])) == 1.0
    assert auc(np.array([1.0, 1.0]), np.array([True, False])) == 0.5


def _write_edges(path: Path, g: nx.Graph) -> Path:
    path.write_text("# generated\n" + "".join(f"{a} {b}\n" for a, b in g.edges), encoding="utf-8")
    return path


def test_held_out_hides_a_fifth_seeded(tmp_path: Path) -> None:
    g = read_edge_list(_write_edges(tmp_path / "e.txt", nx.karate_club_graph()))
    ego = g.labels.index("33")
    _, cand, positive = held_out(g, ego, seed=3)
    _, cand2, positive2 = held_out(g, ego, seed=3)
    assert positive.sum() == round(0.2 * 17) and (cand == cand2).all()
    assert (positive == positive2).all()


def test_eval_links_command(tmp_path: Path) -> None:
    graph = nx.relaxed_caveman_graph(12, 10, 0.1, seed=1)
    path = _write_edges(tmp_path / "edges.txt", graph)
    r = CliRunner().invoke(app, ["eval", "links", str(path), "--ego", "0", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert list(out["auc"]) == [
        "havewemet",
        "common_neighbours",
        "adamic_adar",
        "jaccard",
        "personalized_pagerank",
    ]
    assert all(0.0 <= v <= 1.0 for v in out["auc"].values())
    assert out["auc"] == eval_links(path, "0").to_dict()["auc"]
    text = CliRunner().invoke(app, ["eval", "links", str(path), "--ego", "0"])
    assert "havewemet" in text.output and "ROC AUC" in text.output


def test_eval_links_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\nthree\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["eval", "links", str(bad), "--ego", "1"])
    assert r.exit_code == 1
    assert f"Error: {bad}, line 2: 'three' is not an edge." in r.output
    ok = _write_edges(tmp_path / "ok.txt", nx.karate_club_graph())
    r = CliRunner().invoke(app, ["eval", "links", str(ok), "--ego", "99"])
    assert r.exit_code == 1 and "no node '99'" in r.output
    star = _write_edges(tmp_path / "star.txt", nx.star_graph(10))
    r = CliRunner().invoke(app, ["eval", "links", str(star), "--ego", "0"])
    assert r.exit_code == 1 and "ROC AUC is undefined" in r.output
