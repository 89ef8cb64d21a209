"""iCalendar (``.ics``): a whole exported calendar (Google, Apple, Outlook/Exchange, Zimbra).

Every attendee and organiser who is not the user becomes an identity keyed by
their lower-cased address. Each *past occurrence* of an event the user took part
in becomes a ``meeting`` interaction with each other person there: the user
organised it, or accepted it (``PARTSTAT=ACCEPTED``), or the event sits in their
own calendar without any reply state for them. Recurring events are expanded
with ``recurring-ical-events`` (``RRULE``, ``RDATE``, ``EXDATE`` and
``RECURRENCE-ID`` overrides), so a weekly one-to-one counts once per week that
happened; cancelled and declined occurrences count for nothing (issue 4).

Times: ``TZID`` with its ``VTIMEZONE`` (Microsoft ids such as
``W. Europe Standard Time`` included), UTC ``Z`` and floating times (read in the
calendar's ``X-WR-TIMEZONE``, else as UTC) all end up as naive UTC ISO strings,
like every other reader; all-day events give a date.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from havewemet._lazy import lazy_module
from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._ical_time import (
    EPOCH,
    MAX_OCCURRENCES,
    as_utc_now,
    before,
    calendar_tz,
    estimated_occurrences,
    iso_utc,
    repair_rrule,
    rid_key,
    when,
)
from havewemet.importers._io import decode_text
from havewemet.importers._own import who_is_me
from havewemet.models import FileReport, Identity, ImportBatch, Interaction
from havewemet.normalize import normalize_email

if TYPE_CHECKING:
    import icalendar
    import recurring_ical_events
else:  # imported when a file of this format is read
    icalendar = lazy_module("icalendar")
    recurring_ical_events = lazy_module("recurring_ical_events")


__all__ = ["parse_calendar", "load"]

log = logging.getLogger(__name__)

_FIX = "Export the calendar again, or correct or delete that line and re-run the import"
# Properties without which an event cannot be placed in time.
_TIME_PROPS = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "EXDATE", "RDATE")
_NOT_PEOPLE = ("RESOURCE", "ROOM", "GROUP", "UNKNOWN")
_CALENDAR_ADDR = re.compile(r"@(group|resource|import)\.calendar\.google\.com$")


def _sniff(path: Path, head: bytes) -> int:
    if path.is_dir():
        return 0
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if text.startswith(b"BEGIN:VCALENDAR"):
        return 95
    return 60 if path.suffix.lower() in (".ics", ".ical", ".ifb") else 0


@register(
    "ical",
    description="iCalendar file (.ics), a whole exported calendar",
    sniff=_sniff,
    reads_me=True,
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read one ``.ics`` file (the registry's entry point)."""
    return parse_calendar(
        path.read_bytes(),
        str(path),
        now=None,
        me_emails=options.me_emails,
        known_me=options.known_me,
        not_me=options.not_me,
        source=f"ical:{path.name}",
    )


