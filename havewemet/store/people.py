"""The SQL of grouping identities into people (issue 12): which identities an import
left ungrouped, the members of people, and partial writes of a grouping, so that an
import regroups only what it touched. ``store.groups`` is one :class:`PeopleGroups`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

import sqlite_utils

from havewemet.store.rows import chunks

#: From this many identities grouped at once, :meth:`PeopleGroups.assign` writes them
#: through a temporary table.
_BULK = 1_000


class PeopleGroups:
    """Reads and writes of ``identities.person_id`` and the ``people`` table."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        transaction: Callable[[], AbstractContextManager[sqlite_utils.Database]],
    ):
        self._db = db
        self._transaction = transaction

    def ungrouped(self) -> list[str]:
        """Identities that no grouping has placed yet (new since the last import)."""
        return [
            r[0]
            for r in self._db.execute(
                "select id from identities where person_id is null or person_id = '' order by id"
            )
        ]

    def ungroup(self, ids: Iterable[str], *, leaving: Iterable[str] = ()) -> int:
        """Mark the people of ``ids`` for grouping again (issue 12: an identity whose
        name or addresses changed, or one about to be forgotten, may have been what held
        its person together): every member's ``person_id`` is cleared and the people
        rows go, so the next grouping places them afresh; ``leaving`` (identities about
        to be deleted) are not marked. Runs in the caller's transaction. Returns how
        many identities were marked."""
        ids = list(ids)
        if not ids:
            return 0
        people: set[str] = set()
        alone: list[str] = []
        for chunk in chunks(ids, 900):
            marks = ", ".join("?" * len(chunk))
            for iid, pid in self._db.execute(
                f"select id, person_id from identities where id in ({marks})", chunk
            ):
                if pid:
                    people.add(pid)
                else:
                    alone.append(iid)
        skip = set(leaving)
        marked = [i for i in alone if i not in skip]
        for members in self.members(people).values():
            marked += [i for i in members if i not in skip]
        for chunk in chunks(sorted(people), 900):
            marks = ", ".join("?" * len(chunk))
            self._db.execute(f"delete from people where id in ({marks})", chunk)
        self._db.conn.executemany(
            "update identities set person_id = null where id = ?", [(i,) for i in marked]
        )
        return len(marked)

    def of_source(self, source: str) -> list[str]:
        """The identities one source gave."""
        return [
            r[0] for r in self._db.execute("select id from identities where source = ?", [source])
        ]

    def person_of(self, ids: Iterable[str]) -> dict[str, str]:
        """``identity id -> person id`` for the given identities that have one."""
        out: dict[str, str] = {}
        for chunk in chunks(list(ids), 900):
            marks = ", ".join("?" * len(chunk))
            for iid, pid in self._db.execute(
                f"select id, person_id from identities where id in ({marks}) "
                "and person_id is not null and person_id != ''",
                chunk,
            ):
                out[iid] = pid
        return out

    def members(self, person_ids: Iterable[str]) -> dict[str, list[str]]:
        """``person id -> identity ids`` for the given people."""
        out: dict[str, list[str]] = {}
        for chunk in chunks(list(person_ids), 900):
            marks = ", ".join("?" * len(chunk))
            for iid, pid in self._db.execute(
                f"select id, person_id from identities where person_id in ({marks}) order by id",
                chunk,
            ):
                out.setdefault(pid, []).append(iid)
        return out

    def assign(self, person_of: dict[str, str], gone: Iterable[str] = ()) -> None:
        """Write part of a grouping: each given identity's person, the ``people`` rows of
        the people they now form (name: the longest of their names; size), and remove
        the people in ``gone`` (merged into others), in one transaction."""
        if not person_of:
            return
        with self._transaction() as db:
            if len(person_of) >= _BULK and sqlite3.sqlite_version_info >= (3, 33):
                # Many at once (a first import): one UPDATE ... FROM a temporary table
                # takes half the time of an UPDATE per identity.
                db.execute(
                    "create temp table if not exists assigned "
                    "(id text primary key, person_id text) without rowid"
                )
                db.conn.executemany("insert into temp.assigned values (?, ?)", person_of.items())
                db.execute(
                    "update identities set person_id = a.person_id from temp.assigned a "
                    "where a.id = identities.id"
                )
                db.execute("delete from temp.assigned")
            else:
                db.conn.executemany(
                    "update identities set person_id = ? where id = ?",
                    [(p, i) for i, p in person_of.items()],
                )
            gone = list(gone)
            for chunk in chunks(gone, 900):
                marks = ", ".join("?" * len(chunk))
                db.execute(f"delete from people where id in ({marks})", chunk)
            touched = sorted(set(person_of.values()))
            for chunk in chunks(touched, 900):
                marks = ", ".join("?" * len(chunk))
                db.execute(
                    "insert or replace into people (id, name, identities) "
                    "select person_id, (select name from identities j where j.person_id = "
                    "i.person_id order by length(name) desc, id limit 1), count(*) "
                    f"from identities i where person_id in ({marks}) group by person_id",
                    chunk,
                )


__all__ = ["PeopleGroups"]
