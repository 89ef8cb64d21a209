"""The store: one SQLite file the user owns, written through sqlite-utils.

Schema changes are registered migrations that run when the store opens. Every
import is saved in one transaction (:meth:`Store.transaction`): an error or a killed
process leaves the store as it was before the import.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from havewemet._gc import paused as gc_paused
from havewemet.errors import NotFoundError, StoreError
from havewemet.models import ImportBatch, PendingRequest, Request
from havewemet.store._sqlite import sqlite_utils  # first: see its docstring
from havewemet.store.bulk import account_folded, count_interactions, indexes_rebuilt
from havewemet.store.decisions import StoreDecisions
from havewemet.store.match_cache import MatchCache
from havewemet.store.own import StoreOwn, mark_own, own_of
from havewemet.store.people import PeopleGroups
from havewemet.store.queries import StoreQueries, pending_of
from havewemet.store.requests import merge_request, request_row, save_requests
from havewemet.store.rows import (
    IDENTITY_COLUMNS,
    INTERACTION_COLUMNS,
    LIST_FIELDS,
    POSITION_COLUMNS,
    IdMemo,
    chunks,
    fold_connected,
    identity_rows,
    interaction_rows,
    now,
    position_rows,
)
from havewemet.store.schema import INTERACTION_LOG, MATCH_SOURCE, MIGRATIONS, migration

__all__ = ["SaveResult", "Store", "default_path", "migration"]

log = logging.getLogger(__name__)

_LIST_FIELDS = LIST_FIELDS
_MIGRATIONS = MIGRATIONS


def default_path() -> Path:
    """``$HAVEWEMET_DB``, else ``havewemet.db`` in the user's data folder."""
    env = os.environ.get("HAVEWEMET_DB")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("havewemet", appauthor=False)) / "havewemet.db"


@dataclass(slots=True)
class SaveResult:
    """What saving a batch changed, per table: rows added and rows updated."""

    source: str
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    you: int = 0
    """Identities in the store found to be the user by this save (issue 12): an
    address-book card of themselves, their own address in a mailbox imported before
    the store knew it. They no longer count as someone the user knows."""


# The birthday is computed from ``extra`` (m016): a change of ``extra`` counts when it
# changes the birthday.
_MATCHED_AT = [IDENTITY_COLUMNS.index(c) for c in MATCH_SOURCE if c != "birthday"]
_EXTRA_AT = IDENTITY_COLUMNS.index("extra")


def _birthday(extra: str | None) -> object:
    return json.loads(extra).get("birthday") if extra and '"birthday"' in extra else None


def _changed_for_matching(rows: list[tuple], existing: dict[str, tuple]) -> list[str]:
    """The stored identities among ``rows`` whose name or addresses (what matching and
    grouping read, :data:`~havewemet.store.schema.MATCH_SOURCE`) the rows change."""
    out = []
    for row in rows:
        old = existing.get(row[0])
        if old is not None and (
            any(old[i] != row[i] for i in _MATCHED_AT)
            or (
                old[_EXTRA_AT] != row[_EXTRA_AT]
                and _birthday(old[_EXTRA_AT]) != _birthday(row[_EXTRA_AT])
            )
        ):
            out.append(row[0])
    return out