def parse_calendar(
    data: bytes,
    file: str,
    *,
    now: datetime | None = None,
    me_emails: Iterable[str] = (),
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
    source: str = "ical",
) -> ImportBatch:
    """Parse the bytes of an ``.ics`` file into identities and meetings.

    Args:
        data: the raw file (a UTF-8 BOM is fine).
        file: how messages and provenance name the file.
        now: occurrences starting after it have not happened (default: the
            current time); tests pass a fixed one.
        me_emails: the user's own addresses; without them the calendar's owner
            is guessed (a Google ``X-WR-CALNAME`` address, else the address in
            most events).
        known_me: the addresses the store remembers as the user's (issue 12).
        not_me: addresses the user said are not theirs: never guessed.
        source: the source name records carry.

    Raises:
        InputError: naming the file and line, for text that is not UTF-8, a
            line that is not an iCalendar content line, or an unreadable date.

    Examples:
        >>> ics = b"BEGIN:VCALENDAR\\r\\nEND:VCALENDAR\\r\\n"
        >>> parse_calendar(ics, "x.ics", now=datetime(2024, 1, 1)).identities
        []
    """
    now_utc = as_utc_now(now)
    text = decode_text(data, file)
    cal = _Calendar(text, file)
    batch = ImportBatch(source=source, kind="ical", path=file)
    report = FileReport(file=Path(file).name or file, kind="ical", rows=cal.read)
    for bad in cal.bad:
        batch.warnings.append(f"{bad} (this event is skipped; the others are imported)")
    me = who_is_me(
        batch,
        file,
        given=me_emails,
        known=known_me,
        refused=not_me,
        seen={e for ev in cal.events for e, _name in _people(ev)} if cal.with_people else set(),
        guess=lambda: cal.guess_owner_sure(),
        none_fix="; every attendee is counted as someone else; import again with --me YOUR@ADDRESS",
    )
    seen_people: dict[str, Identity] = {}
    seen_meetings: set[str] = set()
    skipped = cancelled = 0
    for uid, comps in cal.series().items():
        for comp in comps:
            for email, name in _people(comp):
                if email in me:
                    continue
                ident = seen_people.get(email)
                if ident is None:
                    ident = Identity(
                        source, email, name=name, emails=[email], file=file, line=cal.line_of(comp)
                    )
                    seen_people[email] = ident
                    batch.identities.append(ident)
                elif not ident.name and name:
                    ident.name = name
        try:
            occurrences = list(cal.occurrences(uid, comps, now_utc))
        except _BadSeries as e:
            skipped += 1
            batch.warnings.append(f"{file}, line {e.line}: {e} (this event is skipped)")
            continue
        for occ, start in occurrences:
            if str(occ.get("STATUS", "")).upper() == "CANCELLED":
                cancelled += 1
                continue
            if not _took_part(occ, me):
                continue
            at, summary = iso_utc(start, cal.floating_tz), str(occ.get("SUMMARY", "")).strip()
            line = cal.line_of(occ, uid)
            for email, _name in _people(occ, attended_only=True):
                if email in me:
                    continue
                inter = Interaction(source, email, "meeting", at, "both", summary, file, line)
                if inter.id not in seen_meetings:
                    seen_meetings.add(inter.id)
                    batch.interactions.append(inter)
    report.identities, report.interactions = len(batch.identities), len(batch.interactions)
    notes = [f"{cancelled} cancelled occurrences"] if cancelled else []
    if skipped:
        notes.append(f"{skipped} events with unreadable recurrence skipped")
    if cal.bad:
        n = len(cal.bad)
        notes.append(f"{n} event{'s' * (n > 1)} with an unreadable date skipped")
    report.note = "; ".join(notes)
    batch.files.append(report)
    return batch


