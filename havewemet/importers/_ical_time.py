"""Time and recurrence for the iCalendar reader: time zones to UTC, bounded expansion.

Every time ends up as a naive UTC ISO string, like every other reader: ``TZID``
times as given, floating times in the calendar's ``X-WR-TIMEZONE`` (else UTC),
all-day events as a date. A recurring event's size is estimated from its rules
before it is expanded, so one ``FREQ=MINUTELY`` rule cannot hang an import
(issue 6).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from havewemet._lazy import lazy_module

if TYPE_CHECKING:
    import icalendar
else:  # imported when a calendar is read
    icalendar = lazy_module("icalendar")

__all__ = [
    "EPOCH",
    "MAX_OCCURRENCES",
    "as_utc_now",
    "before",
    "calendar_tz",
    "estimated_occurrences",
    "iso_utc",
    "repair_rrule",
    "rid_key",
    "when",
]

EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
MAX_OCCURRENCES = 20_000
"""Recurring events expanding to more occurrences than this are skipped with a warning
(a daily meeting for 55 years; one MINUTELY rule in a 250-byte invitation would
otherwise expand to millions and hang the import, issue 6)."""
_FREQ_UNIT = {
    "SECONDLY": 0,
    "MINUTELY": 1,
    "HOURLY": 2,
    "DAILY": 3,
    "WEEKLY": 4,
    "MONTHLY": 5,
    "YEARLY": 6,
}
_UNIT_SECONDS = (1, 60, 3600, 86400, 7 * 86400, 28 * 86400, 365 * 86400)
_BY_UNIT = {
    "BYSECOND": 0,
    "BYMINUTE": 1,
    "BYHOUR": 2,
    "BYDAY": 3,
    "BYMONTHDAY": 3,
    "BYYEARDAY": 3,
    "BYWEEKNO": 4,
    "BYMONTH": 5,
}


def when(comp: icalendar.Component, name: str) -> date | datetime:
    """The date or date-time of ``comp``'s ``name`` property (DTSTART, RECURRENCE-ID).

    Raises ``ValueError`` when it holds something else (a broken value, a duration, a
    period): the reader reports it at its line.
    """
    prop = comp[name]
    value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
    if not isinstance(value, date):  # a datetime is a date too
        raise ValueError(f"{name} is not a date or a date-time ({prop.to_ical()!r})")
    return value


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def estimated_occurrences(comps: list[icalendar.Event], now: datetime) -> int:
    """An upper bound on a series' occurrences up to ``now``, without expanding it."""
    total = 0
    for comp in comps:
        rules = comp.get("RRULE")
        if "DTSTART" not in comp:
            continue
        start = _aware(when(comp, "DTSTART"))
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            unit = _FREQ_UNIT[str((rule.get("FREQ") or ["DAILY"])[0]).upper()]
            interval = max(1, int((rule.get("INTERVAL") or [1])[0] or 1))
            per_period = 1  # finer BY* parts expand each period
            for key, values in rule.items():
                if _BY_UNIT.get(key, 99) < unit:
                    per_period *= max(1, len(values))
            end = min(now, _aware(rule["UNTIL"][0])) if rule.get("UNTIL") else now
            periods = max(0.0, (end - start).total_seconds()) / (_UNIT_SECONDS[unit] * interval)
            n = (int(periods) + 1) * per_period
            if rule.get("COUNT"):
                n = min(n, int(rule["COUNT"][0]))
            total += n
    return total


def repair_rrule(ev: icalendar.Event) -> None:
    """Exchange CDO writes ``BYDAY=MO, TU``: drop the spaces and parse again."""
    raw = ev.get("RRULE")
    raw_text = raw.to_ical().decode() if hasattr(raw, "to_ical") else str(raw)
    try:
        ev["RRULE"] = icalendar.vRecur.from_ical(re.sub(r"\s+", "", raw_text.replace("\\", "")))
    except (ValueError, TypeError):
        pass  # left broken: recurring-ical-events reports it and the event is skipped


def calendar_tz(cals: list[icalendar.Calendar]) -> timezone | ZoneInfo:
    for c in cals:
        name = str(c.get("X-WR-TIMEZONE", "")).strip()
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
    return UTC


def as_utc_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


def _to_utc(value: date | datetime, floating: timezone | ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=floating)
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    return value.astimezone(UTC)


def before(start: date | datetime, now: datetime, floating: timezone | ZoneInfo) -> bool:
    return _to_utc(start, floating) <= now


def iso_utc(start: date | datetime, floating: timezone | ZoneInfo) -> str:
    if not isinstance(start, datetime):
        return start.isoformat()
    return _to_utc(start, floating).replace(tzinfo=None).isoformat(timespec="seconds")


def rid_key(value: date | datetime) -> str:
    return iso_utc(value, UTC)
