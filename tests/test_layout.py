"""The layout: no import cycles between modules, and the command line starts light.

The layers themselves (imports point down the flow) are the import-linter contract in
pyproject.toml, checked by ``lint-imports`` in CI.
"""

from __future__ import annotations

import json
import subprocess
import sys

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    adj = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in adj:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(adj[node]):
                work.append((node, i + 1))
                nxt = adj[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    group.append(m)
                    if m == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_no_import_cycles_between_modules() -> None:
    # Package __init__ modules included (which import-linter's acyclic_siblings contract
    # does not see): `from havewemet.identity import x` inside identity/ is a cycle.
    graph = grimp.build_graph("havewemet", cache_dir=None)
    assert _cycles(graph) == []


def test_the_command_line_does_not_load_the_matcher_or_the_web_stack() -> None:
    # Startup time (issue 16): `havewemet --help` loads the commands, not what they use.
    code = (
        "import json, sys; import havewemet.cli; "
        "print(json.dumps(sorted(m for m in ('numpy', 'rapidfuzz', 'fastapi', 'networkx', "
        "'sqlite_utils', 'havewemet.store', 'havewemet.identity.match', 'havewemet.triage.engine') "
        "if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_store_does_not_load_numpy() -> None:
    code = (
        "import sys; from havewemet.store import Store; Store.open(':memory:').counts(); "
        "print('numpy' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