class Store(StoreQueries, StoreDecisions, StoreOwn):
    """The user's havewemet database.

    Examples:
        >>> store = Store.open(":memory:")
        >>> store.counts()["identities"]
        0
    """

    def __init__(self, db: sqlite_utils.Database, path: str):
        self._db = db
        """The connection: private, the store's methods are the only door to it."""
        self.path = path
        self.match_cache = MatchCache(db, self.transaction)
        self.groups = PeopleGroups(db, self.transaction)
        """The prepared records and the kept index of the matcher (issue 5)."""

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        """Open (creating it readable by the user only) and migrate the store."""
        target = str(path) if path is not None else str(default_path())
        try:
            if target != ":memory:":
                p = Path(target)
                p.parent.mkdir(parents=True, exist_ok=True)
                if not p.exists():
                    fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o600)
                    os.close(fd)
                conn = sqlite3.connect(target, timeout=30)
            else:
                conn = sqlite3.connect(":memory:")
            # No sqlite-utils plugins: third-party code has no business with the
            # user's store, and finding them scans every installed package (50 ms).
            db = sqlite_utils.Database(conn, execute_plugins=False)
            if target != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                # In WAL mode a commit survives a killed process either way; NORMAL
                # skips the fsync per commit (a power cut may lose the last one).
                db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            # What is deleted or rewritten is overwritten with zeros (Debian's SQLite
            # does it by default, most other builds do not): `forget` means gone.
            db.execute("PRAGMA secure_delete=ON")
            store = cls(db, target)
            store._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{target}: cannot open the store ({e}). If it is not a havewemet store, "
                "give another path with --db or HAVEWEMET_DB"
            ) from e
        return store

    def close(self) -> None:
        self._db.conn.close()

    def copy(self) -> Store:
        """A copy of the whole store in memory (changes to it stay there)."""
        conn = sqlite3.connect(":memory:")
        self._db.conn.backup(conn)
        return Store(sqlite_utils.Database(conn), ":memory:")

    def in_transaction(self) -> bool:
        """Whether a write transaction is open (SQLite ends one by itself on a full
        disk: a step inside it checks it is still there, issue 12)."""
        return self._db.conn.in_transaction

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taking the write lock at once (``BEGIN IMMEDIATE``).

        With a deferred ``BEGIN`` (``Database.atomic``), a second process whose read
        snapshot went stale while it waited fails at once with "database is locked"
        instead of waiting for the busy timeout; taking the lock first serialises
        concurrent imports without loss (issue 6). Nested calls use a savepoint.
        """
        if self._db.conn.in_transaction:
            with self._db.atomic():
                yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.conn.rollback()
            raise
        else:
            try:
                self._db.conn.commit()
            except BaseException:
                self._db.conn.rollback()
                raise

    def _migrate(self) -> None:
        self._db.table("_migrations").create(
            {"name": str, "applied_at": str}, pk="name", if_not_exists=True
        )
        done = {r["name"] for r in self._db["_migrations"].rows}
        for name, fn in _MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                if self._db["_migrations"].count_where("name = ?", [name]):
                    continue  # another process applied it while we waited for the lock
                fn(self._db)
                self._db.table("_migrations").insert({"name": name, "applied_at": now()})

    # -- writing ---------------------------------------------------------------------

    def save(
        self,
        batch: ImportBatch,
        *,
        then: Callable[[], object] | None = None,
        fingerprint: str = "",
    ) -> SaveResult:
        """Write a batch in one transaction; re-saving the same batch changes nothing.

        ``then`` runs inside that transaction after the batch is written (the
        identity layer groups and prepares the new identities there, issue 12), so an
        error or a full disk in it leaves the store as it was, as one in the write does.
        ``fingerprint`` (:func:`havewemet.importers.fingerprint`) is kept with the
        source, for :meth:`imported_from`.
        """
        with gc_paused():  # row tuples by the ten thousand, no cycles (see havewemet._gc)
            return self._save(batch, then, fingerprint)

    def imported_from(self, fingerprint: str) -> dict | None:
        """The source last imported with this fingerprint (the same bytes, options and
        code), if it is still in the store: importing it again would change nothing."""
        if not fingerprint:
            return None
        rows = list(self._db.query("select * from sources where fingerprint = ?", [fingerprint]))
        return rows[0] if rows else None

    def _save(
        self, batch: ImportBatch, then: Callable[[], object] | None, fingerprint: str
    ) -> SaveResult:
        result = SaveResult(batch.source)
        ids: IdMemo = {}
        id_rows, x_rows, folded = fold_connected(
            identity_rows(batch, ids), interaction_rows(batch, ids)
        )
        own_ids = all(r.source == batch.source for r in batch.identities) and all(
            r.source == batch.source for r in batch.interactions
        )
        try:
            with self.transaction():
                existing: dict[str, tuple] = {}
                added, updated = self._upsert(
                    "identities",
                    IDENTITY_COLUMNS,
                    id_rows,
                    batch.source,
                    own_ids=own_ids,
                    existing_out=existing,
                )
                result.added["identities"], result.updated["identities"] = added, updated
                if updated:  # a changed name or address may join or split people
                    self.groups.ungroup(_changed_for_matching(id_rows, existing))
                f_added, f_updated = account_folded(self._db.conn, folded, id_rows, existing)
                added, updated = self._upsert(
                    INTERACTION_LOG, INTERACTION_COLUMNS, x_rows, batch.source, own_ids=own_ids
                )
                result.added["interactions"] = added + f_added
                result.updated["interactions"] = updated + f_updated
                result.added["positions"], result.updated["positions"] = self._upsert(
                    "positions",
                    POSITION_COLUMNS,
                    position_rows(batch),
                    batch.source,
                    own_ids=own_ids,
                )
                result.added["requests"], result.updated["requests"] = self._save_requests(
                    batch.requests
                )
                if batch.me is not None:
                    me = batch.me
                    self._db.table("profile").upsert(
                        {
                            "source": batch.source,
                            "name": me.name,
                            "first_name": me.first_name,
                            "last_name": me.last_name,
                            "emails": json.dumps(me.emails),
                            "handles": json.dumps(me.handles),
                            "headline": me.title,
                            "location": me.location,
                            "extra": json.dumps(me.extra),
                        },
                        pk="source",
                    )
                # The user's own identifiers, then which identities are the user: all
                # of them when the identifiers changed, else this source's (issue 12).
                before = len(self.own_identity_ids())
                changed = self._remember_own(batch.source, own_of(batch))
                mark_own(self._db.conn, None if changed else batch.source)
                result.you = max(0, len(self.own_identity_ids()) - before)
                self._db.table("sources").upsert(
                    {
                        "name": batch.source,
                        "kind": batch.kind,
                        "path": batch.path,
                        "imported_at": now(),
                        "identities": self._count("identities", batch.source),
                        "interactions": count_interactions(self._db.conn, batch.source),
                        "requests": len(batch.requests),
                        "report": json.dumps([asdict(f) for f in batch.files]),
                        "fingerprint": fingerprint,
                    },
                    pk="name",
                )
                self.refresh_request_status()
                if then is not None:
                    then()
        except sqlite3.OperationalError as e:
            raise StoreError(
                f"{self.path}: the import was not saved ({e}); the store is "
                "unchanged. Free some disk space or close other programs "
                "using it, then run the import again"
            ) from e
        return result

    def _count(self, table: str, source: str) -> int:
        return self._db.execute(
            f"select count(*) from [{table}] where source = ?", [source]
        ).fetchone()[0]

    def _upsert(
        self,
        table: str,
        cols: tuple[str, ...],
        rows: list[tuple],
        source: str,
        *,
        own_ids: bool,
        existing_out: dict[str, tuple] | None = None,
    ) -> tuple[int, int]:
        """Write the rows that differ from the stored ones; returns (added, updated).

        ``existing_out`` receives the stored rows read back (by id), and the key
        ``""`` when they were read (none is read on a source's first import).
        """
        if not rows:
            return 0, 0
        conn = self._db.conn
        existing: dict[str, tuple] = {}
        # Ids hash the records' source, so when that is the batch's and the table holds
        # no row of it, none of these ids is stored: a first import skips reading back
        # what it is about to write.
        if (
            not own_ids
            or self._db.execute(
                f"select exists(select 1 from [{table}] where source = ?)", [source]
            ).fetchone()[0]
        ):
            names = ", ".join(f"[{c}]" for c in cols)
            for chunk in chunks([r[0] for r in rows], 900):
                q = f"select {names} from [{table}] where id in ({', '.join('?' * len(chunk))})"
                for row in conn.execute(q, chunk):
                    existing[row[0]] = row
            if existing_out is not None:
                existing_out.update(existing)
                existing_out[""] = ()
            changed = [r for r in rows if existing.get(r[0]) != r]
        else:
            changed = rows
        if changed:
            # One prepared upsert on the sqlite-utils connection: rows hold only scalars,
            # so ``upsert_all``'s per-value JSON checks and query building buy nothing.
            names = ", ".join(f"[{c}]" for c in cols)
            sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols[1:])
            sql = (
                f"insert into [{table}] ({names}) values ({', '.join('?' * len(cols))}) "
                f"on conflict(id) do update set {sets}"
            )
            with indexes_rebuilt(self._db, table, len(changed)):
                conn.executemany(sql, changed)
        added = sum(1 for r in changed if r[0] not in existing) if existing else len(changed)
        return added, len(changed) - added

    def _save_requests(self, requests: list[Request]) -> tuple[int, int]:
        return save_requests(self._db.conn, requests, now())

    def refresh_request_status(self) -> None:
        """Mark requests from people who are already LinkedIn connections."""
        conn = self._db.conn
        pending = conn.execute("select id, slug from requests where status = 'pending'").fetchall()
        # A connection is found by its slug (a partial index of the connections), not
        # by scanning every connection (41 ms of an export of 30,000).
        by_slug: dict[str, list[str]] = {}
        for rid, slug in pending:
            if slug:
                by_slug.setdefault(slug, []).append(rid)
        done = [
            (rid,)
            for chunk in chunks(list(by_slug), 900)
            for (slug,) in conn.execute(
                "select distinct slug from identities where connection = 1 "
                f"and slug in ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for rid in by_slug[slug]
        ]
        conn.executemany("update requests set status = 'connected' where id = ?", done)
        if any(not slug for _rid, slug in pending):  # typed by hand: by name
            conn.execute(
                """update requests set status = 'connected' where status = 'pending'
                   and slug = '' and lower(name) in (select lower(i.name) from identities i
                     where i.connection = 1)"""
            )

    def set_person_ids(self, person_of: dict[str, str], people: list[tuple[str, str, int]]) -> None:
        """Write a clustering: each identity's ``person_id`` and the ``people`` table
        (``(id, name, identities)`` rows, replacing it whole), in one transaction."""
        with self.transaction() as db:
            db.conn.executemany(
                "update identities set person_id = ? where id = ?",
                [(p, i) for i, p in person_of.items()],
            )
            db.execute("delete from people")
            db.conn.executemany(
                "insert into people (id, name, identities) values (?, ?, ?)", people
            )

    def add_link(self, a: str, b: str, kind: str) -> None:
        """Keep the user's word that identities ``a`` and ``b`` are (``kind`` "link")
        or are not ("unlink") one person; a later word on the pair replaces it, and the
        same word again changes nothing. Either side may be a request id: the requester
        when no identity in the user's data is theirs (issue 12)."""
        with self.transaction() as db:
            same = db.execute(
                "select 1 from links where a = ? and b = ? and kind = ?", [a, b, kind]
            ).fetchone()
            if not same:
                db.table("links").upsert({"a": a, "b": b, "kind": kind, "at": now()}, pk=("a", "b"))

    def remove_link(self, a: str, b: str) -> bool:
        """Take back the user's word on ``a`` and ``b`` (either order): whether there was one."""
        with self.transaction() as db:
            return (
                db.execute(
                    "delete from links where (a = ? and b = ?) or (a = ? and b = ?)", [a, b, b, a]
                ).rowcount
                > 0
            )

    def add_request(self, request: Request) -> str:
        """Save one request typed by hand (or merge it into the same earlier one)."""
        with self.transaction():
            self._save_requests([request])
        return request.id

    def add_requests(self, requests: list[Request]) -> list[str]:
        """Save requests seen together (a page of invitations) in one transaction; the
        same request seen again is merged into the stored one, never duplicated."""
        with self.transaction():
            self._save_requests(requests)
        return [r.id for r in requests]

    def preview_requests(self, requests: list[Request]) -> list[PendingRequest]:
        """The requests as :meth:`add_requests` would leave them (merged into the stored
        ones), without writing: for a caller that was asked not to save."""
        ids = [r.id for r in requests]
        stored = {}
        for chunk in chunks(list(dict.fromkeys(ids)), 900):
            marks = ", ".join("?" * len(chunk))
            cur = self._db.execute(f"select * from requests where id in ({marks})", chunk)
            cols = [d[0] for d in cur.description]
            stored.update({row[0]: dict(zip(cols, row, strict=True)) for row in cur})
        out = []
        for r in requests:
            row = request_row(r)
            old = stored.get(r.id)
            out.append(
                pending_of(
                    {**old, **merge_request(old, row)} if old else {**row, "status": "pending"}
                )
            )
        return out

    def forget(self, source: str, *, then: Callable[[], object] | None = None) -> dict[str, int]:
        """Remove everything one source gave; returns the rows removed per table.

        The people its identities belonged to are marked for grouping again (one of
        them may have been what held a person together); ``then`` runs in the same
        transaction after the removal (the identity layer regroups them there)."""
        if not self._db["sources"].count_where("name = ?", [source]):
            names = ", ".join(r["name"] for r in self._db["sources"].rows) or "none"
            raise NotFoundError(f"no source named {source!r} (imported sources: {names})")
        removed = {}
        try:
            with self.transaction():
                kept = self._db.execute(  # connections' interactions kept on identities (m004)
                    "select count(*) from identities where source = ? and connected_id is not null",
                    [source],
                ).fetchone()[0]
                leaving = self.groups.of_source(source)
                self.groups.ungroup(leaving, leaving=leaving)
                for table in (INTERACTION_LOG, "identities", "positions", "profile"):
                    removed[table] = self._db.execute(
                        f"delete from [{table}] where source = ?", [source]
                    ).rowcount
                removed = {"interactions": removed.pop(INTERACTION_LOG) + kept, **removed}
                removed["requests"] = self._forget_requests(source)
                self._db.execute("delete from sources where name = ?", [source])
                # What the source said of the user goes too; what the user said (--me) stays.
                self._db.execute(
                    "delete from own_identifiers where source = ? and how != '--me'", [source]
                )
                mark_own(self._db.conn)
                if then is not None:
                    then()
        except sqlite3.OperationalError as e:
            raise StoreError(
                f"{self.path}: {source} was not forgotten ({e}); the store is unchanged. "
                "Free some disk space or close other programs using it, then run forget again"
            ) from e
        # Deleted rows are zeroed (secure_delete, on since open); the log is emptied
        # too, so nothing of the source stays in the store's files.
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def _forget_requests(self, source: str) -> int:
        """Drop ``source`` from each request; delete those no other source gives."""
        gone = 0
        rows = self._db.execute(
            "select id, sources from requests where source = ? or exists "
            "(select 1 from json_each(requests.sources) where value = ?)",
            [source, source],
        ).fetchall()
        for rid, sources in rows:
            left = [s for s in json.loads(sources or "[]") if s != source]
            if left:
                self._db.execute(
                    "update requests set sources = ?, source = ? where id = ?",
                    [json.dumps(left), left[0], rid],
                )
            else:
                self._db.execute("delete from requests where id = ?", [rid])
                gone += 1
        return gone
