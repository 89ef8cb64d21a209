"""Writing rows with fewer bound values (issue 2): the columns that keep one value over
long runs of rows go into the statement as SQL literals.

Python's ``sqlite3`` binds every string as a transient copy (a malloc and a free in
SQLite per value); at 30,000 connections the binding was a tenth of the import's
instructions. What is stored is what binding every value stores, in the same order.
"""

from __future__ import annotations

import sqlite3
from itertools import groupby
from operator import itemgetter

from havewemet.store_schema import INTERACTION_LOG

#: Per table, the columns that keep one value over long runs of rows (the source, the
#: file, lists and fields a LinkedIn row never fills): written as SQL literals instead
#: of bound per row (issue 2: ``sqlite3`` copies every bound string, with a malloc).
RUN_COLUMNS: dict[str, tuple[int, ...]] = {
    "identities": (1, 7, 9, 10, 13, 14, 16),  # source phones handles nicknames location file extra
    INTERACTION_LOG: (1, 3, 8),  # source kind file
}
_ROWS_PER_RUN = 1000  # runs at least this long on average, else every value is bound


def _literal(value: object) -> str | None:
    """``value`` as an SQL literal that stores what binding it stores, or None."""
    if value is None:
        return "NULL"
    if type(value) is int and -(2**63) <= value < 2**63:  # beyond: binding refuses it
        return str(value)
    if type(value) is str and "\x00" not in value and (value.isascii() or _utf8(value)):
        return "'" + value.replace("'", "''") + "'"
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def upsert_rows(
    conn: sqlite3.Connection, table: str, cols: tuple[str, ...], rows: list[tuple]
) -> None:
    """``insert ... on conflict(id) do update`` of every row, in order.

    Where the table's :data:`RUN_COLUMNS` keep one value over long runs of rows, each
    run is one ``executemany`` with those values written in the statement: the same
    rows stored, in the same order, with fewer values bound.
    """
    sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols[1:])
    const = RUN_COLUMNS.get(table, ())
    if len(const) > 1 and len(rows) >= _ROWS_PER_RUN:
        runs = [(k, len(list(g))) for k, g in groupby(map(itemgetter(*const), rows))]
        literals = [[_literal(v) for v in k] for k, _n in runs]
        if len(runs) <= len(rows) // _ROWS_PER_RUN and all(
            v is not None for lits in literals for v in lits
        ):
            var = tuple(i for i in range(len(cols)) if i not in const)
            names = ", ".join(f"[{cols[i]}]" for i in (*var, *const))
            take, start = itemgetter(*var), 0
            for (_k, n), lits in zip(runs, literals, strict=True):
                values = ", ".join(["?"] * len(var) + lits)  # type: ignore[operator]
                conn.executemany(
                    f"insert into [{table}] ({names}) values ({values}) "
                    f"on conflict(id) do update set {sets}",
                    map(take, rows[start : start + n]),
                )
                start += n
            return
    names = ", ".join(f"[{c}]" for c in cols)
    conn.executemany(
        f"insert into [{table}] ({names}) values ({', '.join('?' * len(cols))}) "
        f"on conflict(id) do update set {sets}",
        rows,
    )
