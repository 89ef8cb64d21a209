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
import marshal
import sys
import unicodedata
from collections.abc import Iterator, Mapping, MutableMapping
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

from havewemet._gc import paused as gc_paused
from havewemet.identity.blocking import rec_keys
from havewemet.identity.compare import Rec
from havewemet.identity.match import Matcher, identity_rec
from havewemet.identity.names import ParsedName
from havewemet.store.schema import MATCH_SOURCE

if TYPE_CHECKING:
    from havewemet.store import Store
    from havewemet.store.match_cache import MatchCache


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
            rec.birthday,
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


def load_matcher(store: Store) -> Matcher:
    """A :class:`Matcher` over every identity of ``store``: the kept index when no
    identity changed since it was built (:func:`_read_index`), else from the prepared
    records kept in the store where they are current; the others are prepared and
    kept, and so is the index built from them all."""
    cache = store.match_cache
    with gc_paused():
        matcher = _read_index(cache)
        if matcher is None:
            read_at = cache.data_version()
            matcher, fresh, complete = _extend(cache) or _build(cache)
            _write(cache, matcher, fresh, complete=complete, read_at=read_at)
        matcher.identities = IdentityRows(store, matcher.names)
        matcher.settle()
    return matcher


def to_prepare(store: Store) -> int:
    """How many identities the next :func:`load_matcher` prepares anew: 0 while the
    kept index is current (three small reads), else those without a current record
    (one pass over the identities). For a notice before a long first load."""
    return store.match_cache.to_prepare(VERSION)


def _build(cache: MatchCache) -> tuple[Matcher, list[tuple], bool]:
    """The matcher from the prepared records, the records prepared anew (to keep), and
    whether every identity now has one (a name holding a separator cannot)."""
    matcher = Matcher()
    fresh: list[tuple] = []
    recs = matcher.recs = LazyRecs(matcher.names)
    complete = True
    for iid, head, rest, *src in cache.records(VERSION):
        if head is not None:
            name, keys = split(head)
            recs.keep(iid, keys, rest)
            matcher.add_name(iid, name, keys)
        else:
            complete &= _prepare(matcher, iid, src, fresh)
    return matcher, fresh, complete


def _extend(cache: MatchCache) -> tuple[Matcher, list[tuple], bool] | None:
    """:func:`_build`'s result from the kept index when only new identities came since
    it was built (an import into a large store): the index as kept, and the new
    identities prepared and filed into it, instead of every record filed again."""
    blob = cache.index_to_extend(VERSION)
    matcher = _from_blob(blob) if blob is not None else None
    if matcher is None:
        return None
    fresh: list[tuple] = []
    complete = True
    for iid, *src in cache.unprepared(VERSION):
        complete &= _prepare(matcher, iid, src, fresh)
    return matcher, fresh, complete


def _prepare(matcher: Matcher, iid: str, src: list, fresh: list[tuple]) -> bool:
    """Prepare one identity from its :data:`MATCH_SOURCE` values, file it in the
    matcher and add it to ``fresh`` (to keep); False when it cannot be kept (a name
    holding a separator)."""
    ident = {"id": iid}
    for c, v in zip(MATCH_SOURCE, src, strict=True):
        ident[c] = (json.loads(v) if v and v != "[]" else []) if c in _LIST_COLUMNS else v
    rec = identity_rec(ident)
    key_set = rec_keys(rec)
    matcher.add_rec(rec, key_set)
    data = encode(rec, key_set)
    if data is None:
        return False
    fresh.append((iid, *data, *src))
    return True


def _read_index(cache: MatchCache) -> Matcher | None:
    """The kept index, if it is this code's and every identity it was built from is
    still there unchanged: then each has a current prepared record (an update removes
    it: m007's trigger; a new identity has none) and they are as many as it counts."""
    blob = cache.index(VERSION)
    return None if blob is None else _from_blob(blob)


def _from_blob(blob: bytes) -> Matcher | None:
    """The matcher a kept index's blob holds (its records decoded when asked for)."""
    try:
        state, raw, slugs = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):  # not what this code writes
        return None
    matcher = Matcher()
    matcher.restore(state)
    matcher.recs = LazyRecs(matcher.names)
    matcher.recs.raw = raw
    matcher.recs.slugs = slugs
    return matcher


def _write(
    cache: MatchCache, matcher: Matcher, fresh: list[tuple], *, complete: bool, read_at: int
) -> None:
    """Keep the newly prepared records and, when every identity has one, the index
    built with them (the store keeps it only if nothing changed since ``read_at``)."""

    def index() -> tuple[int, bytes]:
        recs = matcher.recs
        raw = dict(recs.raw)  # type: ignore[attr-defined]
        slugs = dict(recs.slugs)  # type: ignore[attr-defined]
        for iid, _head, rest, *_src in fresh:
            raw[iid] = rest
            if recs[iid].slugs:
                slugs[iid] = recs[iid].slugs
        return len(matcher), marshal.dumps((matcher.state(), raw, slugs))

    cache.keep(VERSION, fresh, read_at=read_at, index=index if complete else None)


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
