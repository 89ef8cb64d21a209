"""The iCalendar reader: Google, Outlook/Exchange and Apple exports, recurrence, time zones."""

from __future__ import annotations

import codecs
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source
from havewemet.importers.ical import parse_calendar
from havewemet.store import Store

NOW = datetime(2025, 1, 1, 12, 0)
ME = "alex.example@gmail.com"


def fold(line: str) -> list[str]:
    """RFC 5545 folding at 75 octets, as Google and Outlook write it."""
    raw, parts, limit = line.encode(), [], 75
    while len(raw) > limit:
        cut = limit
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        parts.append(raw[:cut])
        raw, limit = raw[cut:], 74
    parts.append(raw)
    return [parts[0].decode()] + [" " + p.decode() for p in parts[1:]]


def ics(lines: list[str], *, bom: bool = False) -> bytes:
    text = "\r\n".join(folded for ln in lines for folded in fold(ln)) + "\r\n"
    return (codecs.BOM_UTF8 if bom else b"") + text.encode()


BERLIN = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-LIC-LOCATION:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def att(name: str, email: str, partstat: str, cutype: str = "INDIVIDUAL") -> str:
    return (
        f"ATTENDEE;CUTYPE={cutype};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={name};"
        f"X-NUM-GUESTS=0:mailto:{email}"
    )


def event(uid: str, start: str, summary: str, *extra: str, end: str = "") -> list[str]:
    return [
        "BEGIN:VEVENT",
        start,
        end or start.replace("DTSTART", "DTEND"),
        "DTSTAMP:20240101T000000Z",
        f"UID:{uid}",
        "CREATED:20231201T101010Z",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        f"SUMMARY:{summary}",
        "TRANSP:OPAQUE",
        *extra,
        "END:VEVENT",
    ]


def google_calendar() -> bytes:
    """A Google Calendar export of the user's primary calendar."""
    me = f"ORGANIZER;CN={ME}:mailto:{ME}"
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ME}",
        "X-WR-TIMEZONE:Europe/Berlin",
        *BERLIN,
        # A: the user organised; Jane accepted, Bob declined, a room booked.
        *event(
            "a1@google.com",
            "DTSTART;TZID=Europe/Berlin:20240305T100000",
            "Data platform review",
            me,
            att("Jane Doe", "Jane.Doe@acme.example", "ACCEPTED"),
            att("Bob Stone", "bob@acme.example", "DECLINED"),
            att("Room 4.01", "c_1888@resource.calendar.google.com", "ACCEPTED", "RESOURCE"),
            att(ME, ME, "ACCEPTED"),
            "DESCRIPTION:Agenda: review the data platform roadmap for the next quarter"
            " and agree on owners\\, dates and the migration plan.",
        ),
        # B: weekly 1:1 organised by Carol; 15th excluded, 22nd moved, 29th cancelled.
        *event(
            "b1@google.com",
            "DTSTART;TZID=Europe/Berlin:20240108T090000",
            "Carol / Alex 1:1",
            "RRULE:FREQ=WEEKLY;WKST=MO;COUNT=4;BYDAY=MO",
            "EXDATE;TZID=Europe/Berlin:20240115T090000",
            "ORGANIZER;CN=Carol Nguyen:mailto:carol@globex.example",
            att("Carol Nguyen", "carol@globex.example", "ACCEPTED"),
            att(ME, ME, "ACCEPTED"),
        ),
        *event(
            "b1@google.com",
            "DTSTART;TZID=Europe/Berlin:20240122T110000",
            "Carol / Alex 1:1",
            "RECURRENCE-ID;TZID=Europe/Berlin:20240122T090000",
            "ORGANIZER;CN=Carol Nguyen:mailto:carol@globex.example",
            att("Carol Nguyen", "carol@globex.example", "ACCEPTED"),
            att(ME, ME, "ACCEPTED"),
        ),
        *[
            ln if ln != "STATUS:CONFIRMED" else "STATUS:CANCELLED"
            for ln in event(
                "b1@google.com",
                "DTSTART;TZID=Europe/Berlin:20240129T090000",
                "Carol / Alex 1:1",
                "RECURRENCE-ID;TZID=Europe/Berlin:20240129T090000",
                "ORGANIZER;CN=Carol Nguyen:mailto:carol@globex.example",
                att("Carol Nguyen", "carol@globex.example", "ACCEPTED"),
                att(ME, ME, "ACCEPTED"),
            )
        ],
        # C: the user declined.
        *event(
            "c1@google.com",
            "DTSTART:20240410T150000Z",
            "Vendor pitch",
            "ORGANIZER;CN=Sam Seller:mailto:sam@vendor.example",
            att("Sam Seller", "sam@vendor.example", "ACCEPTED"),
            att(ME, ME, "DECLINED"),
        ),
        # D: in the future.
        *event(
            "d1@google.com",
            "DTSTART;TZID=Europe/Berlin:20990101T100000",
            "Future sync",
            me,
            att("Jane Doe", "jane.doe@acme.example", "ACCEPTED"),
        ),
        # E: all day, no reply state for the user (their own calendar).
        *event(
            "e1@google.com",
            "DTSTART;VALUE=DATE:20240214",
            "Offsite",
            "ORGANIZER;CN=Dan Ortiz:mailto:dan@acme.example",
            end="DTEND;VALUE=DATE:20240215",
        ),
        # G: summer time.
        *event(
            "g1@google.com",
            "DTSTART;TZID=Europe/Berlin:20240701T100000",
            "Summer planning",
            me,
            att("Jane Doe", "jane.doe@acme.example", "ACCEPTED"),
        ),
        "END:VCALENDAR",
    ]
    return ics(lines)


