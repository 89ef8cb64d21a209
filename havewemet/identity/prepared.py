"""Identities prepared for matching, kept in the store between runs (issue 5).

Preparing an identity for the :class:`~havewemet.identity.match.Matcher` (parsing its
name, its handles and profile slugs, its blocking keys) takes most of the time of
loading a large store: about 4 s for 50,000 identities. :func:`load_matcher` keeps
each prepared record in the ``match_cache`` table and reads it back the next time,
preparing (and caching) only the identities that are new or changed since; and it
keeps the index built from them all (``match_index``, one :mod:`marshal` blob), read
whole while no identity has changed since.

A cached row is used only while its copy of the columns the preparation reads
(:data:`~havewemet.store.schema.MATCH_SOURCE`) equals its identity's row now and its
``version`` is :data:`VERSION` (the matcher's code, its libraries and Python), so a
write by any path (import, forget, a migration) or a new version of the matcher makes
it stale. The kept index is used only while every identity has a current row and
their number is the one it was built from: an update of an identity removes its row
(m007's trigger), a delete cascades (m006), a new identity has none. The rows are
derived data: a store whose cache cannot be written (read-only) is matched the same,
only prepared again on each load.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import sqlite3
import sys
import unicodedata
from collections.abc import Iterator, Mapping, MutableMapping
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from operator import itemgetter
from typing import Any

from havewemet._gc import paused as gc_paused
from havewemet.identity.blocking import rec_keys
from havewemet.identity.compare import Rec
from havewemet.identity.match import Matcher, identity_rec
from havewemet.identity.names import ParsedName
from havewemet.store.schema import MATCH_SOURCE

log = logging.getLogger(__name__)


def _made_with() -> tuple:
    """What else a prepared record depends on: Python (marshal's format), Unicode's
    tables (folding) and the packages that parse names, handles and phones."""
    versions = []
    for pkg in ("anyascii", "faker", "jellyfish", "nameparser", "nicknames", "phonenumbers"):
        try:
            versions.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            versions.append((pkg, ""))
    return (sys.version_info[:2], marshal.version, unicodedata.unidata_version, *versions)


_MADE_WITH = _made_with()


def code_version(root: Traversable | None = None) -> int:
    """A fingerprint of the matcher's code and data (every file of
    :mod:`havewemet.identity`) and of what it is made with (:func:`_made_with`): a
    prepared record is made by name parsing, handle and key functions spread over the
    package and its libraries, so any change to any of them makes every kept record
    stale, with no version number to remember to bump."""
    h = hashlib.sha256()
    # The libraries and Unicode tables the preparation reads, and marshal's format.
    h.update(repr(_MADE_WITH).encode())
    todo = [root or resources.files("havewemet.identity")]
    while todo:
        for entry in sorted(todo.pop().iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    todo.append(entry)
            elif not entry.name.endswith((".pyc", ".pyo")):
                h.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return int.from_bytes(h.digest()[:7], "big")


#: The version of kept records this code reads (:func:`code_version`).
VERSION = code_version()
_EMPTY: frozenset[str] = frozenset()
_PART, _ITEM = "\x1e", "\x1f"  # never in a parsed name or a blocking key (checked)


def encode(rec: Rec, keys: set[str]) -> tuple[str, bytes] | None:
    """A prepared record and its blocking keys: a text of the parsed name and the keys
    (read for every identity on load) and the rest in :mod:`marshal`'s format (read
    when the record is first compared). None when a name or key holds a separator."""
    head = [*rec.name, *keys]
    if any(_PART in x or _ITEM in x for x in head):
        return None
    rest = marshal.dumps(
        (
            rec.display,
            rec.emails,
            rec.phones,
            rec.slugs,
            rec.usernames,
            rec.company,
            rec.mail_users,
            rec.fit_handles,
            rec.compact,
        )
    )
    return _PART.join((_ITEM.join(rec.name), _ITEM.join(sorted(keys)))), rest


def split(head: str) -> tuple[ParsedName, list[str]]:
    """The parsed name and the blocking keys of what :func:`encode` wrote."""
    name, keys = head.split(_PART, 1)
    return ParsedName(*name.split(_ITEM)), keys.split(_ITEM) if keys else []


def decode(iid: str, name: ParsedName, rest: bytes) -> Rec:
    """The record :func:`encode` wrote (its name and keys read by :func:`split`)."""
    display, *fields = marshal.loads(rest)
    return Rec(iid, display, name, *fields)


class LazyRecs(MutableMapping[str, Rec]):
    """Prepared records by identity id, decoded when first asked for: a triage
    compares a requester with a few thousand of the 50,000 identities."""

    def __init__(self, names: Mapping[str, ParsedName]):
        self.names = names
        self.raw: dict[str, bytes] = {}
        self.slugs: dict[str, frozenset[str]] = {}
        """The LinkedIn profile slugs of the records not decoded yet that have any."""
        self._recs: dict[str, Rec] = {}

    def slugs_of(self, iid: str) -> frozenset[str]:
        """A record's profile slugs, without decoding it (most candidates of a LinkedIn
        requester are other profiles, left out on their slugs and name alone)."""
        rec = self._recs.get(iid)
        return rec.slugs if rec is not None else self.slugs.get(iid, _EMPTY)

    def keep(self, iid: str, keys: list[str], rest: bytes) -> None:
        """File a record to decode when asked for, its slugs read from its keys."""
        self.raw[iid] = rest
        slugs = [k[2:] for k in keys if k.startswith("l:")]
        if slugs:
            self.slugs[iid] = frozenset(slugs)

    def __getitem__(self, iid: str) -> Rec:
        rec = self._recs.get(iid)
        if rec is None:
            rec = self._recs[iid] = decode(iid, self.names[iid], self.raw.pop(iid))
        return rec

    def __setitem__(self, iid: str, rec: Rec) -> None:
        self._recs[iid] = rec

    def __delitem__(self, iid: str) -> None:
        raise TypeError("identities leave a matcher only with a new load")

    def __contains__(self, iid: object) -> bool:
        return iid in self.names

    def __iter__(self) -> Iterator[str]:  # every identity filed, decoded or not
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class IdentityRows(Mapping[str, dict]):
    """The store's identities by id, read when first asked for (a triage looks at a
    few dozen of the 50,000 the matcher holds)."""

    def __init__(self, store: Any, ids: Mapping[str, object]):
        self._store = store
        self._ids = ids
        self._rows: dict[str, dict] = {}

    def __getitem__(self, iid: str) -> dict:
        row = self._rows.get(iid)
        if row is None:
            if iid not in self._ids:
                raise KeyError(iid)
            self.fetch([iid])
            row = self._rows[iid]
        return row

    def fetch(self, ids: list[str]) -> None:
        """Read the rows of ``ids`` not read yet, in one query."""
        todo = [i for i in ids if i not in self._rows]
        if todo:
            self._rows.update((r["id"], r) for r in self._store.identities(todo))

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


_LIST_COLUMNS = frozenset(("emails", "phones", "urls", "handles"))
_CURRENT = " and ".join(f"c.src_{c} is i.{c}" for c in MATCH_SOURCE)
_STALE = ", ".join(f"case when c.data is null then i.{c} end" for c in MATCH_SOURCE)
_SAME = " and ".join(f"i.{c} is ?" for c in MATCH_SOURCE)


def load_matcher(store: Any) -> Matcher:
    """A :class:`Matcher` over every identity of ``store``: the kept index when no
    identity changed since it was built (:func:`_read_index`), else from the prepared
    records kept in the store where they are current; the others are prepared and
    kept, and so is the index built from them all."""
    conn = store.db.conn
    with gc_paused():
        matcher = _read_index(conn)
        if matcher is None:
            read_at = conn.execute("PRAGMA data_version").fetchone()[0]
            matcher, fresh, complete = _build(conn)
            _write(store, matcher, fresh, complete=complete, read_at=read_at)
        matcher.identities = IdentityRows(store, matcher.names)
        matcher.settle()
    return matcher


def to_prepare(store: Any) -> int:
    """How many identities the next :func:`load_matcher` prepares anew: 0 while the
    kept index is current (three small reads), else those without a current record
    (one pass over the identities). For a notice before a long first load."""
    conn = store.db.conn
    row = conn.execute("select version, identities from match_index").fetchone()
    if row is not None and row[0] == VERSION and _all_prepared(conn, row[1]):
        return 0
    return conn.execute(
        f"select count(*) from identities i left join match_cache c on c.id = i.id "
        f"and c.version = ? and {_CURRENT} where c.id is null",
        [VERSION],
    ).fetchone()[0]


def _build(conn: sqlite3.Connection) -> tuple[Matcher, list[tuple], bool]:
    """The matcher from the prepared records, the records prepared anew (to keep), and
    whether every identity now has one (a name holding a separator cannot)."""
    rows = conn.execute(
        f"select i.id, c.data, c.rest, {_STALE} from identities i "
        f"left join match_cache c on c.id = i.id and c.version = ? and {_CURRENT}",
        [VERSION],
    ).fetchall()
    matcher = Matcher()
    fresh: list[tuple] = []
    recs = matcher.recs = LazyRecs(matcher.names)
    complete = True
    for iid, head, rest, *src in rows:
        if head is not None:
            name, keys = split(head)
            recs.keep(iid, keys, rest)
            matcher.add_name(iid, name, keys)
            continue
        ident = {"id": iid}
        for c, v in zip(MATCH_SOURCE, src, strict=True):
            ident[c] = (json.loads(v) if v and v != "[]" else []) if c in _LIST_COLUMNS else v
        rec = identity_rec(ident)
        keys = rec_keys(rec)
        matcher.add_rec(rec, keys)
        data = encode(rec, keys)
        if data is None:
            complete = False
        else:
            fresh.append((iid, *data, *src))
    return matcher, fresh, complete


def _read_index(conn: sqlite3.Connection) -> Matcher | None:
    """The kept index, if it is this code's and every identity it was built from is
    still there unchanged: then each has a current prepared record (an update removes
    it: m007's trigger; a new identity has none) and they are as many as it counts."""
    row = conn.execute("select version, identities, data from match_index").fetchone()
    if row is None or row[0] != VERSION or not _TRIGGERS <= _triggers(conn):
        return None
    if not _all_prepared(conn, row[1]):
        return None
    try:
        state, raw, slugs = marshal.loads(row[2])
    except (EOFError, ValueError, TypeError):  # not what this code writes
        return None
    matcher = Matcher()
    matcher.restore(state)
    matcher.recs = LazyRecs(matcher.names)
    matcher.recs.raw = raw
    matcher.recs.slugs = slugs
    return matcher


def _all_prepared(conn: sqlite3.Connection, n: int) -> bool:
    """Whether the store holds ``n`` identities and ``n`` current prepared records (a
    record goes when its identity changes or goes, so they are one each)."""
    return (
        conn.execute("select count(*) from identities").fetchone()[0] == n
        and conn.execute(
            "select count(*) from match_cache where version = ?", [VERSION]
        ).fetchone()[0]
        == n
    )


#: Without m007's trigger an update would not reach the index; without m009's a
#: forgotten source's names would stay in it. A migration that builds either table
#: again drops its triggers and must make them again.
_TRIGGERS = {"match_cache_stale", "match_index_follows_records"}


def _triggers(conn: sqlite3.Connection) -> set[str]:
    """The names of the store's triggers."""
    return {r[0] for r in conn.execute("select name from sqlite_master where type = 'trigger'")}


def _write(
    store: Any, matcher: Matcher, fresh: list[tuple], *, complete: bool, read_at: int
) -> None:
    """Keep the newly prepared records (a record goes with its identity: m006) and the
    index built with them. A record is kept only if its identity still holds what it
    was prepared from; the index only if nothing was written to the store since it
    was read, else the old index is removed: it no longer counts the records."""
    cols = ", ".join(f"src_{c}" for c in MATCH_SOURCE)
    try:
        with store.transaction() as db:
            conn = db.conn
            # Another connection's commit since the read changes the data version.
            unchanged = conn.execute("PRAGMA data_version").fetchone()[0] == read_at
            fresh.sort(key=itemgetter(0))  # in key order: a third faster to insert
            if fresh and unchanged:  # the identities are as read
                marks = ", ".join("?" * (3 + len(MATCH_SOURCE)))
                conn.executemany(
                    f"insert or replace into match_cache (id, version, data, rest, {cols}) "
                    f"values (?, {VERSION}, {marks[3:]})",
                    fresh,
                )
            elif fresh:  # each kept only if its identity still holds what it was made from
                conn.executemany(
                    f"insert or replace into match_cache (id, version, data, rest, {cols}) "
                    f"select i.id, {VERSION}, ?, ?, {', '.join('i.' + c for c in MATCH_SOURCE)} "
                    f"from identities i where i.id = ? and {_SAME}",
                    [(head, rest, iid, *src) for iid, head, rest, *src in fresh],
                )
            if complete and unchanged and _TRIGGERS <= _triggers(conn):
                recs = matcher.recs
                raw = dict(recs.raw)  # type: ignore[attr-defined]
                slugs = dict(recs.slugs)  # type: ignore[attr-defined]
                for iid, _head, rest, *_src in fresh:
                    raw[iid] = rest
                    if recs[iid].slugs:
                        slugs[iid] = recs[iid].slugs
                blob = marshal.dumps((matcher.state(), raw, slugs))
                conn.execute(
                    "insert or replace into match_index (id, version, identities, data) "
                    "values (1, ?, ?, ?)",
                    [VERSION, len(matcher), blob],
                )
            else:
                conn.execute("delete from match_index")
    except sqlite3.OperationalError as e:  # a read-only or busy store: match anyway
        log.info("prepared identities not kept (%s); they are prepared again next time", e)


__all__ = [
    "VERSION",
    "code_version",
    "IdentityRows",
    "LazyRecs",
    "decode",
    "encode",
    "load_matcher",
    "split",
]
