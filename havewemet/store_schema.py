"""The store's schema: registered migrations that run, in order and once each, on open.

A migration is a function of the :class:`sqlite_utils.Database`, registered with
:func:`migration` (also importable from :mod:`havewemet.store`). Applied ones are
recorded in ``_migrations``; :meth:`havewemet.store.Store.open` runs the others.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register a schema migration; they run in order, once each, on open."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sources"].create(
        {
            "name": str,
            "kind": str,
            "path": str,
            "imported_at": str,
            "identities": int,
            "interactions": int,
            "requests": int,
            "report": str,
        },
        pk="name",
    )
    db["identities"].create(
        {
            "id": str,
            "source": str,
            "key": str,
            "name": str,
            "first_name": str,
            "last_name": str,
            "emails": str,
            "phones": str,
            "urls": str,
            "handles": str,
            "nicknames": str,
            "company": str,
            "title": str,
            "location": str,
            "file": str,
            "line": int,
            "extra": str,
            "person_id": str,
        },
        pk="id",
    )
    db["identities"].create_index(["source"])
    db["interactions"].create(
        {
            "id": str,
            "source": str,
            "identity_id": str,
            "kind": str,
            "at": str,
            "direction": str,
            "detail": str,
            "count": int,
            "file": str,
            "line": int,
        },
        pk="id",
    )
    db["interactions"].create_index(["identity_id"])
    db["interactions"].create_index(["source"])
    db["requests"].create(
        {
            "id": str,
            "name": str,
            "profile_url": str,
            "slug": str,
            "headline": str,
            "note": str,
            "sent_at": str,
            "mutuals": str,
            "reminders": int,
            "source": str,
            "file": str,
            "line": int,
            "status": str,
            "first_seen": str,
            "updated_at": str,
        },
        pk="id",
    )
    db["decisions"].create(
        {
            "id": int,
            "request_id": str,
            "name": str,
            "slug": str,
            "decision": str,
            "reason": str,
            "decided_at": str,
        },
        pk="id",
    )
    db["decisions"].create_index(["request_id"])
    db["profile"].create(
        {
            "source": str,
            "name": str,
            "first_name": str,
            "last_name": str,
            "emails": str,
            "handles": str,
            "headline": str,
            "location": str,
            "extra": str,
        },
        pk="source",
    )
    db["positions"].create(
        {
            "id": str,
            "source": str,
            "company": str,
            "title": str,
            "start": str,
            "end": str,
            "file": str,
            "line": int,
        },
        pk="id",
    )
    db["links"].create({"a": str, "b": str, "kind": str, "at": str}, pk=("a", "b"))


@migration
def m002_people(db: sqlite_utils.Database) -> None:
    """People: clusters of identities (issue 3); ``identities.person_id`` points here."""
    db["people"].create({"id": str, "name": str, "identities": int}, pk="id", if_not_exists=True)
    db["identities"].create_index(["person_id"], if_not_exists=True)


@migration
def m003_request_sources(db: sqlite_utils.Database) -> None:
    """Every source that gave a request (LinkedIn export, notification mail, typed by
    hand), so that forgetting one source keeps what the others gave."""
    db["requests"].add_column("sources", str)
    db.execute("update requests set sources = json_array(source)")
