"""store_upsert: the rows written in runs with literals are stored as when every value
is bound (same values, types and order)."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet import store_upsert
from havewemet.store_upsert import upsert_rows

COLS = ("id", "source", "a", "b", "file", "line")


def _table(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(
        f"create table [{name}] (id text primary key, source text, a text, b text, "
        "file text, line integer)"
    )


def _stored(rows: list[tuple], *, monkeypatch: pytest.MonkeyPatch, runs: bool) -> list[tuple]:
    """The table after upsert_rows, with (runs) or without (plain) the literal runs."""
    monkeypatch.setitem(store_upsert.RUN_COLUMNS, "t", (1, 3, 4) if runs else ())
    conn = sqlite3.connect(":memory:")
    _table(conn, "t")
    upsert_rows(conn, "t", COLS, rows)
    upsert_rows(conn, "t", COLS, rows[: len(rows) // 3])  # again: updates, same rows
    return conn.execute(
        "select rowid, id, source, a, b, file, line, typeof(b), typeof(file) from t"
    ).fetchall()


def _rows(n: int, file: object, b: object, *, start: int = 0) -> list[tuple]:
    return [(f"id{i}", "src", f"a{i}", b, file, i) for i in range(start, start + n)]


@pytest.mark.parametrize(
    "rows",
    [
        _rows(1500, "Connections.csv", "[]") + _rows(1500, "it's.csv", None, start=1500),
        _rows(2500, "Téléchargements/x.csv", "{}"),
        _rows(1200, "a\x00b.csv", "[]"),  # NUL: bound, not written in the statement
        _rows(1200, "f.csv", 1.5),  # float: bound
        _rows(1200, "f.csv", True),  # bool: bound (stored as 1 either way)
        [r for i in range(1200) for r in _rows(1, "xy"[i % 2], "[]", start=i)],
        _rows(1200, "f.csv", "[]") + _rows(5, "f.csv", "[]"),  # ids met twice: last wins
    ],
    ids=["two-runs", "accents", "nul", "float", "bool", "alternating", "duplicate-ids"],
)
def test_upsert_rows_stores_what_binding_every_value_stores(
    rows: list[tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _stored(rows, monkeypatch=monkeypatch, runs=True) == _stored(
        rows, monkeypatch=monkeypatch, runs=False
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 1500),
            st.one_of(st.none(), st.integers(), st.text(max_size=5)),
            st.text(max_size=5),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_upsert_rows_runs_of_any_values(runs: list[tuple[int, object, str]]) -> None:
    rows: list[tuple] = []
    for n, b, file in runs:
        rows += _rows(n, file, b, start=len(rows))
    stored = []
    for const in ((1, 3, 4), ()):
        saved = store_upsert.RUN_COLUMNS.get("t")
        store_upsert.RUN_COLUMNS["t"] = const
        try:
            conn = sqlite3.connect(":memory:")
            _table(conn, "t")
            try:
                upsert_rows(conn, "t", COLS, rows)
            except (UnicodeEncodeError, OverflowError):  # surrogate, > int64: refused alike
                stored.append("refused")
                continue
            stored.append(conn.execute("select rowid, *, typeof(b) from t").fetchall())
        finally:
            if saved is None:
                del store_upsert.RUN_COLUMNS["t"]
            else:
                store_upsert.RUN_COLUMNS["t"] = saved
    assert stored[0] == stored[1]


def test_runs_are_written_with_literals_only_when_long(monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []

    class Spy:
        def executemany(self, sql: str, rows: object) -> None:
            statements.append(sql)
            list(rows)  # type: ignore[call-overload]

    monkeypatch.setitem(store_upsert.RUN_COLUMNS, "t", (1, 3, 4))
    two = _rows(1500, "Connections.csv", "[]") + _rows(1500, "it's.csv", None, start=1500)
    upsert_rows(Spy(), "t", COLS, two)  # type: ignore[arg-type]
    assert len(statements) == 2
    assert "'src', '[]', 'Connections.csv')" in statements[0]
    assert "'src', NULL, 'it''s.csv')" in statements[1]
    statements.clear()
    upsert_rows(Spy(), "t", COLS, _rows(999, "f.csv", "[]"))  # type: ignore[arg-type]
    upsert_rows(Spy(), "t", COLS, _rows(1200, "f.csv", 1.5))  # type: ignore[arg-type]
    assert len(statements) == 2 and all("'f.csv'" not in s for s in statements)
