"""The LinkedIn export's ``messages.csv``: one interaction per person and direction
(how many messages, the first and the last), the people as identities.

Registered with :func:`havewemet.importers.linkedin.export_file` when
:mod:`havewemet.importers.linkedin` is imported (it imports this module last).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from havewemet.importers._io import CsvRows, Undated, parse_date
from havewemet.importers.linkedin.export import (
    SOURCE,
    export_file,
    me_identity,
    person_key,
    require_columns,
)
from havewemet.models import (
    Direction,
    FileReport,
    Identity,
    ImportBatch,
    Interaction,
    OwnIdentifier,
)
from havewemet.normalize import profile_slug

# messages.csv's own date shape, ``2025-03-01 10:00:00 UTC``, one a line, in ASCII
# digits with a valid time of day. For such a date parse_date gives the same text
# rearranged (``2025-03-01T10:00:00``) when the day exists, None when it does not;
# so the raw texts sort as the parsed ones do, and only each person's earliest and
# latest need parsing (issue 2: 50,000 dates parsed one by one).
_UTC_STAMPS = re.compile(
    r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC\n)*"
)

# One slot per person and direction: [name, url, count, first, last, line].
Slot = list


def _split_people(names: str, urls: str) -> list[tuple[str, str]]:
    url_list = [u.strip() for u in urls.split(",") if u.strip()]
    if len(url_list) <= 1:
        return [(names.strip(), url_list[0] if url_list else "")]
    name_list = [n.strip() for n in names.split(",")]
    if len(name_list) != len(url_list):
        name_list = [""] * len(url_list)
    return list(zip(name_list, url_list, strict=True))


def _me_keys(batch: ImportBatch, convs: list[str], senders: list[str], urls: list[str]) -> set:
    """The user's name and (lower-cased) the participant present in most conversations
    (the first to appear of those tied)."""
    me = me_identity(batch)
    # Participants in order of appearance (not sets: a tie must not be broken by
    # string hashes, which change from one process to the next).
    per_conv: dict[str, dict[str, None]] = defaultdict(dict)
    for conv, sender, sender_url in zip(convs, senders, urls, strict=True):
        per_conv[conv][sender_url or sender] = None
    counts = Counter(p for people in per_conv.values() for p in people)
    me_keys = {me.name.lower()} if me.name else set()
    if counts:
        top, n = counts.most_common(1)[0]
        if n >= max(2, len(per_conv) // 2):
            me_keys.add(top.lower())
    return me_keys


def _own_profile(table: CsvRows, batch: ImportBatch, senders: list[str], urls: list[str]) -> None:
    """The user's own profile address: the sender URL of the messages written under the
    user's name (``Profile.csv``), kept as theirs (issue 12). Not the participant of
    most conversations: with two conversations with one person, that may be them."""
    me = me_identity(batch)
    name = " ".join(me.name.lower().split())
    if not name:
        return
    for line, sender, url in zip(table.lines, senders, urls, strict=True):
        if url and " ".join(sender.lower().split()) == name:
            slug = profile_slug(url)
            if slug:
                if url not in me.urls:
                    me.urls.append(url)
                batch.own.append(OwnIdentifier("profile", slug, table.file, line))
            return


def _aggregate(
    table: CsvRows,
    columns: tuple[list[str], ...],
    ats: list,
    me_keys: set,
    last_key: str | None,
) -> tuple[list[tuple[str, Direction, Slot]], list[Identity]]:
    """Each person's messages summed per direction, in order of their first message;
    and the identities to add (a person not just added before)."""
    senders, sender_urls, tos, to_urls = columns
    # A row is the user's when its sender's URL or name, lower-cased, is in me_keys.
    me_urls = {u for u in dict.fromkeys(sender_urls) if u.lower() in me_keys}
    me_names = {n for n in dict.fromkeys(senders) if n.lower() in me_keys}
    agg: dict[Direction, dict[str, Slot]] = {"in": {}, "out": {}}
    order: list[tuple[str, Direction, Slot]] = []
    added: list[Identity] = []
    url_keys: dict[str, str] = {}  # the same people write again and again; with a
    name_keys: dict[str, str] = {}  # URL the key does not depend on the name
    split: dict[tuple[str, str], list[tuple[str, str]]] = {}
    direction: Direction
    for line, sender, sender_url, to, to_url, at in zip(
        table.lines, senders, sender_urls, tos, to_urls, ats, strict=True
    ):
        if sender_url in me_urls or sender in me_names:
            people = split.get((to, to_url))
            if people is None:
                people = split[(to, to_url)] = _split_people(to, to_url)
            direction = "out"
        else:
            people = [(sender, sender_url)]
            direction = "in"
        slots = agg[direction]
        for name, url in people:
            if url:
                key = url_keys.get(url)
                if key is None:
                    key = url_keys[url] = person_key(url, name)
            elif name:
                key = name_keys.get(name)
                if key is None:
                    key = name_keys[name] = person_key(url, name)
            else:
                continue
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = [name, url, 0, at, at, line]
                order.append((key, direction, slot))
                if last_key != key:
                    added.append(
                        Identity(
                            SOURCE,
                            key,
                            name=name,
                            urls=[url] if url else [],
                            file=table.file,
                            line=line,
                        )
                    )
                    last_key = key
            slot[2] += 1
            if at:
                if slot[3] is None or at < slot[3]:
                    slot[3] = at
                if slot[4] is None or at > slot[4]:
                    slot[4] = at
    return order, added


def _parse_stamps(order: list[tuple[str, Direction, Slot]]) -> bool:
    """Each slot's raw first and last dates (all of _UTC_STAMPS' shape) as parse_date
    gives them; False, leaving the slots half done, if a day does not exist."""
    days: dict[str, bool] = {}
    for _key, _direction, slot in order:
        for i in (3, 4):
            raw = slot[i]
            day = raw[:10]
            ok = days.get(day)
            if ok is None:
                ok = days[day] = parse_date(f"{day} 00:00:00 UTC") is not None
            if not ok:
                return False
            slot[i] = f"{day}T{raw[11:19]}"
    return True


@export_file(
    "messages",
    order=30,
    markers=("From", "To"),
    signature=("Conversation ID", "From", "Sender Profile URL", "To", "Date"),
)
def _messages(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    require_columns(table, "From", "To", "Date")
    convs, senders, sender_urls, tos, to_urls, dates = map(
        table.column,
        ("conversationid", "from", "senderprofileurl", "to", "recipientprofileurls", "date"),
    )
    me_keys = _me_keys(batch, convs, senders, sender_urls)
    _own_profile(table, batch, senders, sender_urls)
    columns = (senders, sender_urls, tos, to_urls)
    last_key = batch.identities[-1].key if batch.identities else None
    # Only each person's earliest and latest dates are kept: found on the raw texts
    # when they all have messages.csv's own shape, else parsed row by row.
    order = None
    if _UTC_STAMPS.fullmatch("\n".join(dates) + "\n" if dates else ""):
        order, added = _aggregate(table, columns, dates, me_keys, last_key)
        if not _parse_stamps(order):
            order = None  # a day that does not exist (2025-02-30): parsed row by row
    if order is None:
        ats = list(map(parse_date, dates))
        undated = Undated(table, "Date")
        for line, raw, at in zip(table.lines, dates, ats, strict=True):
            undated.check(line, raw, at)
        undated.warn(batch)
        order, added = _aggregate(table, columns, ats, me_keys, last_key)
    batch.identities += added
    report.identities += len(added)
    for key, direction, (_name, _url, n, first, last, line) in order:
        batch.interactions.append(
            Interaction(
                SOURCE,
                key,
                "message",
                last,
                direction,
                f"first {first}" if first else "",
                table.file,
                line,
                count=n,
            )
        )
    report.interactions += len(order)
