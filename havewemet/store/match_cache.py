"""The match cache's SQL: prepared records (``match_cache``) and the kept index
(``match_index``) that :mod:`havewemet.identity.prepared` reads and writes (issue 5).

The identity layer owns what a record holds and the ``version`` of its code; this
module only keeps them: rows in, rows out, each write in one transaction. A cached
row is current while its copy of :data:`~havewemet.store.schema.MATCH_SOURCE` equals
its identity's columns now and its ``version`` is the reader's.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from operator import itemgetter

import sqlite_utils

from havewemet.store.schema import MATCH_SOURCE

log = logging.getLogger(__name__)

#: Without m007's trigger an update would not reach the index; without m009's a
#: forgotten source's names would stay in it. A migration that builds either table
#: again drops its triggers and must make them again.
TRIGGERS = frozenset({"match_cache_stale", "match_index_follows_records"})

_CURRENT = " and ".join(f"c.src_{c} is i.{c}" for c in MATCH_SOURCE)
_STALE = ", ".join(f"case when c.data is null then i.{c} end" for c in MATCH_SOURCE)
_SAME = " and ".join(f"i.{c} is ?" for c in MATCH_SOURCE)

#: A prepared record to keep: (identity id, head text, marshalled rest, *the
#: :data:`MATCH_SOURCE` values it was prepared from).
Fresh = tuple


class MatchCache:
    """The prepared records and the kept index of one store (``store.match_cache``)."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        transaction: Callable[[], AbstractContextManager[sqlite_utils.Database]],
    ):
        self._conn = db.conn
        self._transaction = transaction

    def data_version(self) -> int:
        """SQLite's data version: another connection's commit changes it."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def index(self, version: int) -> bytes | None:
        """The kept index's blob, if it is ``version``'s, the triggers that keep it
        honest are there, and every identity still has its current record."""
        row = self._conn.execute("select version, identities, data from match_index").fetchone()
        if row is None or row[0] != version or not TRIGGERS <= self._triggers():
            return None
        if not self._all_prepared(version, row[1]):
            return None
        return row[2]

    def index_to_extend(self, version: int) -> bytes | None:
        """The kept index's blob when only new identities came since it was built: it
        is ``version``'s, its triggers are there, every record it counts is still kept
        (a change or a removal would have removed the index with the record: m007,
        m009) and the store holds more identities than that (the new ones, with no
        record yet: :meth:`unprepared`)."""
        row = self._conn.execute("select version, identities, data from match_index").fetchone()
        if row is None or row[0] != version or not TRIGGERS <= self._triggers():
            return None
        conn = self._conn
        kept = conn.execute(
            "select count(*) from match_cache where version = ?", [version]
        ).fetchone()[0]
        total = conn.execute("select count(*) from identities").fetchone()[0]
        return row[2] if kept == row[1] < total else None

    def unprepared(self, version: int) -> list[tuple]:
        """The identities with no record of ``version`` as ``(id, *source)``, in the
        order :meth:`records` gives them."""
        cols = ", ".join(f"i.{c}" for c in MATCH_SOURCE)
        return self._conn.execute(
            f"select i.id, {cols} from identities i left join match_cache c on c.id = i.id "
            "and c.version = ? where c.id is null",
            [version],
        ).fetchall()

    def to_prepare(self, version: int) -> int:
        """How many identities have no current record: 0 while the kept index is
        current (three small reads), else one pass over the identities."""
        row = self._conn.execute("select version, identities from match_index").fetchone()
        if row is not None and row[0] == version and self._all_prepared(version, row[1]):
            return 0
        return self._conn.execute(
            f"select count(*) from identities i left join match_cache c on c.id = i.id "
            f"and c.version = ? and {_CURRENT} where c.id is null",
            [version],
        ).fetchone()[0]

    def records(self, version: int) -> Iterator[tuple]:
        """Every identity as ``(id, head, rest, *source)``: ``head`` and ``rest`` from
        its current record (the source values None), or None and its
        :data:`MATCH_SOURCE` columns to prepare it from."""
        return iter(
            self._conn.execute(
                f"select i.id, c.data, c.rest, {_STALE} from identities i "
                f"left join match_cache c on c.id = i.id and c.version = ? and {_CURRENT}",
                [version],
            ).fetchall()
        )

    def keep(
        self,
        version: int,
        fresh: list[Fresh],
        *,
        read_at: int,
        index: Callable[[], tuple[int, bytes]] | None,
    ) -> None:
        """Keep the newly prepared records (a record goes with its identity: m006) and
        the index (``index()`` gives its count and blob; None: none can be kept).

        A record is kept only if its identity still holds what it was prepared from;
        the index only if nothing was written to the store since ``read_at`` (a
        :meth:`data_version`), else the old index is removed: it no longer counts the
        records. A read-only or busy store keeps nothing (they are derived data).
        """
        cols = ", ".join(f"src_{c}" for c in MATCH_SOURCE)
        try:
            with self._transaction():
                conn = self._conn
                unchanged = self.data_version() == read_at
                fresh.sort(key=itemgetter(0))  # in key order: a third faster to insert
                if fresh and unchanged:  # the identities are as read
                    marks = ", ".join("?" * (3 + len(MATCH_SOURCE)))
                    conn.executemany(
                        f"insert or replace into match_cache (id, version, data, rest, {cols}) "
                        f"values (?, {int(version)}, {marks[3:]})",
                        fresh,
                    )
                elif fresh:  # each kept only if its identity still holds what it was made from
                    conn.executemany(
                        f"insert or replace into match_cache (id, version, data, rest, {cols}) "
                        f"select i.id, {int(version)}, ?, ?, "
                        f"{', '.join('i.' + c for c in MATCH_SOURCE)} "
                        f"from identities i where i.id = ? and {_SAME}",
                        [(head, rest, iid, *src) for iid, head, rest, *src in fresh],
                    )
                if index is not None and unchanged and TRIGGERS <= self._triggers():
                    count, blob = index()
                    conn.execute(
                        "insert or replace into match_index (id, version, identities, data) "
                        "values (1, ?, ?, ?)",
                        [version, count, blob],
                    )
                else:
                    conn.execute("delete from match_index")
        except sqlite3.OperationalError as e:  # a read-only or busy store: match anyway
            log.info("prepared identities not kept (%s); they are prepared again next time", e)

    def _all_prepared(self, version: int, n: int) -> bool:
        """Whether the store holds ``n`` identities and ``n`` current prepared records
        (a record goes when its identity changes or goes, so they are one each)."""
        conn = self._conn
        return (
            conn.execute("select count(*) from identities").fetchone()[0] == n
            and conn.execute(
                "select count(*) from match_cache where version = ?", [version]
            ).fetchone()[0]
            == n
        )

    def _triggers(self) -> set[str]:
        """The names of the store's triggers."""
        return {
            r[0]
            for r in self._conn.execute("select name from sqlite_master where type = 'trigger'")
        }
