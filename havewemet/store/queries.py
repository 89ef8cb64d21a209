"""The store's read side: the queries the triage, the CLI and the web page make.

A mixin of :class:`havewemet.store.Store` (kept apart so each module stays small);
it reads ``self.db`` only, never writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from operator import itemgetter

import sqlite_utils

from havewemet.errors import NotFoundError
from havewemet.normalize import profile_slug
from havewemet.store.rows import LIST_FIELDS, chunks


class StoreQueries:
    db: sqlite_utils.Database

    def counts(self) -> dict[str, int]:
        return {
            t: self.db[t].count
            for t in ("sources", "identities", "interactions", "requests", "decisions")
        }

    def identities(self, ids: Iterable[str] | None = None) -> Iterator[dict]:
        """Identities as dicts with list fields decoded."""
        if ids is None:
            rows = self.db.query("select * from identities")
        else:
            id_list = list(ids)
            rows = (
                r
                for chunk in chunks(id_list, 900)
                for r in self.db.query(
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
            cur = self.db.conn.execute(
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
        detail, count)`` (``emails`` as stored JSON), by identity."""
        return self.db.conn.execute(
            """select i.id, i.person_id, i.name, i.company, i.emails, x.source, x.kind, x.at,
                      x.direction, x.detail, x.count
                 from interactions x join identities i on i.id = x.identity_id
                order by i.id"""
        )

    def links(self) -> list[tuple[str, str, str]]:
        """The user's link/unlink overrides as ``(a, b, kind)``, oldest first."""
        return [tuple(r) for r in self.db.execute("select a, b, kind from links order by at")]

    def identity_ids(self, ref: str) -> list[str]:
        """The identity whose id is ``ref``, else those named ``ref`` (ignoring case
        and surrounding space), by id."""
        row = self.db.execute("select id from identities where id = ?", [ref]).fetchone()
        if row:
            return [row[0]]
        return [
            r[0]
            for r in self.db.execute(
                "select id from identities where lower(name) = lower(?) order by id", [ref.strip()]
            )
        ]

    def requests(self, *, status: str | None = "pending") -> list[dict]:
        where = "where status = ?" if status else ""
        rows = list(
            self.db.query(
                f"select * from requests {where} order by sent_at desc", [status] if status else []
            )
        )
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

    def request_statuses(self, ids: Iterable[str]) -> dict[str, int]:
        """How many of these requests have each status (``pending``, ``connected``, a
        decision), for an import's summary."""
        out: dict[str, int] = {}
        id_list = sorted(set(ids))
        for chunk in chunks(id_list, 900):
            for status, n in self.db.execute(
                f"select status, count(*) from requests where id in ({', '.join('?' * len(chunk))})"
                " group by status",
                chunk,
            ):
                out[status] = out.get(status, 0) + n
        return out

    def last_decision(self, request_id: str) -> dict | None:
        """The latest decision kept on this request, or None."""
        rows = list(
            self.db.query(
                "select * from decisions where request_id = ? order by id desc limit 1",
                [request_id],
            )
        )
        return rows[0] if rows else None

    def decided_count(self) -> int:
        """How many decisions are kept (the page's "N decided so far")."""
        return int(self.db.execute("select count(*) from decisions").fetchone()[0])

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
