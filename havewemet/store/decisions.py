"""The store's decisions: what the user did with each request, kept in ``decisions``
(``id, request_id, name, slug, decision, reason, decided_at``).

A mixin of :class:`havewemet.store.Store`. Recording a decision sets its request's
status to it in the same transaction, so the request leaves the pending inbox;
:mod:`havewemet.triage.decisions` says what a decision is and checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

import sqlite_utils

from havewemet.store.rows import now as _now


class StoreDecisions:
    _db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[sqlite_utils.Database]]

    def decisions(self) -> list[dict]:
        """Every decision, oldest first."""
        return [dict(r) for r in self._db.query("select * from decisions order by decided_at, id")]

    def decisions_about(self, request_id: str, slug: str, name: str) -> list[dict]:
        """The decisions on request ``request_id``, on profile ``slug`` (when not
        empty) or on anyone named ``name`` (lower case, spaces collapsed), oldest first."""
        return [
            dict(r)
            for r in self._db.query(
                "select * from decisions where request_id = ? or (slug != '' and slug = ?) "
                "or lower(name) = ? order by decided_at, id",
                [request_id, slug, name],
            )
        ]

    def last_decision(self, request_id: str) -> dict | None:
        """The latest decision kept on this request, or None."""
        rows = list(
            self._db.query(
                "select * from decisions where request_id = ? order by id desc limit 1",
                [request_id],
            )
        )
        return rows[0] if rows else None

    def decided_count(self) -> int:
        """How many decisions are kept (the page's "N decided so far")."""
        return int(self._db.execute("select count(*) from decisions").fetchone()[0])

    def record_decision(self, row: dict) -> int:
        """Keep one decision (a row of :data:`havewemet.triage.decisions.FIELDS` but
        ``id``) and set its request's status to it, in one transaction; returns its id."""
        with self.transaction() as db:
            rid = db.table("decisions").insert(row).last_pk
            assert isinstance(rid, int)  # decisions.id is an INTEGER PRIMARY KEY
            status = {"status": row["decision"], "updated_at": _now()}
            db.table("requests").update(row["request_id"], status)
        return rid

    def add_decisions(self, rows: Iterable[dict]) -> tuple[int, int]:
        """Keep decisions read from an export, skipping those already kept (same
        request, decision and time); a pending request they name takes the decision
        as its status. One transaction; returns (added, already kept)."""
        added = kept = 0
        with self.transaction() as db:
            for row in rows:
                if db.execute(
                    "select 1 from decisions where request_id = ? and decision = ? "
                    "and decided_at = ?",
                    [row["request_id"], row["decision"], row["decided_at"]],
                ).fetchone():
                    kept += 1
                    continue
                db.table("decisions").insert(row)
                db.execute(
                    "update requests set status = ? where id = ? and status = 'pending'",
                    [row["decision"], row["request_id"]],
                )
                added += 1
        return added, kept
