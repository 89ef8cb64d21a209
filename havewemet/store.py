"""The store: one SQLite file the user owns, written through sqlite-utils.

Schema changes are registered migrations that run when the store opens. Every
import is saved in one transaction (``Database.atomic``): an error or a killed
process leaves the store as it was before the import.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils
from platformdirs import user_data_dir

from havewemet.errors import NotFoundError, StoreError
from havewemet.identity.handles import profile_slug
from havewemet.models import ImportBatch, Request

log = logging.getLogger(__name__)

_LIST_FIELDS = ("emails", "phones", "urls", "handles", "nicknames")
_MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]):
    """Register a schema migration; they run in order, once each, on open."""
    _MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sources"].create(
        {"name": str, "kind": str, "path": str, "imported_at": str, "identities": int,
         "interactions": int, "requests": int, "report": str},
        pk="name",
    )
    db["identities"].create(
        {"id": str, "source": str, "key": str, "name": str, "first_name": str, "last_name": str,
         "emails": str, "phones": str, "urls": str, "handles": str, "nicknames": str,
         "company": str, "title": str, "location": str, "file": str, "line": int, "extra": str,
         "person_id": str},
        pk="id",
    )
    db["identities"].create_index(["source"])
    db["interactions"].create(
        {"id": str, "source": str, "identity_id": str, "kind": str, "at": str, "direction": str,
         "detail": str, "count": int, "file": str, "line": int},
        pk="id",
    )
    db["interactions"].create_index(["identity_id"])
    db["interactions"].create_index(["source"])
    db["requests"].create(
        {"id": str, "name": str, "profile_url": str, "slug": str, "headline": str, "note": str,
         "sent_at": str, "mutuals": str, "reminders": int, "source": str, "file": str,
         "line": int, "status": str, "first_seen": str, "updated_at": str},
        pk="id",
    )
    db["decisions"].create(
        {"id": int, "request_id": str, "name": str, "slug": str, "decision": str, "reason": str,
         "decided_at": str},
        pk="id",
    )
    db["decisions"].create_index(["request_id"])
    db["profile"].create(
        {"source": str, "name": str, "first_name": str, "last_name": str, "emails": str,
         "handles": str, "headline": str, "location": str, "extra": str},
        pk="source",
    )
    db["positions"].create(
        {"id": str, "source": str, "company": str, "title": str, "start": str, "end": str,
         "file": str, "line": int},
        pk="id",
    )
    db["links"].create({"a": str, "b": str, "kind": str, "at": str}, pk=("a", "b"))


@migration
def m002_people(db: sqlite_utils.Database) -> None:
    """People: clusters of identities (issue 3); ``identities.person_id`` points here."""
    db["people"].create({"id": str, "name": str, "identities": int}, pk="id",
                        if_not_exists=True)
    db["identities"].create_index(["person_id"], if_not_exists=True)


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


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """The user's havewemet database.

    Examples:
        >>> store = Store.open(":memory:")
        >>> store.counts()["identities"]
        0
    """

    def __init__(self, db: sqlite_utils.Database, path: str):
        self.db = db
        self.path = path

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
            db = sqlite_utils.Database(conn)
            if target != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, target)
            store._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{target}: cannot open the store ({e}). If it is not a havewemet store, "
                "give another path with --db or HAVEWEMET_DB"
            ) from e
        return store

    def close(self) -> None:
        self.db.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taking the write lock at once (``BEGIN IMMEDIATE``).

        With a deferred ``BEGIN`` (``Database.atomic``), a second process whose read
        snapshot went stale while it waited fails at once with "database is locked"
        instead of waiting for the busy timeout; taking the lock first serialises
        concurrent imports without loss (issue 6). Nested calls use a savepoint.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.conn.rollback()
            raise
        else:
            try:
                self.db.conn.commit()
            except BaseException:
                self.db.conn.rollback()
                raise

    def _migrate(self) -> None:
        self.db["_migrations"].create({"name": str, "applied_at": str}, pk="name",
                                      if_not_exists=True)
        done = {r["name"] for r in self.db["_migrations"].rows}
        for name, fn in _MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                if self.db["_migrations"].count_where("name = ?", [name]):
                    continue  # another process applied it while we waited for the lock
                fn(self.db)
                self.db["_migrations"].insert({"name": name, "applied_at": _now()})

    # -- writing ---------------------------------------------------------------------

    def save(self, batch: ImportBatch) -> SaveResult:
        """Write a batch in one transaction; re-saving the same batch changes nothing."""
        result = SaveResult(batch.source)
        identities = _merge_identities(batch)
        rows = {
            "identities": identities,
            "interactions": [
                {"id": i.id, "source": batch.source, "identity_id": i.identity_id, "kind": i.kind,
                 "at": i.at, "direction": i.direction, "detail": i.detail, "count": i.count,
                 "file": i.file, "line": i.line}
                for i in batch.interactions
            ],
            "positions": [
                {"id": f"{batch.source}:{p['company']}:{p['start']}", "source": batch.source,
                 "company": p["company"], "title": p["title"], "start": p["start"],
                 "end": p["end"], "file": p.get("file", ""), "line": int(p.get("line", 0))}
                for p in batch.positions
            ],
        }
        try:
            with self.transaction():
                for table, items in rows.items():
                    result.added[table], result.updated[table] = self._upsert(table, items)
                result.added["requests"], result.updated["requests"] = self._save_requests(
                    batch.requests
                )
                if batch.me is not None:
                    me = batch.me
                    self.db["profile"].upsert(
                        {"source": batch.source, "name": me.name, "first_name": me.first_name,
                         "last_name": me.last_name, "emails": json.dumps(me.emails),
                         "handles": json.dumps(me.handles), "headline": me.title,
                         "location": me.location, "extra": json.dumps(me.extra)},
                        pk="source",
                    )
                self.db["sources"].upsert(
                    {"name": batch.source, "kind": batch.kind, "path": batch.path,
                     "imported_at": _now(),
                     "identities": self._count("identities", batch.source),
                     "interactions": self._count("interactions", batch.source),
                     "requests": len(batch.requests),
                     "report": json.dumps([asdict(f) for f in batch.files])},
                    pk="name",
                )
                self.refresh_request_status()
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: the import was not saved ({e}); the store is "
                             "unchanged. Free some disk space or close other programs "
                             "using it, then run the import again") from e
        return result

    def _count(self, table: str, source: str) -> int:
        return self.db.execute(
            f"select count(*) from [{table}] where source = ?", [source]
        ).fetchone()[0]

    def _upsert(self, table: str, items: list[dict]) -> tuple[int, int]:
        if not items:
            return 0, 0
        ids = [r["id"] for r in items]
        existing: dict[str, tuple] = {}
        cols = list(items[0])
        for chunk in _chunks(ids, 900):
            q = f"select {', '.join(f'[{c}]' for c in cols)} from [{table}] where id in " \
                f"({', '.join('?' * len(chunk))})"
            for row in self.db.execute(q, chunk).fetchall():
                existing[row[0]] = tuple(row)
        changed = [r for r in items if existing.get(r["id"]) != tuple(r.values())]
        if changed:
            # One prepared upsert for all rows on the sqlite-utils connection: rows hold
            # only scalars, so ``upsert_all``'s per-value JSON checks and per-chunk query
            # building (most of the save time at 30,000 rows) buy nothing here.
            names = ", ".join(f"[{c}]" for c in cols)
            sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols[1:])
            self.db.conn.executemany(
                f"insert into [{table}] ({names}) values ({', '.join('?' * len(cols))}) "
                f"on conflict(id) do update set {sets}",
                [tuple(r.values()) for r in changed],
            )
        added = sum(1 for r in changed if r["id"] not in existing)
        return added, len(changed) - added

    def _save_requests(self, requests: list[Request]) -> tuple[int, int]:
        added = updated = 0
        now = _now()
        for r in requests:
            row = {"id": r.id, "name": r.name, "profile_url": r.profile_url,
                   "slug": profile_slug(r.profile_url), "headline": r.headline, "note": r.note,
                   "sent_at": r.sent_at, "mutuals": json.dumps(r.mutuals),
                   "reminders": r.reminders, "source": r.source, "file": r.file, "line": r.line}
            old = self.db.execute("select * from requests where id = ?", [r.id]).fetchone()
            if old is None:
                row.update(status="pending", first_seen=now, updated_at=now)
                self.db["requests"].insert(row)
                added += 1
                continue
            old_row = dict(zip([d[0] for d in self.db.execute(
                "select * from requests limit 0").description], old, strict=True))
            merged = _merge_request(old_row, row)
            if (old_row["status"] not in ("pending", "connected") and r.sent_at
                    and (old_row["sent_at"] or "") < r.sent_at[:19]
                    and (old_row["sent_at"] or "")[:10] != r.sent_at[:10]):
                # Decided before, and they sent a new invitation: back in the inbox,
                # where the earlier decision is shown as a signal.
                merged["status"] = "pending"
            if any(merged[k] != old_row[k] for k in merged):
                merged["updated_at"] = now
                self.db["requests"].update(r.id, merged)
                updated += 1
        return added, updated

    def refresh_request_status(self) -> None:
        """Mark requests from people who are already LinkedIn connections."""
        # Uncorrelated IN lists are built once (a correlated EXISTS scanned every
        # identity per request: minutes at 30,000 connections and 500 requests).
        self.db.execute(
            """update requests set status = 'connected' where status = 'pending' and (
                 (slug != '' and 'in/' || slug in (select i.key from identities i
                    where i.source = 'linkedin' and i.extra like '%"connection": true%'))
              or (slug = '' and lower(name) in (select lower(i.name) from identities i
                    where i.source = 'linkedin' and i.extra like '%"connection": true%')))"""
        )

    def add_request(self, request: Request) -> str:
        """Save one request typed by hand (or merge it into the same earlier one)."""
        with self.transaction():
            self._save_requests([request])
        return request.id

    def forget(self, source: str) -> dict[str, int]:
        """Remove everything one source gave; returns the rows removed per table."""
        if not self.db["sources"].count_where("name = ?", [source]):
            names = ", ".join(r["name"] for r in self.db["sources"].rows) or "none"
            raise NotFoundError(f"no source named {source!r} (imported sources: {names})")
        removed = {}
        with self.transaction():
            for table in ("interactions", "identities", "positions", "requests", "profile"):
                removed[table] = self.db.execute(
                    f"delete from [{table}] where source = ?", [source]
                ).rowcount
            self.db.execute("delete from sources where name = ?", [source])
        return removed

    # -- reading ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {t: self.db[t].count for t in
                ("sources", "identities", "interactions", "requests", "decisions")}

    def identities(self, ids: Iterable[str] | None = None) -> Iterator[dict]:
        """Identities as dicts with list fields decoded."""
        if ids is None:
            rows = self.db.query("select * from identities")
        else:
            id_list = list(ids)
            rows = (r for chunk in _chunks(id_list, 900) for r in self.db.query(
                f"select * from identities where id in ({', '.join('?' * len(chunk))})", chunk))
        for r in rows:
            for f in _LIST_FIELDS:
                r[f] = json.loads(r[f]) if r[f] else []
            r["extra"] = json.loads(r["extra"]) if r["extra"] else {}
            yield r

    def interactions_for(self, identity_ids: Iterable[str]) -> list[dict]:
        ids = list(identity_ids)
        out: list[dict] = []
        for chunk in _chunks(ids, 900):
            out.extend(self.db.query(
                f"select * from interactions where identity_id in ({', '.join('?' * len(chunk))})",
                chunk))
        return out

    def requests(self, *, status: str | None = "pending") -> list[dict]:
        where = "where status = ?" if status else ""
        rows = list(self.db.query(f"select * from requests {where} order by sent_at desc",
                                  [status] if status else []))
        for r in rows:
            r["mutuals"] = json.loads(r["mutuals"]) if r["mutuals"] else []
        return rows

    def get_request(self, ref: str) -> dict:
        """A request by id, profile slug/URL, or exact name (case-insensitive)."""
        slug = profile_slug(ref) or ref.lower()
        for r in self.requests(status=None):
            if ref in (r["id"],) or r["slug"] == slug or r["name"].lower() == ref.lower():
                return r
        raise NotFoundError(f"no request matches {ref!r}; `havewemet inbox` lists them")

    def profile(self) -> dict:
        """The user's own profile merged across sources (names, e-mails, handles)."""
        me: dict = {"name": "", "emails": [], "handles": [], "headline": ""}
        for r in self.db["profile"].rows:
            me["name"] = me["name"] or r["name"]
            me["headline"] = me["headline"] or r["headline"]
            me["emails"] += [e for e in json.loads(r["emails"] or "[]") if e not in me["emails"]]
            me["handles"] += json.loads(r["handles"] or "[]")
        return me

    def positions(self) -> list[dict]:
        return list(self.db.query("select * from positions order by start"))

    def sources(self) -> list[dict]:
        return list(self.db.query("select * from sources order by imported_at"))


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _merge_identities(batch: ImportBatch) -> list[dict]:
    """One row per identity id: lists are unioned, the first non-empty value kept."""
    merged: dict[str, dict] = {}
    for ident in batch.identities:
        ident_id = ident.id
        old = merged.get(ident_id)
        if old is None:
            merged[ident_id] = {
                "id": ident_id, "source": batch.source, "key": ident.key, "name": ident.name,
                "first_name": ident.first_name, "last_name": ident.last_name,
                "emails": list(ident.emails), "phones": list(ident.phones),
                "urls": list(ident.urls), "handles": list(ident.handles),
                "nicknames": list(ident.nicknames), "company": ident.company,
                "title": ident.title, "location": ident.location, "file": ident.file,
                "line": ident.line, "extra": dict(ident.extra)}
            continue
        for k in ("name", "first_name", "last_name", "company", "title", "location", "file",
                  "line"):
            v = getattr(ident, k)
            if not old[k] and v:
                old[k] = v
        for k in _LIST_FIELDS:
            old[k] += [x for x in getattr(ident, k) if x not in old[k]]
        old["extra"].update(ident.extra)
    dumped: dict[tuple, str] = {}
    for row in merged.values():
        for f in _LIST_FIELDS:
            row[f] = json.dumps(row[f], ensure_ascii=False) if row[f] else "[]"
        row["extra"] = _dump_extra(row["extra"], dumped)
    return list(merged.values())


def _dump_extra(extra: dict, memo: dict[tuple, str]) -> str:
    """``extra`` as sorted JSON, memoised: most rows of a source share one (``{"connection":
    true}``). The key holds each value's type, as ``True == 1`` but they dump apart."""
    if not extra:
        return "{}"
    try:
        key = tuple((k, type(v), v) for k, v in extra.items())
        hit = memo.get(key)
    except TypeError:  # an unhashable value (a list): no memo
        return json.dumps(extra, ensure_ascii=False, sort_keys=True)
    if hit is None:
        hit = memo[key] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    return hit


def _merge_request(old: dict, new: dict) -> dict:
    """The same request seen again (a newer export, notification mail): keep the most."""
    merged = {}
    for k, v in new.items():
        if k == "mutuals":
            a, b = json.loads(old[k] or "[]"), json.loads(v or "[]")
            merged[k] = json.dumps(a + [m for m in b if m not in a])
        elif k == "reminders":
            merged[k] = max(old[k] or 0, v or 0)
        elif k in ("source", "file", "line"):
            merged[k] = old[k]
        else:
            merged[k] = v if v not in ("", None) else old[k]
    return merged
