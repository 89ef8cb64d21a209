"""Benchmark: address book, calendar and mail imports beside a bare parse (issue 4).

Generates (seeded) three files in their real shape and measures, each in a
fresh subprocess, ``read_source`` + ``Store.save`` into a fresh store file beside
a bare parse of the same file by the library underneath:

* ``contacts.vcf``: 10,000 vCard 3.0 cards (Apple/Google style: folded lines,
  ``item1.`` groups, ``X-SOCIALPROFILE``, ``REV``); bare: ``vobject.readComponents``;
* ``calendar.ics``: 20,000 events (a ``VTIMEZONE``, ``TZID`` and UTC times,
  organisers and attendees with ``PARTSTAT``, 2% weekly recurring with a
  ``COUNT``); bare: ``icalendar.Calendar.from_ical`` and a walk of its events;
* ``mail.mbox``: 100,000 messages (replies, newsletters with ``List-Id``, and
  LinkedIn invitation mail); bare: iterating ``mailbox.mbox`` (each message
  parsed by ``email``).

Usage::

    python bench/import_sources.py            # full size
    python bench/import_sources.py --quick    # 1/20 of the size
    python bench/import_sources.py --only mbox --out bench/out/sources
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import _harness
from _harness import FIRST, LAST

START = datetime(2024, 1, 8, 9, 0)
ME = "ruth.calloway@westmere.gov.uk"
DOMAINS = ("example.org", "example.com", "harrowpike.co.uk", "bramley.ac.uk", "globex.example")


def _people(rnd: random.Random, n: int) -> list[tuple[str, str, str]]:
    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        local = f"{first}.{last}".lower().replace("'", "")
        out.append((first, last, f"{local}{i}@{rnd.choice(DOMAINS)}"))
    return out


def _fold(line: str) -> str:
    """RFC 6350/5545 folding at 75 characters, CRLF + one space."""
    parts = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
    return "\r\n".join(parts) + "\r\n"


def write_vcf(path: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    out = []
    for i, (first, last, email) in enumerate(_people(rnd, n)):
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "PRODID:-//Apple Inc.//iPhone OS 17.1//EN",
            f"N:{last};{first};;;",
            f"FN:{first} {last}",
            f"ORG:{rnd.choice(['Westmere City Council', 'Harrow & Pike LLP', 'Globex'])};",
            f"TITLE:{rnd.choice(['Librarian', 'Archivist', 'Records Manager'])}",
            f"EMAIL;type=INTERNET;type=WORK;type=pref:{email}",
            f"TEL;type=CELL;type=VOICE;type=pref:+44 7700 9{i % 100000:05d}",
            f"item1.URL;type=pref:https://www.linkedin.com/in/{first}-{last}-{i:05x}".lower(),
            "item1.X-ABLabel:_$!<HomePage>!$_",
            f"UID:{rnd.randrange(16**16):016X}-{i}",
            f"REV:2024-0{1 + i % 9}-1{i % 10}T10:00:00Z",
        ]
        if i % 4 == 0:
            lines.append(f"NICKNAME:{first[:3]}")
        if i % 5 == 0:
            lines.append(f"X-SOCIALPROFILE;type=twitter:https://twitter.com/{first}{i}".lower())
        if i % 7 == 0:
            lines.append(
                "NOTE:Met at the Open Data in Libraries day\\, talked about archives, "
                "cataloguing standards and the regional digitisation project."
            )
        lines.append("END:VCARD")
        out.append("".join(_fold(x) for x in lines))
    path.write_text("".join(out), encoding="utf-8", newline="")


_VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:Europe/London\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
TZNAME:BST\r
DTSTART:19700329T010000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
TZNAME:GMT\r
DTSTART:19701025T020000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def write_ics(path: Path, n: int, seed: int = 2) -> None:
    rnd = random.Random(seed)
    people = _people(rnd, max(50, n // 10))
    out = [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN"
        f"\r\nX-WR-CALNAME:{ME}\r\nX-WR-TIMEZONE:Europe/London\r\n",
        _VTIMEZONE,
    ]
    for i in range(n):
        start = START + timedelta(days=rnd.randrange(650), hours=rnd.randrange(9))
        end = start + timedelta(minutes=30 * rnd.randrange(1, 5))
        guests = rnd.sample(people, rnd.randrange(1, 5))
        lines = [
            "BEGIN:VEVENT",
            f"UID:{rnd.randrange(16**20):020x}-{i}@google.com",
            f"DTSTAMP:{START:%Y%m%dT%H%M%S}Z",
        ]
        if i % 3 == 0:
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
        else:
            lines += [
                f"DTSTART;TZID=Europe/London:{start:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/London:{end:%Y%m%dT%H%M%S}",
            ]
        if i % 50 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=8")
        org = guests[0] if i % 2 else (None, None, ME)
        lines.append(f"ORGANIZER;CN={org[0] or 'Ruth'} {org[1] or 'Calloway'}:mailto:{org[2]}")
        lines.append(
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
            f"CN=Ruth Calloway;X-NUM-GUESTS=0:mailto:{ME}"
        )
        for first, last, email in guests:
            stat = rnd.choice(["ACCEPTED", "ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION"])
            lines.append(
                f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={stat};"
                f"CN={first} {last};X-NUM-GUESTS=0:mailto:{email}"
            )
        lines += [
            f"SUMMARY:{rnd.choice(['Project sync', 'Archives board', 'Coffee'])} {i}",
            "DESCRIPTION:Agenda: the regional digitisation project\\, budgets\\, next "
            "steps and anything else that comes up on the day.",
            "LOCATION:Westmere Central Library\\, Room 2",
            "STATUS:CONFIRMED",
            "SEQUENCE:0",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
        out.append("".join(_fold(x) for x in lines))
    out.append("END:VCALENDAR\r\n")
    path.write_text("".join(out), encoding="utf-8", newline="")


def write_mbox(path: Path, n: int, seed: int = 3) -> None:
    rnd = random.Random(seed)
    people = _people(rnd, max(100, n // 20))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(n):
            at = START + timedelta(minutes=5 * i + rnd.randrange(5))
            kind = i % 20
            if kind == 0:  # LinkedIn invitation mail (every 4th a reminder)
                first, last, _e = people[(i // 20) % len(people)]
                slug = f"{first}-{last}-{i:06x}".lower().replace("'", "")
                subject = (
                    f"{first} {last}'s invitation is waiting for your response"
                    if i % 80 == 0
                    else f"{first} {last} wants to connect"
                )
                sender, to = "LinkedIn <invitations@linkedin.com>", ME
                extra = "X-LinkedIn-Class: INVITE-MBR\n"
                body = (
                    f"Hi Ruth,\n\n{first} {last}\nArchivist at Eastvale Record Office\n\n"
                    f"Accept: https://www.linkedin.com/comm/in/{slug}?midToken=x\n\n"
                    "3 mutual connections\n"
                )
            elif kind in (1, 2, 3):  # newsletters
                sender, to = "Library Weekly <news@lists.example.org>", ME
                subject, extra = f"Library Weekly, issue {i}", "List-Id: <weekly.example.org>\n"
                body = "This week in libraries.\n\nUnsubscribe: https://example.org/u\n"
            else:
                first, last, email = rnd.choice(people)
                mine = kind % 2 == 0
                sender = f"Ruth Calloway <{ME}>" if mine else f"{first} {last} <{email}>"
                to = f"{first} {last} <{email}>" if mine else f"Ruth Calloway <{ME}>"
                subject, extra = f"Re: the digitisation project ({i % 500})", ""
                body = "Thanks, that works for me.\n\n> From an earlier message\n"
            fh.write(
                f"From MAILER-DAEMON {at:%a %b %d %H:%M:%S %Y}\n"
                f"From: {sender}\nTo: {to}\nSubject: {subject}\n"
                f"Date: {format_datetime(at.astimezone())}\n"
                f"Message-ID: <{i}.{rnd.randrange(16**8):08x}@bench.example>\n"
                f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n{extra}\n"
                f"{body}\n"
            )


FILES = {
    "vcard": ("contacts.vcf", write_vcf, 10_000),
    "ical": ("calendar.ics", write_ics, 20_000),
    "mbox": ("mail.mbox", write_mbox, 100_000),
}


# -- the work measured in each child process ---------------------------------------------


def _import(path: Path) -> dict[str, Any]:
    from havewemet.importers import ImportOptions, read_source, readers
    from havewemet.store import Store

    readers()
    db = Path(tempfile.mkdtemp(prefix="hwm-bench-")) / "store.db"
    try:
        store = Store.open(db)
        _harness.mark_start()
        t0 = time.perf_counter()
        batch = read_source(path, options=ImportOptions(me_emails=[ME]))
        t1 = time.perf_counter()
        result = store.save(batch)
        t2 = time.perf_counter()
        store.close()
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
    return {
        "read_s": t1 - t0,
        "save_s": t2 - t1,
        "identities": len(batch.identities),
        "interactions": len(batch.interactions),
        "requests": len(batch.requests),
        "added": sum(result.added.values()),
    }


def _bare_vcard(path: Path) -> dict[str, Any]:
    import vobject

    text = path.read_text(encoding="utf-8")
    _harness.mark_start()
    return {"records": sum(1 for _ in vobject.readComponents(text))}


def _bare_ical(path: Path) -> dict[str, Any]:
    import icalendar

    data = path.read_bytes()
    _harness.mark_start()
    cal = icalendar.Calendar.from_ical(data)
    return {"records": sum(1 for _ in cal.walk("VEVENT"))}


def _bare_mbox(path: Path) -> dict[str, Any]:
    import mailbox

    return {"records": sum(1 for _ in mailbox.mbox(path, create=False))}


WORKS = {
    "import": _import,
    "bare-vcard": _bare_vcard,
    "bare-ical": _bare_ical,
    "bare-mbox": _bare_mbox,
}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_child":
        _harness.child_main(WORKS, sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1/20 of the size (checks it runs)")
    ap.add_argument("--out", type=Path, help="write the files here (kept); default: a temp dir")
    ap.add_argument("--only", choices=sorted(FILES), action="append", help="one source only")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per measurement")
    args = ap.parse_args()
    tmp = None
    folder = args.out
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="hwm-bench-src-")
        folder = Path(tmp)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"machine: {_harness.machine()}")
    script = str(Path(__file__).resolve())
    rows = []
    try:
        for kind in args.only or list(FILES):
            name, write, n = FILES[kind]
            n = n // 20 if args.quick else n
            path = folder / name
            t0 = time.perf_counter()
            write(path, n)
            print(
                f"{name}: {n:,} records, {path.stat().st_size / 1024**2:.1f} MB "
                f"(written in {time.perf_counter() - t0:.1f} s)",
                flush=True,
            )
            imp = _harness.measure(script, "import", path, repeat=args.repeat)
            bare = _harness.measure(script, f"bare-{kind}", path, repeat=args.repeat)
            rows.append(
                [
                    f"{name} ({n:,})",
                    f"{imp['seconds']:.2f} ({imp['cpu_s']:.2f})",
                    f"{imp['read_s']:.2f} + {imp['save_s']:.2f}",
                    f"{bare['seconds']:.2f} ({bare['cpu_s']:.2f})",
                    f"{imp['cpu_s'] / bare['cpu_s']:.1f}x",
                    f"{imp['traced_peak_mb']:.0f} / {bare['traced_peak_mb']:.0f}",
                    f"{imp['rss_peak_mb']:.0f} / {bare['rss_peak_mb']:.0f}",
                    f"{imp['identities']:,} ids, {imp['interactions']:,} inter., "
                    f"{imp['requests']:,} req.",
                ]
            )
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        _harness.table(
            rows,
            [
                "file",
                "import s (cpu)",
                "read + save s",
                "bare parse s (cpu)",
                "ratio (cpu)",
                "traced peak MB (import / bare)",
                "max RSS MB (import / bare)",
                "produced",
            ],
        )
    )


if __name__ == "__main__":
    main()