class _BadSeries(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class _Calendar:
    """The parsed calendar with the line each VEVENT starts on (for provenance)."""

    def __init__(self, text: str, file: str):
        self.text, self.file = text, file
        try:
            cals = icalendar.Calendar.from_ical(text, multiple=True)
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise self._error(str(e)) from e
        if text.strip() and not cals:
            raise InputError(
                file,
                "holds no BEGIN:VCALENDAR",
                line=1,
                fix="Check that this is an iCalendar (.ics) export",
            )
        self.calendars = cals
        # A calendar icalendar could not type (a stray folded line first) has no events.
        self.events = [ev for c in cals for ev in getattr(c, "events", [])]
        starts = [
            n for n, ln in enumerate(text.splitlines(), 1) if ln.strip().upper() == "BEGIN:VEVENT"
        ]
        if len(starts) != len(self.events):
            starts = [0] * len(self.events)
        self._lines = {id(ev): n for ev, n in zip(self.events, starts, strict=True)}
        self._by_rid: dict[tuple[str, str], int] = {}
        self._master_line: dict[str, int] = {}
        self.floating_tz = calendar_tz(cals)
        # One event with an unreadable date does not sink the calendar (issue 13): it
        # is left out with a warning naming its line; a calendar of nothing else is
        # refused whole.
        self.bad: list[InputError] = []
        kept = []
        for ev in self.events:
            bad = self._check(ev)
            if bad is None:
                kept.append(ev)
            else:
                self.bad.append(bad)
        if self.bad and not kept:
            raise self.bad[0]
        self.read = len(self.events)
        self.events = kept

    def _error(self, message: str, prop: str = "", start: int = 0) -> InputError:
        """An InputError at the offending line, searched from line ``start``."""
        line = _find_line(self.text, _quoted(message), start, prop=prop)
        message = message.split(": Invalid content line")[0]
        return InputError(
            self.file, f"is not valid iCalendar ({message})", line=line or None, fix=_FIX
        )

    def _check(self, ev: icalendar.Event) -> InputError | None:
        """The error of an event whose date cannot be read (None if it reads); raises
        for a line that is not iCalendar at all."""
        start = self._lines.get(id(ev), 0)
        for prop, message in ev.errors:
            if prop is None:
                raise self._error(message, start=start)
            if prop.upper() == "RRULE":
                repair_rrule(ev)
            elif prop.upper() in _TIME_PROPS:
                return self._error(f"{prop}: {message}", prop=prop, start=start)
        for prop in ("DTSTART", "RECURRENCE-ID"):
            try:
                if prop in ev:
                    when(ev, prop)  # raises on a broken value
            except (ValueError, AttributeError) as e:
                return self._error(f"{prop}: {e}", prop=prop, start=start)
        if "RECURRENCE-ID" in ev:
            self._by_rid[(str(ev.get("UID", "")), rid_key(when(ev, "RECURRENCE-ID")))] = start
        return None

    def line_of(self, comp: icalendar.Event, uid: str | None = None) -> int:
        line = self._lines.get(id(comp))
        if line is not None:
            return line
        if uid is not None and "RECURRENCE-ID" in comp:
            line = self._by_rid.get((uid, rid_key(when(comp, "RECURRENCE-ID"))))
            if line is not None:
                return line
        return self._master_line.get(uid or "", 0)

    def series(self) -> dict[str, list[icalendar.Event]]:
        """Events grouped by UID (an event without one is its own series)."""
        groups: dict[str, list[icalendar.Event]] = {}
        for n, ev in enumerate(self.events):
            if "DTSTART" not in ev:
                continue
            uid = str(ev.get("UID", "")) or f"#{n}"
            groups.setdefault(uid, []).append(ev)
            if "RECURRENCE-ID" not in ev:
                self._master_line.setdefault(uid, self._lines.get(id(ev), 0))
        return groups

    def occurrences(
        self, uid: str, comps: list[icalendar.Event], now: datetime
    ) -> Iterator[tuple[icalendar.Event, date | datetime]]:
        """The occurrences of one series that started at or before ``now``."""
        recurring = len(comps) > 1 or any(p in comps[0] for p in ("RRULE", "RDATE"))
        if not recurring:
            start = when(comps[0], "DTSTART")
            if before(start, now, self.floating_tz):
                yield comps[0], start
            return
        cal = icalendar.Calendar()
        for c in self.calendars:
            for tz in c.walk("VTIMEZONE"):
                cal.add_component(tz)
        for comp in comps:
            cal.add_component(comp)
        try:
            # Bounded before expanding (issue 6): see MAX_OCCURRENCES.
            estimate = estimated_occurrences(comps, now)
            if estimate > MAX_OCCURRENCES:
                raise _BadSeries(
                    f"event {uid!r} repeats too often to read (about {estimate:,} times; "
                    f"havewemet reads at most {MAX_OCCURRENCES:,})",
                    self._master_line.get(uid, 0),
                )
            found = recurring_ical_events.of(cal).between(EPOCH, now + timedelta(seconds=1))
            for occ in found:
                start = when(occ, "DTSTART")
                if before(start, now, self.floating_tz):
                    yield occ, start
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            recurring_ical_events.BadRuleStringFormat,
        ) as e:
            raise _BadSeries(
                f"event {uid!r} has a recurrence that cannot be read ({e})",
                self._master_line.get(uid, 0),
            ) from e

    def guess_owner(self) -> set[str]:
        """The calendar owner's address, or an empty set when it is unclear.

        Google names the primary calendar after it (``X-WR-CALNAME``),
        Thunderbird marks it (``X-MOZ-INVITED-ATTENDEE``); else it is the one
        address found in most events (and in more than half of them).
        """
        for c in self.calendars:
            owner = normalize_email(str(c.get("X-WR-CALNAME", "")))
            if owner and " " not in owner:
                return {owner}
        marked = Counter(
            normalize_email(str(ev.get("X-MOZ-INVITED-ATTENDEE", ""))) for ev in self.events
        )
        marked.pop("", None)
        if marked:
            return {marked.most_common(1)[0][0]}
        counts: Counter[str] = Counter()
        for ev in self.events:
            counts.update({e for e, _ in _people(ev)})
        top = counts.most_common(2)
        if not top or top[0][1] < 2 or top[0][1] * 2 <= self.with_people:
            return set()
        return {top[0][0]} if len(top) == 1 or top[1][1] < top[0][1] else set()

    def guess_owner_sure(self) -> tuple[set[str], bool]:
        """:meth:`guess_owner`, and whether the calendar itself names its owner (Google's
        ``X-WR-CALNAME``, Thunderbird's mark) so that the guess can be remembered."""
        owner = self.guess_owner()
        named = {normalize_email(str(c.get("X-WR-CALNAME", ""))) for c in self.calendars}
        named |= {normalize_email(str(ev.get("X-MOZ-INVITED-ATTENDEE", ""))) for ev in self.events}
        return owner, bool(owner & named)

    @property
    def with_people(self) -> int:
        """How many events name someone."""
        return sum(1 for ev in self.events if next(_people(ev), None))