def summary(batch):
    idents = sorted((i.key, i.name) for i in batch.identities)
    inters = sorted(
        (i.identity_key, i.at, i.detail, i.direction, i.kind) for i in batch.interactions
    )
    return idents, inters


def test_google_export_exact_records():
    batch = parse_calendar(google_calendar(), "calendar.ics", now=NOW)
    idents, inters = summary(batch)
    assert idents == [
        ("bob@acme.example", "Bob Stone"),
        ("carol@globex.example", "Carol Nguyen"),
        ("dan@acme.example", "Dan Ortiz"),
        ("jane.doe@acme.example", "Jane Doe"),
        ("sam@vendor.example", "Sam Seller"),
    ]
    assert inters == [
        ("carol@globex.example", "2024-01-08T08:00:00", "Carol / Alex 1:1", "both", "meeting"),
        ("carol@globex.example", "2024-01-22T10:00:00", "Carol / Alex 1:1", "both", "meeting"),
        ("dan@acme.example", "2024-02-14", "Offsite", "both", "meeting"),
        ("jane.doe@acme.example", "2024-03-05T09:00:00", "Data platform review", "both", "meeting"),
        ("jane.doe@acme.example", "2024-07-01T08:00:00", "Summer planning", "both", "meeting"),
    ]
    assert batch.notes == [  # Google names the calendar after its owner: remembered
        f"calendar.ics: taken as your address: {ME} (guessed; remembered for later "
        f"imports: havewemet me --remove {ME} if it is not yours)"
    ]
    assert [(o.value, o.how) for o in batch.own] == [(ME, "guessed")]
    assert batch.warnings == []
    assert batch.files[0].rows == 8 and batch.files[0].note == "1 cancelled occurrences"


def test_provenance_lines_point_at_the_event():
    data = google_calendar()
    lines = data.decode().split("\r\n")
    batch = parse_calendar(data, "calendar.ics", now=NOW)
    moved = next(i for i in batch.interactions if i.at == "2024-01-22T10:00:00")
    assert lines[moved.line - 1] == "BEGIN:VEVENT"
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20240122T090000" in lines[moved.line : moved.line + 12]
    sam = next(i for i in batch.identities if i.key == "sam@vendor.example")
    assert "UID:c1@google.com" in lines[sam.line : sam.line + 6]


def test_now_decides_what_happened():
    batch = parse_calendar(google_calendar(), "calendar.ics", now=datetime(2024, 1, 10))
    assert sorted(i.at for i in batch.interactions) == ["2024-01-08T08:00:00"]


def test_me_emails_override_the_guess_and_declines_count_nothing():
    # Seen from Sam's side: Sam organised the pitch, but Alex declined it.
    batch = parse_calendar(google_calendar(), "c.ics", now=NOW, me_emails=["SAM@vendor.example"])
    assert [i for i in batch.interactions if i.detail == "Vendor pitch"] == []
    assert ME in {i.key for i in batch.identities}
    # Seen from Carol's side, the 1:1s that happened are with Alex.
    batch = parse_calendar(google_calendar(), "c.ics", now=NOW, me_emails=["carol@globex.example"])
    ones = sorted((i.identity_key, i.at) for i in batch.interactions if "1:1" in i.detail)
    assert ones == [(ME, "2024-01-08T08:00:00"), (ME, "2024-01-22T10:00:00")]
    assert not batch.warnings


MS_TZ = [
    "BEGIN:VTIMEZONE",
    "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
]


