"""Spike for issue 2: how near the bare ``csv.reader`` parse can an import come?

A prototype, not a reader of the package: the leanest import of a LinkedIn export
that still does the import's job for its three big files, into a fresh SQLite file
of its own narrow tables, measured beside the bare parse of the same CSVs.

* Connections.csv: the header found under the ``Notes:`` preamble; one ``person``
  row per connection keyed by havewemet's identity id (``stable_id("linkedin",
  key)``, ``key`` as ``linkedin._person_key`` gives it), name, first, last, URL,
  e-mail (normalised), company, title, the connection date in ISO, file and line;
  hidden profiles (date only) skipped.
* messages.csv: per person and direction the count, first and last date (ISO) and
  the line of the first message (``message_stat``), direction ``out`` when the
  sender is the user (found as ``_linkedin_messages._me_keys`` does); a ``person``
  row for each participant not a connection.
* Invitations.csv (a plain loop): INCOMING rows as ``request`` rows, OUTGOING as
  persons and ``invitation`` rows. Profile.csv: the user's ``profile`` row.

The big files take a *fast path*: whole columns moved by C loops (``map`` over
``csv.reader`` with ``itemgetter``, ``zip``, ``compress``, ``Counter``, a sort by
date, keys sliced and lower-cased by ``map``); Python bytecode runs per distinct
person (the id hash), not per row. A row's line is ``header line + index`` once
``csv.reader`` confirms that no row spans two lines. Anything else (a blank or short
row, a cell over several lines, an unusual profile URL, two URL texts for one person,
an empty sender URL, a date of another shape, a tie for "the user") sends that file
to the *slow path*: havewemet's own transformer, its records converted to the same
rows. Rows are written sorted by id, ``BATCH`` to a statement, in one transaction;
every write is an upsert that changes a row only where a value differs, so a
re-import changes nothing: the tables' row counts before and after give "added",
``total_changes`` less those gives "updated".

Measured, each in a fresh process, interleaved (``--runs`` of each, best and median):

* ``csv``: the bare parse (``bench/import_linkedin.py``'s, every CSV by ``csv.reader``);
* ``proto``: this import, into a fresh file; ``proto2``: the same with messages.csv
  read and aggregated by a forked worker on the other core (CPU counts both);
* ``floor``: the bare parse, then this import's own rows (built before the clock)
  written by the same statements: what this design costs with every transform free;
* ``import``: havewemet's ``read_source`` + ``Store.save`` (``bench/import_linkedin.py``).

Usage::

    python bench/import_prototype.py FOLDER              # check, then time 9 runs each
    python bench/import_prototype.py FOLDER --runs 7 --no-import
    python bench/import_prototype.py FOLDER --check-only [--slow]
    # instructions (steadier than seconds here), as for bench/import_linkedin.py:
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        python bench/import_prototype.py --_counted proto|csv|floor FOLDER

FOLDER is an unzipped export, e.g. from ``python bench/import_linkedin.py --out DIR``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import heapq
import marshal
import os
import re
import sqlite3
import statistics
import sys
import tempfile
from collections import Counter
from hashlib import blake2b
from itertools import chain, compress, repeat
from operator import contains, itemgetter, methodcaller, not_, or_
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import linkedin as li
from havewemet.importers._io import decode_text, parse_date, read_csv_rows
from havewemet.importers.linkedin.messages import _UTC_STAMPS, _split_people
from havewemet.models import ImportBatch, Request, stable_id
from havewemet.normalize import normalize_email

SOURCE = "linkedin"
SCHEMA = """
create table if not exists file (id integer primary key, name text not null unique);
create table if not exists person (
    id text primary key, key text not null, name text not null, first text, last text,
    url text, email text, company text, title text, connected_on text,
    file integer not null, line integer not null) without rowid;
create table if not exists message_stat (
    person_id text not null, direction text not null, count integer not null,
    first_at text, last_at text, file integer not null, line integer not null,
    primary key (person_id, direction)) without rowid;
create table if not exists invitation (
    person_id text not null, at text not null, detail text not null,
    file integer not null, line integer not null, primary key (person_id, at)) without rowid;
create table if not exists profile (
    id integer primary key check (id = 1), name text, first text, last text, headline text,
    file integer not null, line integer not null);