def _people(comp: icalendar.Event, *, attended_only: bool = False) -> Iterator[tuple[str, str]]:
    """``(email, name)`` of the organiser and attendees who are people.

    With ``attended_only``, attendees who declined are left out.
    """
    org = comp.get("ORGANIZER")
    lines = [org] if org is not None else []
    att = comp.get("ATTENDEE")
    lines += att if isinstance(att, list) else ([att] if att is not None else [])
    for addr in lines:
        params = getattr(addr, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if attended_only and str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        email = normalize_email(str(addr))
        if not email or any(c.isspace() for c in email) or _CALENDAR_ADDR.search(email):
            continue
        name = " ".join(str(params.get("CN", "")).strip().strip('"').split())
        yield email, ("" if normalize_email(name) == email else name)


def _took_part(occ: icalendar.Event, me: set[str]) -> bool:
    """Whether the user was at this occurrence (see the module docstring)."""
    org = occ.get("ORGANIZER")
    if org is not None and normalize_email(str(org)) in me:
        return True
    att = occ.get("ATTENDEE")
    for addr in att if isinstance(att, list) else ([att] if att is not None else []):
        if normalize_email(str(addr)) in me:
            partstat = str(getattr(addr, "params", {}).get("PARTSTAT", "")).upper()
            return partstat in ("", "ACCEPTED")
    # Not named at all: an event in the user's own calendar.
    return True


def _quoted(message: str) -> str:
    m = re.search(r"'(.*?)'", message)
    return m.group(1) if m else ""


def _find_line(text: str, needle: str, start: int = 0, *, prop: str = "") -> int:
    """The physical line (1-based) of the logical line holding ``needle``.

    With ``prop``, the logical line must be that property instead. Folded lines
    are searched unfolded; the search starts at line ``start``.
    """
    if not needle and not prop:
        return 0
    prop = prop.upper()

    def hit(logical: str) -> bool:
        if prop:
            return re.match(rf"{re.escape(prop)}[;:]", logical, re.I) is not None
        return needle in logical

    logical, first = "", 0
    for n, ln in enumerate(text.splitlines()[max(start - 1, 0) :], max(start, 1)):
        if ln[:1] in (" ", "\t") and logical:
            logical += ln[1:]
            continue
        if logical and hit(logical):
            return first
        logical, first = ln, n
    return first if logical and hit(logical) else 0