def outlook_calendar() -> bytes:
    """An Outlook/Exchange export: BOM, Windows zone ids, CDO properties, quoted CN."""
    tz = 'TZID="W. Europe Standard Time"'
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "X-MS-OLK-FORCEINSPECTOROPEN:TRUE",
        *MS_TZ,
        "BEGIN:VEVENT",
        "CLASS:PUBLIC",
        "CREATED:20241020T081500Z",
        'ORGANIZER;CN="Doe, Jane":mailto:jane.doe@contoso.example',
        'ATTENDEE;CN="Alex Example";RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:alex@contoso.example',
        'ATTENDEE;CN="Müller, Jörg";RSVP=TRUE:mailto:joerg.mueller@contoso.example',
        f"DTSTART;{tz}:20241104T140000",
        f"DTEND;{tz}:20241104T150000",
        "DTSTAMP:20241020T081500Z",
        "LOCATION:Teams",
        "PRIORITY:5",
        "SEQUENCE:0",
        "SUMMARY;LANGUAGE=de-DE:Quartalsplanung",
        "TRANSP:OPAQUE",
        "UID:040000008200E00074C5B7101A82E00800000000D0B1C2A3B4C5DA01000000000000000010"
        "000000A1B2C3D4E5F60718293A4B5C6D7E8F90",
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "X-MS-OLK-CONFTYPE:0",
        "END:VEVENT",
        # Exchange CDO writes BYDAY with spaces: repaired, not fatal.
        "BEGIN:VEVENT",
        f"DTSTART;{tz}:20241202T100000",
        f"DTEND;{tz}:20241202T101500",
        "RRULE:FREQ=DAILY;UNTIL=20241205T090000Z;INTERVAL=1;BYDAY=MO, TU, WE, TH, FR;WKST=SU",
        "SUMMARY:Standup",
        "UID:standup-1",
        "DTSTAMP:20241120T000000Z",
        "ORGANIZER;CN=Alex Example:mailto:alex@contoso.example",
        "ATTENDEE;CN=Ravi Patel;PARTSTAT=NEEDS-ACTION:mailto:ravi@contoso.example",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ics(lines, bom=True)


def test_outlook_export_ms_time_zones_and_cdo_rrule():
    batch = parse_calendar(
        outlook_calendar(), "Calendar.ics", now=NOW, me_emails=["alex@contoso.example"]
    )
    idents, inters = summary(batch)
    assert idents == [
        ("jane.doe@contoso.example", "Doe, Jane"),
        ("joerg.mueller@contoso.example", "Müller, Jörg"),
        ("ravi@contoso.example", "Ravi Patel"),
    ]
    assert inters == [
        ("jane.doe@contoso.example", "2024-11-04T13:00:00", "Quartalsplanung", "both", "meeting"),
        (
            "joerg.mueller@contoso.example",
            "2024-11-04T13:00:00",
            "Quartalsplanung",
            "both",
            "meeting",
        ),
        *[
            ("ravi@contoso.example", f"2024-12-0{d}T09:00:00", "Standup", "both", "meeting")
            for d in (2, 3, 4, 5)
        ],
    ]


def test_floating_times_use_x_wr_timezone_and_utc_z_stays():
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apple Inc.//macOS 14.4//EN",
        "X-WR-TIMEZONE:America/New_York",
        *event(
            "f1",
            "DTSTART:20240610T090000",
            "Floating breakfast",
            "ORGANIZER;CN=Kim Lee:mailto:kim@example.org",
        ),
        *event(
            "f2",
            "DTSTART:20240610T090000Z",
            "UTC call",
            "ORGANIZER;CN=Kim Lee:mailto:kim@example.org",
        ),
        "END:VCALENDAR",
    ]
    batch = parse_calendar(ics(lines), "home.ics", now=NOW, me_emails=["me@example.org"])
    assert sorted(i.at for i in batch.interactions) == [
        "2024-06-10T09:00:00",
        "2024-06-10T13:00:00",
    ]


def test_owner_guessed_from_the_most_frequent_address():
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Zimbra//EN"]
    for n, who in enumerate(["ann@x.example", "ben@x.example", "cy@x.example"]):
        lines += event(
            f"z{n}",
            f"DTSTART:2024050{n + 1}T100000Z",
            f"Call {n}",
            "ORGANIZER;CN=Me Myself:mailto:me@x.example",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN={who}:mailto:{who}",
        )
    lines.append("END:VCALENDAR")
    batch = parse_calendar(ics(lines), "z.ics", now=NOW)
    assert sorted(i.key for i in batch.identities) == [
        "ann@x.example",
        "ben@x.example",
        "cy@x.example",
    ]
    assert [i.name for i in batch.identities] == ["", "", ""]
    assert batch.notes == [
        "z.ics: taken as your address: me@x.example (guessed; --me ADDRESS chooses another)"
    ]


def test_reimport_changes_nothing():
    batch = parse_calendar(google_calendar(), "calendar.ics", now=NOW)
    store = Store.open(":memory:")
    first = store.save(batch)
    assert first.added["identities"] == 5 and first.added["interactions"] == 5
    again = store.save(parse_calendar(google_calendar(), "calendar.ics", now=NOW))
    assert sum(again.added.values()) == 0 and sum(again.updated.values()) == 0


