"""The store's read side: the queries the triage, the CLI and the web page make.

A mixin of :class:`havewemet.store.Store` (kept apart so each module stays small);
it reads ``self._db`` only, never writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from operator import itemgetter

import sqlite_utils

from havewemet.errors import NotFoundError
from havewemet.models import PendingRequest
from havewemet.normalize import profile_slug
from havewemet.store.rows import LIST_FIELDS, chunks
from havewemet.store.schema import MIGRATIONS


class StoreQueries:
    _db: sqlite_utils.Database

    def counts(self) -> dict[str, int]:
        return {
            t: self._db[t].count
            for t in ("sources", "identities", "interactions", "requests", "decisions")
        }

    def identities(self, ids: Iterable[str] | None = None) -> Iterator[dict]:
        """Identities as dicts with list fields decoded."""
        if ids is None:
            rows = self._db.query("select * from identities")
        else:
            id_list = list(ids)
            rows = (
                r
                for chunk in chunks(id_list, 900)
                for r in self._db.query(
                    f"select * from identities where id in ({', '.join('?' * len(chunk))})", chunk
                )
            )
        for r in rows:
            for f in LIST_FIELDS:
                r[f] = json.loads(r[f]) if r[f] and r[f] != "[]" else []
            r["extra"] = json.loads(r["extra"]) if r["extra"] else {}
            # A connection's interaction kept on the row (m004) is not the identity's.
            del r["connected_id"], r["connected_on"]
            yield r

    def interactions_for(
        self, identity_ids: Iterable[str], *, fields: tuple[str, ...] = ()
    ) -> list[dict]:
        """The interactions of identities, by identity, each one's connection first;
        ``fields``: only these columns (and ``identity_id``), as a tie strength needs."""
        ids = list(identity_ids)
        out: list[dict] = []
        wanted = ", ".join(f"[{f}]" for f in ("identity_id", *fields)) if fields else "*"
        for chunk in chunks(ids, 900):
            marks = ", ".join("?" * len(chunk))
            cur = self._db.conn.execute(
                f"select {wanted} from interactions where identity_id in ({marks})", chunk
            )
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur]
            # By identity, each one's connection first (as the table gave them before m004:
            # by its identity_id index, the export's connections written before the rest).
            rows.sort(key=itemgetter("identity_id"))
            out.extend(rows)
        return out

    def network_rows(self) -> Iterator[tuple]:
        """Every interaction with its identity's person, name, company and e-mails, as
        the ego graph reads them (:mod:`havewemet.network.ego`): tuples of
        ``(identity_id, person_id, name, company, emails, source, kind, at, direction,
        detail, count)`` (``emails`` as stored JSON), by identity; not the user's own
        identities (issue 12)."""
        return self._db.conn.execute(
            """select i.id, i.person_id, i.name, i.company, i.emails, x.source, x.kind, x.at,
                      x.direction, x.detail, x.count
                 from interactions x join identities i on i.id = x.identity_id
                where i.own = 0 order by i.id"""
        )

    def links(self) -> list[tuple[str, str, str]]:
        """The user's link/unlink overrides as ``(a, b, kind)``, oldest first."""
        return [tuple(r) for r in self._db.execute("select a, b, kind from links order by at")]

    def links_of(self, ids: Iterable[str]) -> list[tuple[str, str, str]]:
        """The user's link/unlink words that name any of ``ids`` (identity or request
        ids), as ``(a, b, kind)``, oldest first."""
        id_list = sorted(set(ids))
        out: list[tuple[str, str, str]] = []
        for chunk in chunks(id_list, 400):
            marks = ", ".join("?" * len(chunk))
            out += [
                (r[0], r[1], r[2])
                for r in self._db.execute(
                    f"select a, b, kind from links where a in ({marks}) or b in ({marks}) "
                    "order by at, a, b",
                    chunk + chunk,
                )
            ]
        return out

    def identity_ids(self, ref: str) -> list[str]:
        """The identity whose id is ``ref``, else those named ``ref`` (ignoring case
        and surrounding space), by id."""
        row = self._db.execute("select id from identities where id = ?", [ref]).fetchone()
        if row:
            return [row[0]]
        return [
            r[0]
            for r in self._db.execute(
                "select id from identities where lower(name) = lower(?) order by id", [ref.strip()]
            )
        ]

    def identities_like(self, needle: str, *, limit: int = 500) -> list[str]:
        """Identities whose id is ``needle``, or whose name, e-mails, urls or handles
        contain it (ignoring case), by id: candidates that the caller narrows down."""
        n = needle.strip().lower()
        if not n:
            return []
        return [
            r[0]
            for r in self._db.execute(
                """select id from identities where id = ? or instr(lower(name), ?)
                   or instr(lower(emails), ?) or instr(lower(urls), ?)
                   or instr(lower(handles), ?) order by id limit ?""",
                [needle.strip(), n, n, n, n, limit],
            )
        ]

    def person_ids(self) -> list[tuple[str, str]]:
        """``(identity id, person id)`` of every identity clustered into a person."""
        return self._db.conn.execute(
            "select id, person_id from identities where person_id is not null and person_id != ''"
        ).fetchall()

    def identity_sources(self, ids: list[str]) -> list[tuple[str, str]]:
        """``(identity id, source)`` of the identities ``ids``."""
        return [
            row
            for chunk in chunks(ids, 900)
            for row in self._db.execute(
                f"select id, source from identities where id in ({', '.join('?' * len(chunk))})",
                chunk,
            )
        ]

    def same_people(self, ids: list[str]) -> set[str]:
        """The identities ``ids`` and every identity clustered into the same person."""
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = self._db.execute(
            f"""select id from identities where id in ({marks}) or (person_id != '' and person_id
                in (select person_id from identities where id in ({marks})))""",
            ids + ids,
        )
        return {r[0] for r in rows} | set(ids)

    def interactions_by_person(self) -> Iterator[dict]:
        """Every interaction with its identity's ``person_id`` and ``name`` (the
        columns a tie strength reads: ``identity_id, kind, at, direction, count``)."""
        return self._db.query(
            """select x.identity_id, x.kind, x.at, x.direction, x.count, i.person_id, i.name
               from interactions x join identities i on i.id = x.identity_id
               where i.own = 0"""
        )

    def outgoing_invitations(self) -> list[dict]:
        """The invitations the user sent (interactions), oldest first."""
        return list(
            self._db.query(
                "select * from interactions where kind = 'invitation' and direction = 'out' "
                "order by at"
            )
        )

    def pending_count(self) -> int:
        """How many requests are pending."""
        sql = "select count(*) from requests where status = 'pending'"
        return self._db.execute(sql).fetchone()[0]

    def fingerprint(self) -> tuple:
        """A cheap summary that changes whenever an import, a check, a decision or the
        user's word on who is who (``link``/``unlink``) does."""
        return tuple(
            self._db.execute(
                """select (select count(*) from identities), (select count(*) from interactions),
                      (select max(imported_at) from sources), (select count(*) from requests),
                      (select max(updated_at) from requests),
                      (select count(*) from requests where status = 'pending'),
                      (select max(id) from decisions),
                      (select group_concat(a || b || kind) from links)"""
            ).fetchone()
        )

    def request(self, request_id: str) -> PendingRequest | None:
        """The request with this exact id, or None."""
        rows = self._db.execute("select * from requests where id = ?", [request_id])
        return next(_pending(rows), None)

    def requests(self, *, status: str | None = "pending") -> list[PendingRequest]:
        """The requests with ``status`` (every one with None), newest first."""
        where = "where status = ?" if status else ""
        return list(
            _pending(
                self._db.execute(
                    f"select * from requests {where} order by sent_at desc",
                    [status] if status else [],
                )
            )
        )

    def pending_requests(self) -> list[PendingRequest]:
        """The requests waiting for the user's decision, newest first."""
        return self.requests(status="pending")

    def get_request(self, ref: str) -> PendingRequest:
        """A request by id, profile slug/URL, or exact name (case-insensitive)."""
        slug = profile_slug(ref) or ref.lower()
        for r in self.requests(status=None):
            if ref == r.id or r.slug == slug or r.name.lower() == ref.lower():
                return r
        raise NotFoundError(f"no request matches {ref!r}; `havewemet inbox` lists them")

    def requests_by_id(self, ids: Iterable[str]) -> dict[str, PendingRequest]:
        """The stored requests among ``ids`` (any status), by id; one read per 900 ids."""
        out: dict[str, PendingRequest] = {}
        for chunk in chunks(list(dict.fromkeys(ids)), 900):
            marks = ", ".join("?" * len(chunk))
            for r in _pending(
                self._db.execute(f"select * from requests where id in ({marks})", chunk)
            ):
                out[r.id] = r
        return out

    def data_version(self) -> tuple[int, str]:
        """Changes when an import or a ``forget`` changed what triage loads (identities):
        a long-running reader (the browser extension's host) reloads on a change."""
        row = self._db.execute(
            "select count(*), coalesce(max(imported_at), '') from sources"
        ).fetchone()
        return int(row[0]), str(row[1])

    def unknown_migrations(self) -> list[str]:
        """Migrations this store has that this havewemet does not know: the store was
        written by a newer version."""
        known = {name for name, _fn in MIGRATIONS}
        return [r["name"] for r in self._db["_migrations"].rows if r["name"] not in known]

    def request_statuses(self, ids: Iterable[str]) -> dict[str, int]:
        """How many of these requests have each status (``pending``, ``connected``, a
        decision), for an import's summary."""
        out: dict[str, int] = {}
        id_list = sorted(set(ids))
        for chunk in chunks(id_list, 900):
            for status, n in self._db.execute(
                f"select status, count(*) from requests where id in ({', '.join('?' * len(chunk))})"
                " group by status",
                chunk,
            ):
                out[status] = out.get(status, 0) + n
        return out

    def source_request_statuses(self, source: str) -> dict[str, int]:
        """:meth:`request_statuses` of every request ``source`` gave."""
        return {
            status: n
            for status, n in self._db.execute(
                "select status, count(*) from requests where source = ? or exists "
                "(select 1 from json_each(requests.sources) where value = ?) group by status",
                [source, source],
            )
        }

    def profile(self) -> dict:
        """The user's own profile merged across sources (names, e-mails, handles)."""
        me: dict = {"name": "", "emails": [], "handles": [], "headline": ""}
        for r in self._db["profile"].rows:
            me["name"] = me["name"] or r["name"]
            me["headline"] = me["headline"] or r["headline"]
            me["emails"] += [e for e in json.loads(r["emails"] or "[]") if e not in me["emails"]]
            me["handles"] += json.loads(r["handles"] or "[]")
        return me

    def positions(self) -> list[dict]:
        return list(self._db.query("select * from positions order by start"))

    def sources(self) -> list[dict]:
        return list(self._db.query("select * from sources order by imported_at"))


def _pending(cursor: sqlite3.Cursor) -> Iterator[PendingRequest]:
    """The rows of ``select * from requests`` as :class:`PendingRequest`."""
    cols = [d[0] for d in cursor.description]
    for values in cursor:
        yield pending_of(dict(zip(cols, values, strict=True)))


def pending_of(r: dict) -> PendingRequest:
    """A row of the ``requests`` table (JSON lists as text) as a :class:`PendingRequest`."""
    return PendingRequest(
        id=r["id"],
        name=r["name"] or "",
        profile_url=r["profile_url"] or "",
        slug=r["slug"] or "",
        headline=r["headline"] or "",
        note=r["note"] or "",
        sent_at=r["sent_at"],
        mutuals=tuple(json.loads(r["mutuals"])) if r["mutuals"] else (),
        mutual_count=r.get("mutual_count") or 0,
        reminders=r["reminders"] or 0,
        status=r["status"],
        source=r["source"] or "",
        sources=tuple(json.loads(r["sources"])) if r["sources"] else (),
        file=r["file"] or "",
        line=r["line"] or 0,
    )
