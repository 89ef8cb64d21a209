"""Time and recurrence helpers of the iCalendar reader (importers/_ical_time.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar

from havewemet.importers._ical_time import (
    MAX_OCCURRENCES,
    before,
    calendar_tz,
    estimated_occurrences,
    iso_utc,
    repair_rrule,
)

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _event(rrule: str, start: str = "20230101T090000Z") -> icalendar.Event:
    text = f"BEGIN:VEVENT\r\nUID:u\r\nDTSTART:{start}\r\nRRULE:{rrule}\r\nEND:VEVENT\r\n"
    return icalendar.Event.from_ical(text)


def test_estimate_is_an_upper_bound_without_expanding() -> None:
    assert estimated_occurrences([_event("FREQ=WEEKLY;COUNT=10")], NOW) == 10
    assert estimated_occurrences([_event("FREQ=WEEKLY")], NOW) == 53
    assert estimated_occurrences([_event("FREQ=WEEKLY;BYDAY=MO,WE")], NOW) == 106
    assert (
        estimated_occurrences([_event("FREQ=DAILY;UNTIL=20230110T000000Z")], NOW) == 9
    )  # 1st..9th
    assert estimated_occurrences([_event("FREQ=MINUTELY")], NOW) > MAX_OCCURRENCES


def test_times_end_up_naive_utc() -> None:
    london = ZoneInfo("Europe/London")
    summer = datetime(2023, 7, 1, 9, 0, tzinfo=london)
    assert iso_utc(summer, UTC) == "2023-07-01T08:00:00"
    assert iso_utc(datetime(2023, 7, 1, 9, 0), london) == "2023-07-01T08:00:00"  # floating
    assert iso_utc(date(2023, 7, 1), UTC) == "2023-07-01"
    assert before(date(2023, 12, 31), NOW, UTC) and not before(date(2024, 1, 2), NOW, UTC)
    cal = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Europe/Berlin\r\nEND:VCALENDAR\r\n"
    )
    assert calendar_tz([cal]) == ZoneInfo("Europe/Berlin")
    assert calendar_tz([icalendar.Calendar()]) is UTC


def test_exchange_rrule_with_spaces_is_repaired() -> None:
    ev = icalendar.Event()
    ev.add("DTSTART", datetime(2023, 1, 2, 9, tzinfo=UTC))
    ev["RRULE"] = icalendar.vText("FREQ=WEEKLY;BYDAY=MO, TU")
    repair_rrule(ev)
    assert ev["RRULE"]["BYDAY"] == ["MO", "TU"]
