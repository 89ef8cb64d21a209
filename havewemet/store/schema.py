"""The store's schema: registered migrations that run, in order and once each, on open.

A migration is a function of the :class:`sqlite_utils.Database`, registered with
:func:`migration` (also importable from :mod:`havewemet.store`). Applied ones are
recorded in ``_migrations``; :meth:`havewemet.store.Store.open` runs the others.
"""

from __future__ import annotations

import json
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
    db.table("sources").create(
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
    db.table("identities").create(
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
    db.table("identities").create_index(["source"])
    db.table("interactions").create(
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
    db.table("interactions").create_index(["identity_id"])
    db.table("interactions").create_index(["source"])
    db.table("requests").create(
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
    db.table("decisions").create(
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
    db.table("decisions").create_index(["request_id"])
    db.table("profile").create(
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
    db.table("positions").create(
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
    db.table("links").create({"a": str, "b": str, "kind": str, "at": str}, pk=("a", "b"))


@migration
def m002_people(db: sqlite_utils.Database) -> None:
    """People: clusters of identities (issue 3); ``identities.person_id`` points here."""
    db.table("people").create(
        {"id": str, "name": str, "identities": int}, pk="id", if_not_exists=True
    )
    db.table("identities").create_index(["person_id"], if_not_exists=True)


@migration
def m003_request_sources(db: sqlite_utils.Database) -> None:
    """Every source that gave a request (LinkedIn export, notification mail, typed by
    hand), so that forgetting one source keeps what the others gave."""
    db.table("requests").add_column("sources", str)
    db.execute("update requests set sources = json_array(source)")


#: The one stored table of interactions since m004; ``interactions`` is a view over it
#: and the connections kept on their identity.
INTERACTION_LOG = "interaction_log"

#: ``interactions``: each LinkedIn connection's ``connected`` interaction as its identity
#: row holds it (same id, columns and values as before m004), then the logged rows.
#: Connections first: a LinkedIn export's connections were written before its other rows.
INTERACTIONS_VIEW = f"""create view interactions as
  select connected_id as id, source, id as identity_id, 'connected' as kind,
         connected_on as at, 'both' as direction, '' as detail, 1 as [count], file, line
    from identities where connected_id is not null
  union all
  select id, source, identity_id, kind, at, direction, detail, [count], file, line
    from {INTERACTION_LOG}"""


@migration
def m004_connected_on_identity(db: sqlite_utils.Database) -> None:
    """A connection's ``connected`` interaction is kept on its identity (issue 2: one
    interaction row per connection, with its three index entries, was half of what an
    export of 30,000 connections writes). ``interactions`` becomes a view giving the
    same rows, so every reader is unchanged.

    Folded: a ``connected`` row of direction ``both``, no detail and a count of 1, the
    only such row of its identity, from the identity's source, file and line; any other
    stays in ``interaction_log`` (:func:`havewemet.store.rows.fold_connected` decides the
    same way on save).
    """
    db.execute("alter table identities add column connected_id text")
    db.execute("alter table identities add column connected_on text")
    db.execute(f"alter table interactions rename to {INTERACTION_LOG}")
    db.execute(
        f"""update identities set connected_id = x.id, connected_on = x.at
            from (select min(id) as id, min(at) as at, identity_id, min(source) as source,
                         min(file) as file, min(line) as line
                    from {INTERACTION_LOG}
                   where kind = 'connected' and direction = 'both' and detail = ''
                     and [count] = 1
                   group by identity_id having count(*) = 1) as x
            where x.identity_id = identities.id and x.source is identities.source
              and x.file is identities.file and x.line is identities.line"""
    )
    db.execute(
        f"delete from {INTERACTION_LOG} where id in "
        "(select connected_id from identities where connected_id is not null)"
    )
    db.execute(INTERACTIONS_VIEW)


#: The identity columns a prepared record was made from until m016.
_MATCH_SOURCE_M005 = (
    *("name", "first_name", "last_name", "emails", "phones", "urls", "handles"),
    *("company", "key"),
)
#: The identity columns a prepared record is made from; ``match_cache`` keeps a copy.
MATCH_SOURCE = (*_MATCH_SOURCE_M005, "birthday")


@migration
def m005_match_cache(db: sqlite_utils.Database) -> None:
    """Identities prepared for matching (issue 5), so that a triage reads them instead
    of parsing 50,000 names again (:mod:`havewemet.identity.prepared`). A row is used
    only while its copy of :data:`MATCH_SOURCE` equals what its identity holds now and
    its ``version`` is the matcher's: a write to an identity by any path makes its row
    stale, with no trigger to keep in step. Rows are written by the first triage after
    a change."""
    cols = ", ".join(f"src_{c} text" for c in _MATCH_SOURCE_M005)
    db.execute(
        "create table if not exists match_cache (id text primary key, "
        f"version integer not null, data text not null, {cols}) without rowid"
    )


@migration
def m006_match_cache_follows_identities(db: sqlite_utils.Database) -> None:
    """A prepared record goes when its identity goes, by whatever path (``forget``
    today): ``match_cache.id`` references ``identities`` with ``on delete cascade``.
    The table is derived data, so it is made again empty (the next triage fills it)."""
    cols = ", ".join(f"src_{c} text" for c in _MATCH_SOURCE_M005)
    db.execute("drop table if exists match_cache")
    db.execute(
        "create table match_cache (id text primary key references identities (id) "
        f"on delete cascade, version integer not null, data text not null, {cols}) "
        "without rowid"
    )


@migration
def m007_match_index(db: sqlite_utils.Database) -> None:
    """The whole match index kept as one row (issue 5): ``match_index`` holds what
    loading the prepared records builds, so that a triage with no identity changed
    since reads one blob instead of 50,000 rows (:mod:`havewemet.identity.prepared`).

    It is used only while every identity has a prepared record of the current
    version and their number is the one it was built from; so a prepared record must
    go whenever what it was made from changes: with its identity (m006's cascade) and,
    from here on, when any :data:`MATCH_SOURCE` column of its identity is updated (the
    trigger below). A new identity has no prepared record until the next load, which
    builds the index again. (A program deleting identities with foreign keys off, which
    havewemet never does, could leave a record to meet a new identity of the same key.)
    """
    cols = ", ".join(("id", *_MATCH_SOURCE_M005))
    changed = " or ".join(f"old.{c} is not new.{c}" for c in ("id", *_MATCH_SOURCE_M005))
    db.execute(
        f"create trigger if not exists match_cache_stale after update of {cols} on "
        f"identities when {changed} begin delete from match_cache where id = old.id; end"
    )
    db.execute(
        "create table if not exists match_index (id integer primary key check (id = 1), "
        "version integer not null, identities integer not null, data blob not null)"
    )


@migration
def m008_match_cache_marshal(db: sqlite_utils.Database) -> None:
    """A prepared record's fields past its name and keys kept in :mod:`marshal`'s
    format (``rest``), read and written several times faster than JSON. Derived data:
    the table and the index are made again empty (the next triage fills them)."""
    cols = ", ".join(f"src_{c} text" for c in _MATCH_SOURCE_M005)
    db.execute("drop table if exists match_cache")
    db.execute(
        "create table match_cache (id text primary key references identities (id) "
        f"on delete cascade, version integer not null, data text not null, rest blob not null, "
        f"{cols}) without rowid"
    )
    db.execute("delete from match_index")


@migration
def m009_match_index_follows_records(db: sqlite_utils.Database) -> None:
    """The kept match index goes as soon as any prepared record goes (a forgotten
    source's through m006's cascade, a changed identity's through m007's trigger): it
    holds their names and addresses too, and ``forget`` must leave none behind."""
    db.execute(
        "create trigger if not exists match_index_follows_records after delete on "
        "match_cache begin delete from match_index; end"
    )


@migration
def m012_request_mutual_count(db: sqlite_utils.Database) -> None:
    """How many mutual connections an invitation counts when it names only two
    ("X, Y and 12 others", issue 12); 0 when the names are all there is."""
    db.table("requests").add_column("mutual_count", int)


@migration
def m013_connection_flag(db: sqlite_utils.Database) -> None:
    """Identities say what the importer meant (issue 16): ``connection`` (1 for one of
    the user's LinkedIn connections, which the LinkedIn importer kept as ``{"connection":
    true}`` in ``extra`` before) and ``slug`` (the LinkedIn profile slug of its first
    profile URL), so that the store finds a requester among the connections by a
    column, without reading an importer's JSON or rebuilding its keys."""
    from havewemet.normalize import profile_slug

    db.execute("alter table identities add column connection integer not null default 0")
    db.execute("alter table identities add column slug text not null default ''")
    db.execute(
        """update identities set connection = 1, extra = json_remove(extra, '$.connection')
           where json_valid(extra) and json_extract(extra, '$.connection') = 1
             and json_type(extra, '$.connection') = 'true'"""
    )
    # json_remove writes compact JSON; the store writes json.dumps's (", ", ": ").
    for iid, extra in db.execute(
        "select id, extra from identities where connection = 1 and extra != '{}'"
    ).fetchall():
        db.execute(
            "update identities set extra = ? where id = ?",
            [json.dumps(json.loads(extra), ensure_ascii=False, sort_keys=True), iid],
        )
    slugs = []
    for iid, urls in db.execute(
        "select id, urls from identities where urls like '%linkedin%'"
    ).fetchall():
        for url in json.loads(urls):
            slug = profile_slug(url)
            if slug:
                slugs.append((slug, iid))
                break
    db.conn.executemany("update identities set slug = ? where id = ?", slugs)
    db.execute(
        "create index if not exists identities_connection_slug on identities (slug) "
        "where connection = 1"
    )


@migration
def m014_own_identifiers(db: sqlite_utils.Database) -> None:
    """Who the user is (issue 12): their own e-mail addresses, phones, profile, names
    and handles with where each came from (:mod:`havewemet.store.own`), and
    ``identities.own`` flagging the identities that are the user. Filled from what the
    store already knows (each source's ``profile`` row), so that a store made before
    knows the user at once, and the identities that are theirs stop counting."""
    from havewemet.store.own import mark_own

    db.execute(
        """create table if not exists own_identifiers (kind text not null, value text not
           null, source text not null, how text not null, file text not null default '',
           line integer not null default 0, is_primary integer not null default 0,
           seen_at text, primary key (kind, value, source, how))"""
    )
    db.execute("alter table identities add column own integer not null default 0")
    db.execute("create index if not exists identities_own on identities (own) where own = 1")
    rows = []
    for source, name, emails, handles in db.execute(
        "select source, name, emails, handles from profile"
    ).fetchall():
        own = [("email", e) for e in json.loads(emails or "[]")]
        own += [("handle", h) for h in json.loads(handles or "[]")]
        own += [("name", name)] if name else []
        rows += [(kind, value, source) for kind, value in own if value]
    db.conn.executemany(
        "insert or ignore into own_identifiers (kind, value, source, how) values (?, ?, ?, 'file')",
        rows,
    )
    mark_own(db.conn)


@migration
def m015_source_fingerprint(db: sqlite_utils.Database) -> None:
    """What each source was imported from (a hash of its bytes, the options and the
    code that read it): importing the same file again finds it and reads nothing."""
    db.execute("alter table sources add column fingerprint text not null default ''")


@migration
def m016_birthday(db: sqlite_utils.Database) -> None:
    """An identity's birthday (issue 12: the address book's vCard ``BDAY`` or contacts
    CSV's Birthday, which the importers keep in ``extra``) as a column the matcher's
    prepared records are made from: ``birthday`` is computed from ``extra``, so no
    write has to keep it in step. The prepared records and the index are derived data:
    made again empty with the new column (the next triage fills them), and with them
    m007's and m009's triggers (m007's now also fires when ``extra`` changes)."""
    db.execute(
        "alter table identities add column birthday text generated always as (case when "
        "instr(extra, '\"birthday\"') and json_valid(extra) then "
        "json_extract(extra, '$.birthday') end) virtual"
    )
    cols = ", ".join(f"src_{c} text" for c in MATCH_SOURCE)
    db.execute("drop trigger if exists match_cache_stale")
    db.execute("drop table if exists match_cache")
    db.execute(
        "create table match_cache (id text primary key references identities (id) "
        f"on delete cascade, version integer not null, data text not null, rest blob not null, "
        f"{cols}) without rowid"
    )
    db.execute("delete from match_index")
    written = ", ".join(("id", *_MATCH_SOURCE_M005, "extra"))
    changed = " or ".join(f"old.{c} is not new.{c}" for c in ("id", *MATCH_SOURCE))
    db.execute(
        f"create trigger match_cache_stale after update of {written} on "
        f"identities when {changed} begin delete from match_cache where id = old.id; end"
    )
    db.execute(
        "create trigger if not exists match_index_follows_records after delete on "
        "match_cache begin delete from match_index; end"
    )
