"""Dates as the user's files write them, read into ISO 8601 (``parse_date``).

Re-exported by :mod:`havewemet.importers._io`, where the readers import it from.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_DATE_FORMATS = (
    "%d %b %Y",  # 09 Sep 2022 (Connections.csv)
    "%m/%d/%y, %I:%M %p",  # 3/1/23, 9:15 AM (Invitations.csv, old Connections.csv)
    "%m/%d/%Y, %I:%M %p",
    "%Y-%m-%d %H:%M:%S UTC",  # messages.csv
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d",
    "%b %Y",  # Mar 2023 (Positions.csv)
    "%B %Y",
    "%Y",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%b %d, %Y",  # Sep 9, 2022
    "%B %d, %Y",
)


# Fast paths for the three shapes that fill a LinkedIn export, tried before the
# strptime loop (which costs ~20 us a try): each gives exactly what the loop would
# (same format won first), and anything they do not fully accept goes to the loop.
_MONTHS = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}
_FAST_DMY = re.compile(r"(\d{1,2}) ([A-Za-z]{3}) (\d{4})")  # 09 Sep 2022
_FAST_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?: UTC)?)?")
_FAST_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d\d|\d{4}), (\d{1,2}):(\d\d) ([AaPp][Mm])")


def _fast_date(value: str) -> str | None:
    try:
        m = _FAST_ISO.fullmatch(value)
        if m:
            y, mo, d, hh, mi, ss = m.groups()
            if hh is None:
                return datetime(int(y), int(mo), int(d)).date().isoformat()
            dt = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss))
            return dt.isoformat(timespec="seconds")
        m = _FAST_DMY.fullmatch(value)
        if m:
            month = _MONTHS.get(m.group(2).lower())
            if month and m.group(1) != "0":
                return datetime(int(m.group(3)), month, int(m.group(1))).date().isoformat()
            return None
        m = _FAST_US.fullmatch(value)
        if m:
            mo, d, y, hh, mi, ampm = m.groups()
            hour = int(hh)
            if not 1 <= hour <= 12 or "0" in (mo, d) or int(mi) > 59:
                return None
            year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 69 else 1900 + int(y))
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
            dt = datetime(year, int(mo), int(d), hour, int(mi))
            return dt.isoformat(timespec="seconds")
    except ValueError:
        return None
    return None


# parse_date is a pure function of its text and an export repeats its dates (30,000
# connections over a few thousand days): answers are memoised, the memo emptied when
# it grows past _MEMO_MAX. messages.csv's timestamps (``2025-03-01 10:00:00 UTC``) are
# mostly unique: their day and their time of day are memoised apart.
_MEMO_MAX = 100_000
_dates: dict[str, str | None] = {}
_days: dict[str, str | None] = {}
_clocks: dict[str, str | None] = {}
_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_CLOCK = re.compile(r"(\d\d):(\d\d):(\d\d)")


def _memo(memo: dict[str, str | None], key: str, value: str | None) -> str | None:
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value
    return value


def _clock(text: str) -> str | None:
    """``HH:MM:SS`` as ``_FAST_ISO`` + ``isoformat`` give it, or None."""
    out = _clocks.get(text, "")
    if out != "":
        return out
    m = _CLOCK.fullmatch(text)
    if m is None:
        return _memo(_clocks, text, None)
    hh, mi, ss = (int(g) for g in m.groups())
    ok = hh < 24 and mi < 60 and ss < 60
    return _memo(_clocks, text, f"{hh:02d}:{mi:02d}:{ss:02d}" if ok else None)


def _day(text: str) -> str | None:
    """``YYYY-MM-DD`` as ``_FAST_ISO`` + ``isoformat`` give it, or None."""
    out = _days.get(text, "")
    if out != "":
        return out
    m = _DAY.fullmatch(text)
    try:
        out = date(int(m[1]), int(m[2]), int(m[3])).isoformat() if m else None
    except ValueError:
        out = None
    return _memo(_days, text, out)


def parse_date(value: str) -> str | None:
    """An ISO date (``2022-09-09``) or datetime (``2023-03-01T09:15:00``) or None.

    Accepts every date shape seen in LinkedIn exports; returns None for an empty
    or unreadable value (the caller decides whether that is an error).
    """
    out = _dates.get(value, "")
    if out != "":
        return out
    if len(value) == 23 and value[10] == " " and value[19:] == " UTC":
        # ``YYYY-MM-DD HH:MM:SS UTC``: what _FAST_ISO gives, from the day and the time
        # memoised apart; any other outcome goes the whole way below.
        day = _day(value[:10])
        if day is not None:
            clock = _clock(value[11:19])
            if clock is not None:
                return f"{day}T{clock}"
    return _memo(_dates, value, _parse_date(value))


def _parse_date(value: str) -> str | None:
    value = " ".join(value.split())
    if not value:
        return None
    value = value.replace("\u202f", " ")
    fast = _fast_date(value)
    if fast is not None:
        return fast
    for fmt in _DATE_FORMATS:
        try:
            dt = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if "%H" in fmt or "%I" in fmt:
            return dt.isoformat(timespec="seconds")
        return dt.date().isoformat()
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.isoformat(timespec="seconds")