create table if not exists request (
    id text primary key, person_id text, name text, url text, note text, sent_at text,
    file integer not null, line integer not null) without rowid;
"""
TABLES = ("file", "profile", "person", "message_stat", "invitation", "request")


def _upsert(table: str, cols: str, key: str, sql_values: str = "") -> str:
    """An insert that updates a stored row only where a value differs."""
    names = cols.split()
    rest = [c for c in names if c not in key.split(", ")]
    values = sql_values or ", ".join("?" * len(names))
    return (
        f"insert into {table} ({', '.join(names)}) values ({values}) on conflict ({key}) "
        f"do update set {', '.join(f'{c} = excluded.{c}' for c in rest)} "
        f"where ({', '.join(rest)}) is not ({', '.join(f'excluded.{c}' for c in rest)})"
    )


PERSON_SQL = _upsert(
    "person", "id key name first last url email company title connected_on file line", "id"
)
# A participant or invitee never overwrites a connection's row.
OTHER_SQL = PERSON_SQL.replace(" where (", " where person.connected_on is null and (", 1)
STAT_SQL = _upsert(
    "message_stat", "person_id direction count first_at last_at file line", "person_id, direction"
)
INVITATION_SQL = _upsert("invitation", "person_id at detail file line", "person_id, at")
REQUEST_SQL = _upsert("request", "id person_id name url note sent_at file line", "id")
PREFIX = "https://www.linkedin.com/in/"
BATCH = 50  # rows per INSERT statement (multi-row VALUES: a quarter less than one by one)


def write_many(conn: sqlite3.Connection, sql: str, rows: list[tuple]) -> None:
    """``conn.executemany(sql, rows)``, ``BATCH`` rows to a statement."""
    if not rows:
        return
    head, rest = sql.split(") values (", 1)
    group, tail = rest.split(")", 1)
    width, full = group.count("?"), len(rows) // BATCH * BATCH
    many = f"{head}) values {', '.join([f'({group})'] * BATCH)}{tail}"
    flat = iter(chain.from_iterable(rows[:full]))
    conn.executemany(many, zip(*[flat] * (width * BATCH), strict=False))
    conn.executemany(sql, rows[full:])


_EMPTY = blake2b(digest_size=10)
_first = itemgetter(0)
_after_prefix = itemgetter(slice(len(PREFIX), None))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def ids_of(keys: list[str]) -> list[str]:
    """``stable_id("linkedin", key)`` for every key (copies of one empty hasher: a
    quarter faster than ``map`` over ``partial(blake2b, digest_size=10)``)."""
    out, new = [], _EMPTY.copy
    for data in map(str.encode, map(f"{SOURCE}\x1f".__add__, keys)):
        h = new()
        h.update(data)
        out.append(h.hexdigest())
    return out


def keys_of(urls: list[str], names: list[str]) -> list[str]:
    """``linkedin._person_key(url, name)`` for every row: by C loops when every URL is
    ``PREFIX`` + a slug of letters, digits and hyphens (the pattern's answer too).
    (One string of all the URLs, cut and lower-cased at once, is no faster: the text is
    not ASCII, so ``lower`` and ``replace`` go character by character.)"""
    if urls and all(map(methodcaller("startswith", PREFIX), urls)):
        slugs = list(map(methodcaller("removesuffix", "/"), map(_after_prefix, urls)))
        if "" not in slugs and "".join(slugs).replace("-", "").isalnum():
            return list(map("in/".__add__, map(str.lower, slugs)))
    return list(map(li._person_key, urls, names))


class Slow(Exception):
    """The fast path does not apply to this file."""


class Table:
    """A CSV of the export opened with ``csv.reader`` (as the bare parse does), its
    header found below any preamble; the reader left on the first row after it."""

    def __init__(self, path: Path, markers: tuple[str, ...]) -> None:
        self.file = path.name
        self.fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        self.reader = csv.reader(self.fh)
        for raw in self.reader:
            cells = [_norm(c) for c in raw]
            if any(cells) and all(m in cells for m in markers):
                self.col = {n: i for i, n in enumerate(cells)}
                self.header_line = self.reader.line_num
                return
        raise InputError(self.file, f"has no header row with {', '.join(markers)}")

    def columns(self, *names: str) -> list[list[str]]:
        """The named columns of every row, stripped. Raises :class:`Slow` on a row
        shorter than the header (blank rows too) or one spanning several lines."""
        missing = [n for n in names if n not in self.col]
        if missing:
            raise InputError(self.file, f"has no column {missing}", line=self.header_line)
        get = itemgetter(*(self.col[n] for n in names))
        try:
            rows = list(map(get, self.reader))
        except IndexError as e:
            raise Slow(self.file) from e
        except UnicodeDecodeError:
            decode_text(Path(self.fh.name).read_bytes(), self.file)  # raises, naming the line
            raise
        except csv.Error as e:
            line = self.reader.line_num + 1
            raise InputError(self.file, f"is not valid CSV ({e})", line=line) from e
        finally:
            self.fh.close()
        if self.reader.line_num != self.header_line + len(rows):
            raise Slow(self.file)  # a quoted line break: lines are not index + offset
        if not rows:
            return [[] for _ in names]
        return [list(map(str.strip, c)) for c in zip(*rows, strict=True)]


class Import:
    """One import into ``conn``: fast paths first, the slow path per file."""

    def __init__(
        self, folder: Path, conn: sqlite3.Connection, *, slow: bool = False, fork: bool = False
    ) -> None:
        self.folder, self.conn, self.force_slow, self.fork = folder, conn, slow, fork
        self.worker_cpu = 0.0
        self.force_messages_slow = False  # the worker found the fast path does not apply
        self.fids: dict[str, int] = {}
        self.others: dict[str, tuple] = {}  # non-connection persons, first seen wins
        self.conn_ids: set[str] = set()
        self.me_name = ""
        self.slow_files: list[str] = []

    def fid(self, name: str) -> int:
        if name not in self.fids:
            self.conn.execute("insert or ignore into file (name) values (?)", (name,))
            (self.fids[name],) = self.conn.execute(
                "select id from file where name = ?", (name,)
            ).fetchone()
        return self.fids[name]

    def run(self) -> dict:
        """Imports the export in one transaction; returns the rows added per table, the
        rows updated (all tables) and the files that took the slow path."""
        conn, names = self.conn, {_norm(p.stem): p for p in self.folder.glob("*.csv")}
        before = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        changes = conn.total_changes
        conn.execute("begin immediate")
        try:
            if "profile" in names:
                self.profile(names["profile"])
            worker = (
                self._start_worker(names["messages"]) if self.fork and "messages" in names else None
            )
            for kind in ("connections", "invitations", "messages"):
                if kind == "messages" and worker is not None:
                    computed = self._join_worker(*worker)
                    if computed is None:  # the fast path does not apply, or an error
                        self.one(kind, names[kind])
                    else:
                        self.messages(names[kind], computed)
                    continue
                if kind in names:
                    self.one(kind, names[kind])
            write_many(conn, OTHER_SQL, list(self.others.values()))
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        after = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        added = {t: after[t] - before[t] for t in TABLES}
        written = conn.total_changes - changes
        return {"added": added, "updated": written - sum(added.values()), "slow": self.slow_files}

    def _start_worker(self, path: Path) -> tuple[int, int]:
        """messages.csv read and aggregated by a forked process, on the other core, while
        this one does Connections.csv; its rows come back through a pipe (``marshal``)."""
        fid = self.fid(path.name)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: computes, never touches the connection, always exits
            status = 1
            try:
                os.close(read)
                try:
                    data = marshal.dumps(self.message_rows(path, fid))
                except Slow:
                    data = b""
                with os.fdopen(write, "wb") as fh:
                    fh.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return pid, read

    def _join_worker(self, pid: int, read: int) -> tuple | None:
        with os.fdopen(read, "rb") as fh:
            data = fh.read()
        _pid, status, usage = os.wait4(pid, 0)
        self.worker_cpu = usage.ru_utime + usage.ru_stime
        if status != 0:
            return None  # an error in the file: the parent reads it again and reports it
        if not data:
            self.force_messages_slow = True
            return None
        return marshal.loads(data)

    def one(self, kind: str, path: Path) -> None:
        fast = {
            "connections": self.connections,
            "messages": self.messages,
            "invitations": self.invitations,
        }.get(kind)
        if kind == "messages" and self.force_messages_slow:
            fast = None
            self.slow_files.append(path.name)
        if fast is not None and not self.force_slow:
            try:
                return fast(path)
            except Slow:
                self.slow_files.append(path.name)
        self.slow(kind, path)

    def profile(self, path: Path) -> None:
        table = read_csv_rows(
            decode_text(path.read_bytes(), path.name), path.name, header_markers=("First Name",)
        )
        for line, row in list(table.records())[:1]:
            self.me_name = li._full_name(row.get("firstname", ""), row.get("lastname", ""))
            first, last = row.get("firstname", ""), row.get("lastname", "")
            me = (self.me_name, first, last, row.get("headline", ""), self.fid(path.name), line)
            self.conn.execute(
                _upsert(
                    "profile", "id name first last headline file line", "id", "1, ?, ?, ?, ?, ?, ?"
                ),
                me,
            )

    def connections(self, path: Path) -> None:
        t = Table(path, ("firstname", "lastname"))
        cols = (
            "firstname",
            "lastname",
            "url",
            "emailaddress",
            "company",
            "position",
            "connectedon",
        )
        first, last, url, email, company, title, raw_dates = t.columns(*cols)
        line = range(t.header_line + 1, t.header_line + 1 + len(first))
        name = list(map(str.strip, map(" ".join, zip(first, last, strict=True))))
        keep = list(map(or_, map(bool, url), map(bool, name)))  # else a hidden profile
        if not all(keep):
            first, last, url, email, company, title, raw_dates, line, name = (
                list(compress(c, keep))
                for c in (first, last, url, email, company, title, raw_dates, line, name)
            )
        if "" in url:  # a name without a profile URL: keyed by name and company
            keys = list(map(li._person_key, url, name, company))
        else:
            keys = keys_of(url, name)
        ids = ids_of(keys)
        days = {d: parse_date(d) for d in set(raw_dates)}
        email = [normalize_email(e) if e else "" for e in email]
        fid = self.fid(t.file)
        rows = zip(
            ids,
            keys,
            name,
            first,
            last,
            url,
            email,
            company,
            title,
            map(days.__getitem__, raw_dates),
            repeat(fid),
            line,
            strict=False,
        )
        write_many(self.conn, PERSON_SQL, sorted(rows, key=_first))  # by id: appended to the b-tree
        self.conn_ids.update(ids)

    def messages(self, path: Path, computed: tuple | None = None) -> None:
        """messages.csv's stats and participants (``computed`` by a worker, or here)."""
        fid = self.fid(path.name)
        rows, people = computed or self.message_rows(path, fid)
        write_many(self.conn, STAT_SQL, rows)
        for pid, key, url, name, line in people:
            if pid not in self.conn_ids:
                old = self.others.get(pid)
                if old is None or (old[11] > line and old[10] == fid):
                    self.others[pid] = (pid, key, name, "", "", url, "", "", "", None, fid, line)

    def message_rows(self, path: Path, fid: int) -> tuple[list[tuple], list[tuple]]:
        """The ``message_stat`` rows (sorted by id) and the participants, without writing."""
        t = Table(path, ("from", "to"))
        cols = ("conversationid", "from", "senderprofileurl", "to", "recipientprofileurls", "date")
        convs, senders, surls, tos, turls, dates = t.columns(*cols)
        if "" in surls or not _UTC_STAMPS.fullmatch("\n".join(dates) + "\n" if dates else ""):
            raise Slow(t.file)
        out = self._outgoing(convs, senders, surls)
        lines = range(t.header_line + 1, t.header_line + 1 + len(dates))
        inn = list(map(not_, out))
        stats = {"in": Stats(*(list(compress(c, inn)) for c in (surls, senders, dates, lines)))}
        o_urls, o_names, o_dates, o_lines = (
            list(compress(c, out)) for c in (turls, tos, dates, lines)
        )
        group = list(map(contains, o_urls, repeat(",")))
        if "" in o_urls:
            raise Slow(t.file)
        single = list(map(not_, group))
        stats["out"] = Stats(
            *(list(compress(c, single)) for c in (o_urls, o_names, o_dates, o_lines))
        )
        for to, to_url, at, line in compress(
            zip(o_names, o_urls, o_dates, o_lines, strict=True), group
        ):
            stats["out"].fold(_split_people(to, to_url), at, line)
        rows: list[tuple] = []
        people: list[tuple] = []
        for direction, st in stats.items():  # every check before the first write
            urls = list(st.count)
            names, lines_ = (
                list(map(st.name.__getitem__, urls)),
                list(map(st.line.__getitem__, urls)),
            )
            firsts, lasts = (
                list(map(st.first.__getitem__, urls)),
                list(map(st.last.__getitem__, urls)),
            )
            keys = keys_of(urls, names)
            if len(set(keys)) != len(keys):
                raise Slow(t.file)  # two URL texts, one person: merged by the slow path
            if not _days_exist(chain(firsts, lasts)):
                raise Slow(t.file)  # a day that does not exist: parsed row by row
            ids = ids_of(keys)
            counts = map(st.count.__getitem__, urls)
            rows += zip(
                ids,
                repeat(direction),
                counts,
                _iso(firsts),
                _iso(lasts),
                repeat(fid),
                lines_,
                strict=False,
            )
            people += zip(ids, keys, urls, names, lines_, strict=True)
        return sorted(rows, key=_first), people

    def invitations(self, path: Path) -> None:
        """2,500 rows: a plain loop, rows written by one ``executemany`` per table."""
        t = Table(path, ("from", "to"))
        cols = (
            "from",
            "to",
            "sentat",
            "message",
            "direction",
            "inviterprofileurl",
            "inviteeprofileurl",
        )
        senders, tos, sent, notes, directions, from_urls, to_urls = t.columns(*cols)
        fid, line0 = self.fid(t.file), t.header_line + 1
        days = {d: parse_date(d) for d in set(sent)}
        requests, invited = [], []
        for i, direction in enumerate(map(str.upper, directions)):
            if direction == "INCOMING":
                name, url = senders[i], from_urls[i]
                key = li._person_key(url, name)
                slug = key[3:] if key.startswith("in/") else ""
                rid = stable_id("req", "slug", slug) if slug else Request(name, url).id
                requests.append(
                    (
                        rid,
                        stable_id(SOURCE, key),
                        name,
                        url,
                        notes[i],
                        days[sent[i]],
                        fid,
                        line0 + i,
                    )
                )
            elif direction == "OUTGOING":
                name, url = tos[i], to_urls[i]
                key = li._person_key(url, name)
                pid = stable_id(SOURCE, key)
                invited.append((pid, days[sent[i]] or "", notes[i][:300], fid, line0 + i))
                if pid not in self.conn_ids and pid not in self.others:
                    self.others[pid] = (
                        pid,
                        key,
                        name,
                        "",
                        "",
                        url,
                        "",
                        "",
                        "",
                        None,
                        fid,
                        line0 + i,
                    )
        write_many(self.conn, REQUEST_SQL, requests)
        write_many(self.conn, INVITATION_SQL, invited)

    def _outgoing(self, convs: list[str], senders: list[str], surls: list[str]) -> list[bool]:
        """Per row, whether the user sent it (``_me_keys``: the user's name, and the
        participant of most conversations)."""
        pairs = dict.fromkeys(zip(convs, surls, strict=True))  # (conversation, participant)
        counts = Counter(map(itemgetter(1), pairs))
        me_keys = {self.me_name.lower()} if self.me_name else set()
        if counts:
            top = heapq.nlargest(2, counts.values())
            if len(top) == 2 and top[0] == top[1]:
                raise Slow("messages.csv")  # a tie: the slow path breaks it as havewemet does
            url, n = counts.most_common(1)[0]
            if n >= max(2, len(set(map(itemgetter(0), pairs))) // 2):
                me_keys.add(url.lower())
        me_urls = {u for u in counts if u.lower() in me_keys}
        me_names = {s for s in dict.fromkeys(senders) if s.lower() in me_keys}
        return list(map(or_, map(me_urls.__contains__, surls), map(me_names.__contains__, senders)))

    def slow(self, kind: str, path: Path) -> None:
        """havewemet's transformer for this file, its records written as the same rows."""
        order, fn, markers = li._FILES[kind]
        text = decode_text(path.read_bytes(), path.name)
        batch = ImportBatch(source=SOURCE, kind="linkedin", path=str(self.folder))
        if self.me_name:
            li._me(batch).name = self.me_name
        fn(
            read_csv_rows(text, path.name, header_markers=markers),
            batch,
            li.FileReport(path.name, kind),
        )
        fid = self.fid(path.name)
        conn_key = {x.identity_key: x.at for x in batch.interactions if x.kind == "connected"}
        rows = []
        for ident in batch.identities:
            pid = ident.id
            urls, emails = ident.urls[:1] or [""], ident.emails[:1] or [""]
            names = (ident.name, ident.first_name, ident.last_name)
            row = (pid, ident.key, *names, urls[0], emails[0], ident.company, ident.title)
            row += (conn_key.get(ident.key), fid, ident.line)
            if ident.key in conn_key:
                rows.append(row)
                self.conn_ids.add(pid)
            elif pid not in self.conn_ids and pid not in self.others:
                self.others[pid] = row
        self.conn.executemany(PERSON_SQL, rows)
        for x in batch.interactions:
            pid = stable_id(SOURCE, x.identity_key)
            if x.kind == "message":
                first = x.detail.removeprefix("first ") or None
                self.conn.execute(STAT_SQL, (pid, x.direction, x.count, first, x.at, fid, x.line))
            elif x.kind == "invitation":
                self.conn.execute(INVITATION_SQL, (pid, x.at or "", x.detail, fid, x.line))
        for r in batch.requests:
            pid = stable_id(SOURCE, li._person_key(r.profile_url, r.name))
            self.conn.execute(
                REQUEST_SQL, (r.id, pid, r.name, r.profile_url, r.note, r.sent_at, fid, r.line)
            )


class Stats:
    """One direction's messages per URL: count, first and last date, and the line and
    name of the first message; by C loops (the raw ``YYYY-MM-DD HH:MM:SS UTC`` texts
    sort as the dates do)."""

    def __init__(
        self, urls: list[str], names: list[str], dates: list[str], lines: list[int]
    ) -> None:
        self.count = Counter(urls)
        at = dict(zip(reversed(urls), range(len(urls) - 1, -1, -1), strict=True))  # first index
        self.line = dict(zip(at, map(lines.__getitem__, at.values()), strict=True))
        self.name = dict(zip(at, map(names.__getitem__, at.values()), strict=True))
        by_date = sorted(range(len(dates)), key=dates.__getitem__)
        u, d = list(map(urls.__getitem__, by_date)), list(map(dates.__getitem__, by_date))
        self.last = dict(zip(u, d, strict=True))
        self.first = dict(zip(reversed(u), reversed(d), strict=True))

    def fold(self, people: list[tuple[str, str]], at: str, line: int) -> None:
        """One group message's recipients (plain Python: a few per cent of the rows)."""
        for name, url in people:
            if url not in self.count:
                self.count[url], self.first[url], self.last[url] = 1, at, at
                self.line[url], self.name[url] = line, name
                continue
            self.count[url] += 1
            self.first[url], self.last[url] = min(self.first[url], at), max(self.last[url], at)
            if line < self.line[url]:
                self.line[url], self.name[url] = line, name


def _iso(stamps: list[str]) -> map:
    """``2025-03-01 10:00:00 UTC`` as ``2025-03-01T10:00:00`` (what parse_date gives)."""
    return map(itemgetter(slice(0, 19)), map(methodcaller("replace", " ", "T", 1), stamps))


def _days_exist(stamps) -> bool:
    return all(parse_date(f"{d} 00:00:00 UTC") for d in set(map(itemgetter(slice(0, 10)), stamps)))


def import_export(folder: Path, db: Path | str, *, slow: bool = False, fork: bool = False) -> dict:
    """Imports ``folder`` into the SQLite file ``db`` (created if new)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(SCHEMA)
    conn.execute("pragma journal_mode=wal")
    conn.execute("pragma synchronous=normal")
    result = Import(folder, conn, slow=slow, fork=fork).run()
    conn.close()
    return result


# -- checked against havewemet's own import --------------------------------------------

REF_IDENTITIES = (
    "select id, key, name, first_name, last_name, coalesce(json_extract(urls, '$[0]'), ''), "
    "coalesce(json_extract(emails, '$[0]'), ''), company, title, connected_on, line "
    "from identities where source = 'linkedin'"
)
PROTO_IDENTITIES = (
    "select id, key, name, first, last, url, email, company, title, connected_on, line from person"
)
REF_INTERACTIONS = (
    "select identity_id, kind, at, direction, detail, count, line from interactions "
    "where source = 'linkedin'"
)
PROTO_INTERACTIONS = (
    "select id, 'connected', connected_on, 'both', '', 1, line from person "
    "where connected_on is not null union all "
    "select person_id, 'message', last_at, direction, 'first ' || first_at, count, line "
    "from message_stat union all "
    "select person_id, 'invitation', at, 'out', detail, 1, line from invitation"
)
REF_REQUESTS = "select id, name, profile_url, note, sent_at, line, status = 'pending' from requests"
PROTO_REQUESTS = (
    "select r.id, r.name, r.url, r.note, r.sent_at, r.line, p.connected_on is null "
    "from request r left join person p on p.id = r.person_id"
)


def check(folder: Path, *, slow: bool = False, fork: bool = False) -> bool:
    """The prototype's rows against a store written by ``Store.save(read_source(...))``,
    column by column (file names aside: the store keeps the display name, the
    prototype a file id); then a re-import that must change nothing."""
    from havewemet.importers import read_source
    from havewemet.store import Store

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ref = Store.open(Path(tmp) / "ref.db")
        ref.save(read_source(folder))
        db = Path(tmp) / "proto.db"
        first = import_export(folder, db, slow=slow, fork=fork)
        again = import_export(folder, db, slow=slow, fork=fork)
        proto = sqlite3.connect(db)
        for what, ref_sql, proto_sql in (
            ("identities", REF_IDENTITIES, PROTO_IDENTITIES),
            ("interactions", REF_INTERACTIONS, PROTO_INTERACTIONS),
            ("requests", REF_REQUESTS, PROTO_REQUESTS),
        ):
            a = set(ref._db.execute(ref_sql).fetchall())
            b = set(proto.execute(proto_sql).fetchall())
            same = a == b
            ok &= same
            print(
                f"{what}: havewemet {len(a):,}, prototype {len(b):,}: "
                + ("same" if same else "DIFFERENT")
            )
            for row in sorted(a - b, key=repr)[:3]:
                print("  only havewemet:", row)
            for row in sorted(b - a, key=repr)[:3]:
                print("  only prototype:", row)
        proto.close()
        ref.close()
    print(
        f"{'slow path' if slow else 'forked' if fork else 'one process'}: "
        f"first import {first}; re-import {again}"
    )
    ok &= again["updated"] == 0 and not any(again["added"].values())
    print("check:", "PASS" if ok else "FAIL")
    return ok


# -- timing: fresh processes, interleaved ------------------------------------------------


def _do_proto2(path: Path) -> dict:
    """The prototype with messages.csv done by a forked worker (two cores)."""
    return _do_proto(path, fork=True)


def _do_proto(path: Path, *, fork: bool = False) -> dict:
    import _harness

    db = Path(tempfile.mkdtemp(prefix="hwm-proto-")) / "proto.db"
    try:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.executescript(SCHEMA)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=normal")
        gc.disable()  # as havewemet.importers.linkedin does (havewemet._gc)
        _harness.mark_start()
        work = Import(path, conn, fork=fork)
        result = work.run()
        conn.close()
        return {**result, "worker_cpu_s": work.worker_cpu}
    finally:
        for p in db.parent.iterdir():
            p.unlink()
        db.parent.rmdir()


class _Recorder:
    """A connection that passes everything on and keeps each ``executemany``'s rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.writes = conn, []

    def __getattr__(self, name: str):
        return getattr(self.conn, name)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        rows = list(rows)
        self.writes.append((sql, rows))
        return self.conn.executemany(sql, rows)


def _do_floor(path: Path) -> dict:
    """The floor of this design: the bare parse, then the prototype's own rows (built
    before the clock) written by its ``executemany`` calls into a fresh file, in one
    transaction. Every transform (ids, keys, dates, aggregation) costs nothing here."""
    import _harness
    import import_linkedin

    with tempfile.TemporaryDirectory() as tmp:
        rec = _Recorder(sqlite3.connect(":memory:", isolation_level=None))
        rec.executescript(SCHEMA)
        Import(path, rec).run()  # type: ignore[arg-type]
        conn = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        conn.executescript(SCHEMA)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=normal")
        gc.disable()
        _harness.mark_start()
        import_linkedin._do_csv(path)
        conn.execute("begin immediate")
        for sql, rows in rec.writes:
            conn.executemany(sql, rows)
        conn.execute("commit")
        conn.close()
    return {"rows": sum(len(rows) for _sql, rows in rec.writes)}


def _child(argv: list[str]) -> None:
    import _harness
    import import_linkedin

    works = {
        "proto": _do_proto,
        "proto2": _do_proto2,
        "csv": import_linkedin._do_csv,
        "import": import_linkedin._do_import,
        "floor": _do_floor,
    }
    _harness.child_main(works, argv)


def _table(results: dict[str, list[dict]]) -> None:
    """Best and median of each measure, and their ratio to the bare parse's. ``cpu_s``
    counts the forked worker's CPU too (``proto2``)."""
    for runs in results.values():
        for r in runs:
            r["cpu_s"] += r.get("worker_cpu_s", 0.0)
    base = results["csv"]
    for field in ("seconds", "cpu_s"):
        print(
            f"\n{'CPU (all processes)' if field == 'cpu_s' else 'wall'} seconds, "
            f"{len(base)} runs each"
        )
        b_best, b_med = min(r[field] for r in base), statistics.median(r[field] for r in base)
        for kind, runs in results.items():
            vals = sorted(r[field] for r in runs)
            best, med = vals[0], statistics.median(vals)
            print(
                f"  {kind:7s} best {best:.3f} median {med:.3f} (max {vals[-1]:.3f})  "
                f"ratio to bare parse: best {best / b_best:.2f}x median {med / b_med:.2f}x"
            )
    for kind in [k for k in results if k != "csv"]:
        pairs = [p["seconds"] / c["seconds"] for p, c in zip(results[kind], base, strict=True)]
        print(
            f"{kind}/csv wall, run by run (adjacent runs): median {statistics.median(pairs):.2f}x, "
            f"min {min(pairs):.2f}x, max {max(pairs):.2f}x"
        )


def _counted(kind: str, path: Path) -> None:
    """The prototype's or the bare parse's work alone inside ``functools.reduce``, for
    ``valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce``
    (as ``bench/import_linkedin.py --_counted`` does for havewemet's import)."""
    import functools

    import import_linkedin

    with tempfile.TemporaryDirectory() as tmp:
        rec = _Recorder(sqlite3.connect(":memory:", isolation_level=None))
        if kind == "floor":  # the rows built before counting starts
            rec.executescript(SCHEMA)
            Import(path, rec).run()  # type: ignore[arg-type]
        conn = sqlite3.connect(Path(tmp) / "proto.db", isolation_level=None)
        conn.executescript(SCHEMA)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=normal")
        gc.disable()

        def floor(_a: object, _b: object) -> None:
            import_linkedin._do_csv(path)
            conn.execute("begin immediate")
            for sql, rows in rec.writes:
                conn.executemany(sql, rows)
            conn.execute("commit")

        work = {
            "proto": lambda _a, _b: Import(path, conn).run(),
            "csv": lambda _a, _b: import_linkedin._do_csv(path),
            "floor": floor,
        }[kind]
        functools.reduce(work, [0, 0])
        conn.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_child":
        _child(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--_counted":  # proto|csv|floor FOLDER
        _counted(sys.argv[2], Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="an unzipped export (bench/import_linkedin.py --out)")
    ap.add_argument("--runs", type=int, default=9, help="timed runs of each (default 9)")
    ap.add_argument("--no-import", action="store_true", help="do not time havewemet's import")
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--slow", action="store_true", help="check the slow path alone")
    args = ap.parse_args()
    if not all(
        check(args.folder, slow=args.slow, fork=f)
        for f in ((False,) if args.slow else (False, True))
    ):
        raise SystemExit(1)
    if args.check_only:
        return
    import _harness

    kinds = ["csv", "proto", "proto2", "floor"] + ([] if args.no_import else ["import"])
    results: dict[str, list[dict]] = {k: [] for k in kinds}
    for i in range(args.runs):
        for kind in kinds[i % len(kinds) :] + kinds[: i % len(kinds)]:  # rotate the order
            results[kind].append(_harness._run(__file__, kind, args.folder))
    print("slow path taken for:", results["proto"][-1]["slow"] or "nothing")
    _table(results)


if __name__ == "__main__":
    main()