def test_registry_detects_and_reads(tmp_path):
    path = tmp_path / "export.ics"
    path.write_bytes(outlook_calendar())
    assert detect_format(path) == "ical"
    batch = read_source(path, options=ImportOptions(me_emails=["alex@contoso.example"]))
    assert batch.source == "ical:export.ics" and len(batch.interactions) == 6
    assert {i.source for i in batch.identities} == {"ical:export.ics"}


def _broken(insert: str) -> tuple[bytes, int]:
    lines = google_calendar().decode().split("\r\n")
    at = lines.index("SUMMARY:Vendor pitch")
    lines.insert(at + 1, insert)
    return "\r\n".join(lines).encode(), at + 2


def test_broken_content_line_names_file_and_line():
    data, line = _broken("this line lost its colon")
    with pytest.raises(InputError) as err:
        parse_calendar(data, "calendar.ics", now=NOW)
    assert err.value.line == line and err.value.file == "calendar.ics"
    assert str(err.value).startswith(f"calendar.ics, line {line}: is not valid iCalendar")
    assert "Export the calendar again" in str(err.value)


def test_a_broken_dtstart_skips_that_event_with_a_warning_naming_its_line():
    lines = google_calendar().decode().split("\r\n")
    at = lines.index("DTSTART:20240410T150000Z")
    lines[at] = "DTSTART:2024041T150000Z"
    batch = parse_calendar("\r\n".join(lines).encode(), "calendar.ics", now=NOW)
    whole = parse_calendar(google_calendar(), "calendar.ics", now=NOW)
    (warning,) = [w for w in batch.warnings if "DTSTART" in w]
    assert warning.startswith(f"calendar.ics, line {at + 1}: is not valid iCalendar (DTSTART")
    assert warning.endswith("(this event is skipped; the others are imported)")
    event = max(n for n, ln in enumerate(lines[:at]) if ln == "BEGIN:VEVENT") + 1
    assert batch.interactions == [i for i in whole.interactions if i.line != event]
    assert batch.interactions
    assert "1 event with an unreadable date skipped" in batch.files[0].note
    assert batch.files[0].rows == whole.files[0].rows


def test_a_calendar_whose_every_event_has_a_broken_date_is_refused():
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTART:2024041T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(InputError) as err:
        parse_calendar(cal.encode(), "calendar.ics", now=NOW)
    assert err.value.line == 6 and "DTSTART" in str(err.value)


def test_bad_encoding_and_not_a_calendar():
    data = google_calendar().replace(b"Vendor pitch", "Vendor pitch \xe0 Paris".encode("cp1252"))
    with pytest.raises(InputError) as err:
        parse_calendar(data, "c.ics", now=NOW)
    assert err.value.line == data[: data.index(b"\xe0")].count(b"\n") + 1
    with pytest.raises(InputError) as err:
        parse_calendar(b"END:VCALENDAR\r\n", "c.ics", now=NOW)
    assert err.value.file == "c.ics"


def test_malformed_file_leaves_store_unchanged(tmp_path):
    store = Store.open(":memory:")
    store.save(parse_calendar(google_calendar(), "calendar.ics", now=NOW))
    before = store.counts()
    path = tmp_path / "calendar.ics"
    path.write_bytes(_broken("BROKEN")[0])
    with pytest.raises(InputError):
        store.save(read_source(path))
    assert store.counts() == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_input_error(data):
    try:
        parse_calendar(b"BEGIN:VCALENDAR\r\n" + data + b"\r\nEND:VCALENDAR\r\n", "f.ics", now=NOW)
        parse_calendar(data, "f.ics", now=NOW)
    except InputError:
        pass


_LINE = st.one_of(
    st.sampled_from(
        [
            "BEGIN:VEVENT",
            "END:VEVENT",
            "RRULE:FREQ=DAILY;COUNT=3",
            "DTSTART:20240101T100000Z",
            "DTSTART;VALUE=DATE:20240101",
            "RECURRENCE-ID:20240102T100000Z",
            "STATUS:CANCELLED",
            "UID:x",
            "EXDATE:20240102T100000Z",
            "ORGANIZER:mailto:a@b.c",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:me@b.c",
            "DTSTART;TZID=Nowhere:20240101T1",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14))
def test_shuffled_calendar_lines_raise_only_input_error(lines):
    data = "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]).encode()
    try:
        batch = parse_calendar(data, "f.ics", now=NOW, me_emails=["me@b.c"])
    except InputError:
        return
    assert all(i.kind == "meeting" for i in batch.interactions)
