"""Who the user is (issue 12): their own identifiers, kept in ``own_identifiers``
(``kind, value, source, how, file, line, is_primary, seen_at``), and the identities
that are theirs, flagged ``identities.own``.

A mixin of :class:`havewemet.store.Store`. An identifier is an e-mail address
(normalised), a phone (E.164), a LinkedIn profile slug, a name or a handle; ``how``
says where it came from: ``file`` (a LinkedIn export's ``Email Addresses.csv``,
``Profile.csv``, ``PhoneNumbers.csv``, the user's own messages), ``--me`` (given to an
import or to ``havewemet me --add``), ``guessed`` (a mail import's sure guess of the
mailbox's owner) or ``removed`` (``havewemet me --remove``: not the user's, whatever a
source says, until added again).

An identity whose e-mail, phone or profile is one of the user's is the user (an
address-book card of themselves, their own profile on an attendee list): it stays
in the store, flagged, and is never offered as someone the user knows. The flags are
set again whenever the identifiers change and on every import of a source.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

import sqlite_utils

from havewemet.models import ImportBatch, OwnIdentifier, OwnKind
from havewemet.normalize import normalize_email, profile_slug
from havewemet.store.rows import now as _now

#: The user's identifiers in force: every kept one that was not removed. Only e-mails,
#: phones and profiles tell that an identity is the user's (names and handles do not:
#: a namesake is someone else, and a handle is unique only on its own network).
_MINE = """select kind, value from own_identifiers o where how != 'removed'
           and not exists (select 1 from own_identifiers r where r.how = 'removed'
                           and r.kind = o.kind and r.value = o.value)"""

_IS_OWN = """(exists (select 1 from json_each(identities.emails) e
                       where e.value in (select value from mine where kind = 'email'))
               or (slug != '' and slug in (select value from mine where kind = 'profile'))
               or exists (select 1 from json_each(identities.phones) p
                          where p.value in (select value from mine where kind = 'phone')))"""


def mark_own(conn: sqlite3.Connection, source: str | None = None) -> int:
    """Flag (``identities.own``) the identities that are the user's and unflag those
    that no longer are, of one source or of all; returns how many changed."""
    where = "and source = ?" if source is not None else ""
    sql = (
        f"with mine as ({_MINE}) update identities set own = 1 - own where own != {_IS_OWN} {where}"
    )
    before = conn.total_changes
    conn.execute(sql, [source] if source is not None else [])
    return conn.total_changes - before  # (rowcount is -1 for a statement with WITH)


def own_of(batch: ImportBatch) -> list[OwnIdentifier]:
    """What a batch says of the user: its ``own`` identifiers, else those of the profile
    it names (an X archive's ``account.js``, a Facebook profile), from its file and line."""
    if batch.own or batch.me is None:
        return batch.own
    me = batch.me
    own: list[tuple[OwnKind, str]] = [("email", e) for e in map(normalize_email, me.emails)]
    own += [("phone", p) for p in me.phones]
    own += [("profile", s) for s in map(profile_slug, me.urls)]
    own += [("name", me.name)] if " " in me.name.strip() else []
    own += [("handle", h) for h in me.handles]
    return [OwnIdentifier(k, v, me.file, me.line) for k, v in dict.fromkeys(own) if v]


class StoreOwn:
    _db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[sqlite_utils.Database]]

    def own_identifiers(self) -> list[dict]:
        """Every kept identifier of the user (removed ones too, ``how = 'removed'``),
        by kind (e-mails first), the primary first, then by value and source."""
        return [
            dict(r)
            for r in self._db.query(
                """select kind, value, source, how, file, line, is_primary, seen_at
                   from own_identifiers order by case kind when 'email' then 0
                   when 'phone' then 1 when 'profile' then 2 when 'name' then 3 else 4 end,
                   is_primary desc, value, how = 'removed', source"""
            )
        ]

    def my_addresses(self) -> list[str]:
        """The user's e-mail addresses in force, sorted (mail and calendar imports take
        them as the user's)."""
        return sorted(
            {r[1] for r in self._db.execute(f"select * from ({_MINE}) where kind = 'email'")}
        )

    def not_my_addresses(self) -> list[str]:
        """The addresses the user said are not theirs (never guessed again)."""
        return [
            r[0]
            for r in self._db.execute(
                "select value from own_identifiers where how = 'removed' and kind = 'email' "
                "order by value"
            )
        ]

    def own_identity_ids(self) -> set[str]:
        """The identities that are the user (never offered as a match)."""
        return {r[0] for r in self._db.execute("select id from identities where own = 1")}

    def _remember_own(self, source: str, own: Iterable[OwnIdentifier]) -> bool:
        """Keep what a source (being saved) says of the user, added to what it said
        before (an import of one file of an export says less, not that the rest is
        wrong: ``havewemet me --remove`` and ``forget`` take identifiers away); returns
        whether the identifiers in force changed. Inside the save's transaction."""
        before = self._db.execute(_MINE).fetchall()
        now = _now()
        self._db.conn.executemany(
            """insert into own_identifiers (kind, value, source, how, file, line, is_primary,
               seen_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do update set
               file = excluded.file, line = excluded.line, is_primary = excluded.is_primary""",
            [
                (o.kind, o.value, source, o.how, o.file, o.line, int(o.primary), now)
                for o in own
                if o.value
            ],
        )
        return sorted(before) != sorted(self._db.execute(_MINE).fetchall())

    def add_own(self, kind: str, value: str) -> int:
        """Keep ``value`` as the user's (``havewemet me --add``), undoing a removal;
        returns how many identities were newly flagged as the user."""
        with self.transaction():
            self._db.execute(
                "delete from own_identifiers where kind = ? and value = ? and how = 'removed'",
                [kind, value],
            )
            self._db.execute(
                """insert into own_identifiers (kind, value, source, how, file, line,
                   is_primary, seen_at) values (?, ?, '', '--me', '', 0, 0, ?)
                   on conflict do nothing""",
                [kind, value, _now()],
            )
            return mark_own(self._db.conn)

    def remove_own(self, kind: str, value: str) -> int:
        """Say ``value`` is not the user's (``havewemet me --remove``): what was kept of
        it is replaced by a removal that later imports respect; returns how many
        identities are no longer flagged as the user."""
        with self.transaction():
            self._db.execute(
                "delete from own_identifiers where kind = ? and value = ?", [kind, value]
            )
            self._db.execute(
                """insert into own_identifiers (kind, value, source, how, file, line,
                   is_primary, seen_at) values (?, ?, '', 'removed', '', 0, 0, ?)""",
                [kind, value, _now()],
            )
            return mark_own(self._db.conn)
