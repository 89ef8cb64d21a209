"""Bulk-write helpers of the store: the connections kept on identities (m004) and
secondary indexes rebuilt around big writes. Used by :meth:`havewemet.store.Store.save`
inside its transaction."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import sqlite_utils

from havewemet.store.rows import (
    CONNECTED_ID,
    CONNECTED_ON,
    IDENTITY_COLUMNS,
    INTERACTION_COLUMNS,
    chunks,
)
from havewemet.store.schema import INTERACTION_LOG

# A write bigger than this, into a table holding fewer rows than it writes, drops the
# table's secondary indexes and builds them again after (in the same transaction):
# one sort instead of a B-tree insert per row per index.
_REINDEX_MIN_ROWS = 5000
_NONE = (None,) * len(IDENTITY_COLUMNS)


def account_folded(
    conn: sqlite3.Connection,
    folded: dict[str, str],
    id_rows: list[tuple],
    existing: dict[str, tuple],
) -> tuple[int, int]:
    """After the identities are written: the connections kept on them (m004) as
    interactions added and updated, and the log made to agree with them.

    A connection's interaction that a stored identity held and no longer does goes
    to ``interaction_log`` (as the rows of the previous store stayed); one now kept
    on its identity leaves the log. Returns (added, updated).
    """
    if "" not in existing:  # a source's first import: nothing of it is stored
        return len(folded), 0
    new = {r[0]: r for r in id_rows}
    ci, co, fi, li = CONNECTED_ID, CONNECTED_ON, 14, 15
    spill = [
        (old[ci], old[1], iid, "connected", old[co], "both", "", 1, old[fi], old[li])
        for iid, old in existing.items()
        if iid and old[ci] is not None and old[ci] != new[iid][ci]
    ]
    if spill:
        conn.executemany(
            f"insert into {INTERACTION_LOG} ({', '.join(INTERACTION_COLUMNS)}) "
            f"values ({', '.join('?' * len(INTERACTION_COLUMNS))}) on conflict(id) do nothing",
            spill,
        )
    logged: dict[str, tuple] = {}
    rest = [x for x, iid in folded.items() if (existing.get(iid) or _NONE)[ci] != x]
    for chunk in chunks(rest, 900):
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(
            f"select id, at, file, line from {INTERACTION_LOG} where id in ({marks})", chunk
        ):
            logged[row[0]] = row[1:]
        conn.execute(f"delete from {INTERACTION_LOG} where id in ({marks})", chunk)
    added = updated = 0
    for x, iid in folded.items():
        row, old = new[iid], existing.get(iid)
        if old is not None and old[ci] == x:
            before = (old[co], old[fi], old[li])
        elif x in logged:
            before = logged[x]
        else:
            added += 1
            continue
        updated += before != (row[co], row[fi], row[li])
    return added, updated


def count_interactions(conn: sqlite3.Connection, source: str) -> int:
    """``select count(*) from interactions where source = ?`` without going through the
    view (which reads every connection's identity row): the connections kept on their
    identities (m004) and the logged rows, each counted on its own index."""
    return conn.execute(
        "select (select count(*) from identities where source = ?1 and connected_id is not null)"
        f" + (select count(*) from {INTERACTION_LOG} where source = ?1)",
        [source],
    ).fetchone()[0]


@contextlib.contextmanager
def indexes_rebuilt(db: sqlite_utils.Database, table: str, writes: int) -> Iterator[None]:
    """Around a big write into a table that holds fewer rows: drop its secondary
    indexes and create them again after (same names and SQL, same transaction)."""
    if (
        writes < _REINDEX_MIN_ROWS
        or db.execute(
            f"select count(*) >= ? from (select 1 from [{table}] limit ?)", [writes, writes]
        ).fetchone()[0]
    ):
        yield
        return
    indexes = db.execute(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
        "and sql is not null",
        [table],
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f"drop index [{name}]")
    yield
    for _name, sql in indexes:
        db.execute(sql)
