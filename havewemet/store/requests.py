"""Requests as :meth:`havewemet.store.Store.save` writes them: new ones inserted, the
same request seen again (a newer export, a notification mail, typed by hand) merged
into the stored one, in one read and one write of the table (issue 2)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from havewemet.models import Request
from havewemet.normalize import profile_slug
from havewemet.store.rows import chunks


def merge_request(old: dict, new: dict) -> dict:
    """The same request seen again (a newer export, notification mail): keep the most."""
    merged: dict[str, Any] = {}
    for k, v in new.items():
        if k in ("mutuals", "sources"):
            a, b = json.loads(old[k] or "[]"), json.loads(v or "[]")
            merged[k] = json.dumps(a + [m for m in b if m not in a])
        elif k in ("reminders", "mutual_count"):
            merged[k] = max(old[k] or 0, v or 0)
        elif k in ("source", "file", "line"):
            merged[k] = old[k]
        elif k == "sent_at":
            # The later of the two: the same for every order of import (the export and
            # the notification mail give the same invitation seconds apart), and a
            # new invitation after a decision moves it on.
            merged[k] = max((x for x in (old[k], v) if x), default=None)
        else:
            merged[k] = v if v not in ("", None) else old[k]
    return merged


def save_requests(conn: sqlite3.Connection, requests: list[Request], now: str) -> tuple[int, int]:
    """Insert new requests, merge seen ones; in one read and one write of the table."""
    if not requests:
        return 0, 0
    added = updated = 0
    rows = [(r, r.id) for r in requests]
    cols = [d[0] for d in conn.execute("select * from requests limit 0").description]
    state: dict[str, dict] = {}  # id -> the row as it stands, for the ids of the batch
    for chunk in chunks(list({rid: None for _r, rid in rows}), 900):
        for old in conn.execute(
            f"select * from requests where id in ({', '.join('?' * len(chunk))})", chunk
        ):
            state[old[0]] = dict(zip(cols, old, strict=True))
    dirty: dict[str, None] = {}  # ids to write, in order of first change
    for r, rid in rows:
        row = {
            "id": rid,
            "name": r.name,
            "profile_url": r.profile_url,
            "slug": profile_slug(r.profile_url),
            "headline": r.headline,
            "note": r.note,
            "sent_at": r.sent_at,
            "mutuals": json.dumps(r.mutuals),
            "reminders": r.reminders,
            "mutual_count": r.mutual_count,
            "source": r.source,
            "file": r.file,
            "line": r.line,
            "sources": json.dumps([r.source]),
        }
        old_row = state.get(rid)
        if old_row is None:
            row.update(status="pending", first_seen=now, updated_at=now)
            state[rid] = row
            dirty[rid] = None
            added += 1
            continue
        merged = merge_request(old_row, row)
        if (
            old_row["status"] not in ("pending", "connected")
            and r.sent_at
            and (old_row["sent_at"] or "") < r.sent_at[:19]
            and (old_row["sent_at"] or "")[:10] != r.sent_at[:10]
        ):
            # Decided before, and they sent a new invitation: back in the inbox,
            # where the earlier decision is shown as a signal.
            merged["status"] = "pending"
        if any(merged[k] != old_row[k] for k in merged):
            merged["updated_at"] = now
            old_row.update(merged)
            dirty[rid] = None
            updated += 1
    if dirty:
        names = ", ".join(f"[{c}]" for c in cols)
        sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols[1:])
        conn.executemany(
            f"insert into requests ({names}) values ({', '.join('?' * len(cols))}) "
            f"on conflict(id) do update set {sets}",
            [tuple(state[rid].get(c) for c in cols) for rid in dirty],
        )
    return added, updated
