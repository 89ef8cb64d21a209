"""The demo persona's other sources, in their real formats: a vCard address book,
a calendar, an mbox (with LinkedIn's invitation mail), a Mastodon following list and
a conference attendee list.

They hold the evidence for the planted requests that only these sources can
explain (met at an event, known by a Mastodon handle, known by mail, met in a
meeting), and the invitation mails carry what Invitations.csv lacks: each
requester's headline, the mutual connections and the reminders.
"""

from __future__ import annotations

import csv
import io
import quopri
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from havewemet.demo.outgoing import OUTGOING, Sent
from havewemet.demo.persona import ME, ME_EMAIL, TODAY
from havewemet.models import stable_id

EVENT = "Open Data in Libraries 2025"
EVENT_DATE = "2025-06-12"
MASTODON_HANDLE = "pcoleman@glammr.social"
MAIL_PERSON = ("Ian Fletcher", "ian.fletcher@eastvale.ac.uk")
EVENT_PERSON = ("Samira Khoury", "samira.khoury@northlib.org", "Northfield Libraries")
MEETING_PERSON = ("Chloe Dubois", "chloe.dubois@westmere.gov.uk")


def _vcard(
    first: str, last: str, email: str, org: str, title: str, uid: str, extra: str = ""
) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        f"N:{last};{first};;;",
        f"FN:{first} {last}",
        f"ORG:{org};",
        f"TITLE:{title}",
        f"item1.EMAIL;type=INTERNET;type=pref:{email}",
        "item1.X-ABLabel:_$!<Work>!$_",
        f"UID:{uid}",
        "REV:2025-03-01T10:00:00Z",
    ]
    if extra:
        lines.append(extra)
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def address_book(rnd: random.Random, people: list[tuple[str, str, str]]) -> str:
    cards = [
        _vcard(
            "Amira",
            "Haddad",
            "amira.haddad@westmere.gov.uk",
            "Westmere City Council",
            "Information Governance Lead",
            "demo-amira",
            "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/amira-haddad-kim",
        ),
        _vcard(
            "Tom",
            "Brennan",
            "tom.brennan@westmere.gov.uk",
            "Westmere City Council",
            "Library Systems Manager",
            "demo-tom",
        ),
    ]
    for i, (first, last, _url) in enumerate(rnd.sample(people, 60)):
        mail = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        cards.append(_vcard(first, last, f"{mail}@example.org", "", "", f"demo-{i:04d}"))
    return "".join(cards)


def calendar() -> str:
    """An Outlook-style calendar: a recurring steering group Ruth attended (accepted)."""
    me = f"mailto:{ME_EMAIL}"
    chloe = f"mailto:{MEETING_PERSON[1]}"
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
            "VERSION:2.0",
            "METHOD:PUBLISH",
            "BEGIN:VTIMEZONE",
            "TZID:GMT Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16011028T020000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:-0000",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:16010325T010000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            "TZOFFSETFROM:-0000",
            "TZOFFSETTO:+0100",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f'ORGANIZER;CN="{MEETING_PERSON[0]}":{chloe}',
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="{" ".join(ME)}":{me}',
            "DTSTART;TZID=GMT Standard Time:20260514T100000",
            "DTEND;TZID=GMT Standard Time:20260514T110000",
            "RRULE:FREQ=MONTHLY;COUNT=3",
            "SUMMARY:Digitisation steering group",
            "UID:040000008200E00074C5B7101A82E008000000009A1D2",
            "DTSTAMP:20260501T090000Z",
            "LOCATION:Westmere Central Library\\, Room 2",
            "STATUS:CONFIRMED",
            "END:VEVENT",
            *[line for o in OUTGOING if o.via == "meeting" for line in _meeting(o)],
            "END:VCALENDAR",
            "",
        ]
    )


