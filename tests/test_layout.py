"""The layout: imports point down the flow (the import-linter contract in
pyproject.toml), no import cycles between modules, the types check (mypy), the
command line starts light, and the store is the only door to SQLite: no module
outside ``havewemet/store/`` runs SQL or touches the store's connection (issue 16).

``.ci/run`` runs ``lint-imports`` and ``mypy`` too; these tests make a change that
breaks either fail the suite that every change runs before it lands.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports
from mypy import api as mypy_api

import havewemet

ROOT = Path(__file__).resolve().parent.parent


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


PACKAGE = Path(havewemet.__file__).parent
#: Calls that run SQL or open a transaction (sqlite3, sqlite-utils).
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "query", "atomic"})
#: Names of a database connection or sqlite-utils ``Database``.
DB_NAMES = frozenset({"db", "_db", "conn", "connection"})


def sql_in(source: str) -> list[str]:
    """Where ``source`` runs SQL: ``x.execute(...)`` and the like, ``db[...]`` (a
    sqlite-utils table), ``sqlite3.connect``, and any use of a store's ``db``/``_db``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in SQL_CALLS or (
                name == "connect"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "sqlite3"
            ):
                found.append(f"line {node.lineno}: .{name}(...)")
        elif isinstance(node, ast.Subscript):
            v = node.value
            name = (
                v.attr if isinstance(v, ast.Attribute) else v.id if isinstance(v, ast.Name) else ""
            )
            if name in DB_NAMES:
                found.append(f"line {node.lineno}: {name}[...]")
        elif isinstance(node, ast.Attribute) and (
            node.attr == "_db" or (node.attr == "db" and "store" in ast.unparse(node.value))
        ):  # a store's connection (``state.db``, the CLI's path option, is not one)
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def _modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]
    )


def test_no_sql_outside_the_store() -> None:
    offenders = {
        str(p.relative_to(PACKAGE.parent)): hits
        for p in _modules()
        if (hits := sql_in(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "SQL outside havewemet/store/ (add a named Store method instead)"


def test_the_modules_checked_are_the_whole_package_but_the_store() -> None:
    names = {str(p.relative_to(PACKAGE)) for p in _modules()}
    assert {"identity/prepared.py", "identity/cluster.py", "triage/engine.py"} <= names
    assert {"web/app.py", "cli/app.py", "__init__.py"} <= names
    assert not any(n.startswith("store/") for n in names)


@pytest.mark.parametrize(
    ("planted", "hit"),
    [
        ('store._db.execute("delete from people")', "line 1: .execute(...)"),
        ('conn.executemany("insert into x values (?)", rows)', "line 1: .executemany(...)"),
        ("rows = list(db.query('select * from requests'))", "line 1: .query(...)"),
        ("with store.db.atomic():\n    pass", "line 1: .atomic(...)"),
        ('store.db["links"].upsert(row, pk="a")', "line 1: db[...]"),
        ('db["decisions"].insert(row)', "line 1: db[...]"),
        ("x = sqlite3.connect(path)", "line 1: .connect(...)"),
        ("c = store._db.conn", "line 1: ._db"),
        ("c = ctx.store.db.conn", "line 1: .db"),
    ],
)
def test_a_planted_violation_is_caught(planted: str, hit: str) -> None:
    assert hit in sql_in(planted)


def test_plain_code_is_not_flagged() -> None:
    code = (
        "matches = matcher.match(Query(name))\n"
        "d = rows['name']\nstore.record_decision(row)\n"
        "text = 'select the people you know'\npath = state.db\n"
    )
    assert sql_in(code) == []


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


def test_imports_point_down_the_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # import-linter reads pyproject.toml and finds the package here
    assert lint_imports(no_cache=True, no_logo=True) == 0, "see the broken contract above"


def test_the_types_check() -> None:
    out, err, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "havewemet")]
    )
    assert status == 0, out + err