def _meeting(o: Sent) -> list[str]:
    """A meeting before the user invited ``o``: Marta organised hers; the user
    organised Owen's, a fortnightly series that he accepted."""
    me, them = f"mailto:{ME_EMAIL}", f"mailto:{o.email}"
    first = o.context[0]
    if len(o.context) == 1:
        people = [
            f'ORGANIZER;CN="{o.name}":{them}',
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="{" ".join(ME)}":{me}',
        ]
        rule = []
    else:
        people = [
            f'ORGANIZER;CN="{" ".join(ME)}":{me}',
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="{o.name}":{them}',
        ]
        days = (o.context[1] - first).days
        rule = [f"RRULE:FREQ=WEEKLY;INTERVAL={days // 7};COUNT={len(o.context)}"]
    return [
        "BEGIN:VEVENT",
        *people,
        f"DTSTART;TZID=GMT Standard Time:{first:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=GMT Standard Time:{first + timedelta(hours=1):%Y%m%dT%H%M%S}",
        *rule,
        f"SUMMARY:{o.detail}",
        f"UID:040000008200E00074C5B7101A82E00800000000{stable_id(o.slug)[:16].upper()}",
        f"DTSTAMP:{first - timedelta(days=14):%Y%m%dT%H%M%SZ}",
        "LOCATION:Westmere Central Library\\, Room 2",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]


def _mail(frm: str, to: str, when: datetime, subject: str, body: str) -> str:
    return "\n".join(
        [
            f"From: {frm}",
            f"To: {to}",
            f"Subject: {subject}",
            f"Date: {format_datetime(when)}",
            f"Message-ID: <{stable_id(frm, to, when.isoformat())}@mail.westmere.gov.uk>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
            "",
        ]
    )


def _invitation(
    name: str,
    slug: str,
    headline: str,
    mutuals: list[str],
    note: str,
    when: datetime,
    reminder: bool,
) -> str:
    first = name.split()[0]
    subject = (
        f"{name}'s invitation is waiting for your response"
        if reminder
        else f"{name} wants to connect"
    )
    if mutuals:
        shown = ", ".join(mutuals[:2])
        rest = len(mutuals) - 2
        mutual_line = (
            f"{shown} and {rest} others are mutual connections"
            if rest > 0
            else f"{' and '.join(mutuals)} "
            f"{'are mutual connections' if len(mutuals) > 1 else 'is a mutual connection'}"
        )
    else:
        mutual_line = ""
    plain = "\n".join(
        [
            f"Hi {ME[0]},",
            "",
            note or "I'd like to join your LinkedIn network.",
            "",
            name,
            headline,
            "",
            f"View profile: https://www.linkedin.com/comm/in/"
            f"{slug}?midToken=AQGx&trk=eml-email_m2m_invite_single_01-hero-0",
            "",
            mutual_line,
            "",
            "-----------------------------------------",
            f"This email was intended for {' '.join(ME)}",
            "© 2026 LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA",
        ]
    )
    boundary = f"----=_Part_{stable_id(slug, reminder)}"
    return "\n".join(
        [
            f"From: {first} via LinkedIn <invitations@linkedin.com>",
            f"To: {' '.join(ME)} <{ME_EMAIL}>",
            f"Subject: {subject}",
            f"Date: {format_datetime(when)}",
            f"Message-ID: <{stable_id(slug, when.isoformat())}@prod.linkedin.com>",
            "X-LinkedIn-Class: INVITE-MBR",
            "X-LinkedIn-Template: email_m2m_invite_single_01",
            "List-Unsubscribe: <https://www.linkedin.com/comm/psettings/email-unsubscribe>",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
            "",
            f"--{boundary}",
            "Content-Type: text/plain;charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quopri.encodestring(plain.encode()).decode(),
            f"--{boundary}--",
            "",
        ]
    )


def mailbox(pages: list[dict]) -> str:
    """Ruth's mail: a thread with Ian Fletcher, a newsletter, and LinkedIn's invitations
    (with one reminder for some) for every request whose page has a headline or mutuals."""
    me = f"{' '.join(ME)} <{ME_EMAIL}>"
    ian = f"{MAIL_PERSON[0]} <{MAIL_PERSON[1]}>"
    msgs: list[str] = []
    start = datetime(2026, 4, 2, 9, 30).astimezone()
    for i in range(6):
        when = start + timedelta(days=9 * i)
        frm, to = (ian, me) if i % 2 == 0 else (me, ian)
        msgs.append(
            _mail(
                frm,
                to,
                when,
                "Re: Eastvale special collections loan",
                "Thanks - the loan agreement is attached.\n",
            )
        )
    for o in OUTGOING:  # mail before the user invited them: they wrote first
        them = f"{o.name} <{o.email}>"
        for i, at in enumerate(o.context if o.via == "mail" else ()):
            frm, to = (them, me) if i % 2 == 0 else (me, them)
            subject = o.detail if i == 0 else f"Re: {o.detail}"
            when = at.replace(tzinfo=UTC)
            msgs.append(_mail(frm, to, when, subject, f"Dear {to.split()[0]},\n\nThanks.\n"))
    for i in range(4):
        msgs.append(
            "\n".join(
                [
                    "From: Library News <news@libnews.example>",
                    f"To: {me}",
                    "Subject: This week in libraries",
                    f"Date: {format_datetime(start + timedelta(i * 7))}",
                    "List-Id: <news.libnews.example>",
                    "List-Unsubscribe: <mailto:unsub@libnews.example>",
                    "Precedence: bulk",
                    "Content-Type: text/plain; charset=utf-8",
                    "",
                    "News of the week.",
                    "",
                ]
            )
        )
    for i, page in enumerate(pages):
        when = (TODAY - timedelta(days=2 + i % 20)).astimezone()
        slug = page["profile_url"].rstrip("/").rsplit("/", 1)[-1]
        args = (page["name"], slug, page["headline"], page["mutuals"], page.get("note", ""))
        msgs.append(_invitation(*args, when, reminder=False))
        for r in range(page.get("reminders", 0)):
            msgs.append(_invitation(*args, when + timedelta(days=7 * (r + 1)), reminder=True))
    out = []
    for m in msgs:
        out.append(
            "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n"
            + m.replace("\nFrom ", "\n>From ")
            + "\n"
        )
    return "".join(out)


def mastodon_following() -> str:
    rows = [
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
        [MASTODON_HANDLE, "true", "false", ""],
        ["librarianshipnews@glammr.social", "true", "false", "en"],
        ["openglam@mastodon.social", "true", "false", ""],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def attendees(rnd: random.Random, people: list[tuple[str, str, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Attendee Name", "Email", "Organisation", "Job Title", "Ticket Type"])
    w.writerow(
        [EVENT_PERSON[0], EVENT_PERSON[1], EVENT_PERSON[2], "Metadata Librarian", "Delegate"]
    )
    w.writerow([" ".join(ME), ME_EMAIL, "Westmere City Council", "Senior Librarian", "Speaker"])
    for i, o in enumerate(o for o in OUTGOING if o.via == "event"):
        ticket = "Speaker" if i == 0 else "Delegate"
        w.writerow([o.name, o.email, o.company, o.position, ticket])
    for first, last, _url in rnd.sample(people, 80):
        w.writerow([f"{first} {last}", "", "", "", "Delegate"])
    return buf.getvalue()


def write_sources(
    folder: Path, people: list[tuple[str, str, str]], pages: list[dict], *, seed: int = 7
) -> dict[str, Path]:
    """Write every source file; returns them by kind."""
    rnd = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "vcard": ("contacts.vcf", address_book(rnd, people)),
        "ical": ("calendar.ics", calendar()),
        "mbox": ("mail.mbox", mailbox(pages)),
        "mastodon": ("following_accounts.csv", mastodon_following()),
        "event": ("open-data-in-libraries-2025-attendees.csv", attendees(rnd, people)),
    }
    out = {}
    for kind, (name, text) in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
        out[kind] = folder / name
    return out
