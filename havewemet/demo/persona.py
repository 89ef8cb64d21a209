"""The demo persona: Ruth Calloway, a council librarian, and her LinkedIn export.

Everything is generated from a seed, in the real export formats, so the demo runs
anywhere without network. :data:`PLANTED` (from :mod:`havewemet.demo.planted`)
lists the requests whose verdicts the demo is built to show (and the tests assert).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from faker import Faker

from havewemet.demo import linkedin_export as lx
from havewemet.demo.outgoing import OUTGOING, outgoing_surnames
from havewemet.demo.planted import (  # re-exported: the demo's public names
    BLIND_MUTUALS,
    N_STRANGERS,
    PITCH,
    PLANTED,
    REMINDERS,
    Planted,
    evidence_files,
)
from havewemet.models import stable_id

__all__ = [
    "BLIND_MUTUALS",
    "ME",
    "ME_EMAIL",
    "ME_URL",
    "N_STRANGERS",
    "PITCH",
    "PLANTED",
    "REMINDERS",
    "TODAY",
    "Planted",
    "build_export",
]

TODAY = datetime(2026, 11, 20, 9, 0)
ME = ("Ruth", "Calloway")
ME_URL = "https://www.linkedin.com/in/ruth-calloway-lib"
ME_EMAIL = "ruth.calloway@westmere.gov.uk"


def _fake(seed: int) -> Faker:
    f = Faker(["en_GB", "en_US", "en_IE", "fr_FR", "de_DE", "es_ES", "it_IT", "pl_PL", "nl_NL"])
    f.seed_instance(seed)
    return f


def _slug(first: str, last: str, rnd: random.Random) -> str:
    from havewemet.identity.names import fold

    base = "-".join(fold(f"{first} {last}").replace("'", "").split())
    return f"{base}-{rnd.randrange(16**6):06x}"


def build_export(
    folder: Path,
    *,
    seed: int = 7,
    connections: int = 1500,
    conversations: int = 220,
    as_zip: bool = True,
    people_out: list | None = None,
) -> tuple[Path, list[dict]]:
    """Write the persona's LinkedIn export; returns its path and the invitation pages
    (headline and mutual names, as the user sees them on LinkedIn) for the requests.
    ``people_out``, if given, receives the connections as (first, last, url)."""
    rnd = random.Random(seed)
    fake = _fake(seed)
    reserved = (
        {p.name.split()[-1].lower() for p in PLANTED}
        | {
            "haddad",
            "brennan",
            "calloway",
            "whitfield",
        }
        | outgoing_surnames()
    )
    conns: list[list[object]] = []
    people: list[tuple[str, str, str]] = []  # first, last, url
    while len(people) < connections:
        first, last = fake.first_name(), fake.last_name()
        if last.lower() in reserved:
            continue
        url = f"https://www.linkedin.com/in/{_slug(first, last, rnd)}"
        people.append((first, last, url))
        when = TODAY - timedelta(days=rnd.randrange(30, 5000))
        email = fake.email() if rnd.random() < 0.05 else ""
        company = fake.company() if rnd.random() < 0.8 else "Westmere City Council"
        conns.append([first, last, url, email, company, fake.job(), lx.connected_on(when)])
    conns[5][1] = "Doe, PhD"
    fixed = [
        (
            "Amira",
            "Haddad",
            "amira-haddad-kim",
            "Westmere City Council",
            "Information Governance Lead",
        ),
        (
            "Tom",
            "Brennan",
            "tom-brennan-libraries",
            "Westmere City Council",
            "Library Systems Manager",
        ),
        ("Sarah", "Mitchell", "sarah-mitchell-lib", "Bramley University", "Librarian"),
    ]
    for first, last, slug, company, pos in fixed:
        conns.append(
            [
                first,
                last,
                f"https://www.linkedin.com/in/{slug}",
                "",
                company,
                pos,
                lx.connected_on(TODAY - timedelta(days=900)),
            ]
        )
    for s in OUTGOING:  # the user's invitations that were accepted
        if s.connected:
            conns.append(
                [s.first, s.last, s.url, "", s.company, s.position, lx.connected_on(s.connected)]
            )
    accepted = _accepted_incoming(conns, people, seed)
    for _ in range(3):  # hidden profiles: LinkedIn gives only the date
        conns.append(["", "", "", "", "", "", lx.connected_on(TODAY - timedelta(days=400))])
    files: dict[str, str] = {"Connections.csv": lx.connections_csv(conns)}
    files["Profile.csv"] = lx.csv_text(
        lx.PROFILE_HEADER,
        [
            [
                ME[0],
                ME[1],
                "",
                "",
                "",
                "Senior Librarian, Knowledge & Information at Westmere City Council",
                "",
                "Libraries",
                "",
                "Westmere, England, United Kingdom",
                "",
                "",
                "",
            ]
        ],
    )
    files["Email Addresses.csv"] = lx.csv_text(
        ["Email Address", "Confirmed", "Primary", "Updated On"],
        [[ME_EMAIL, "Yes", "Yes", "1/4/19, 10:02 AM"]],
    )
    files["Positions.csv"] = lx.csv_text(
        ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"],
        [
            ["Westmere City Council", "Senior Librarian", "", "Westmere", "Jan 2019", ""],
            [
                "Harrow & Pike LLP",
                "Law Librarian",
                "Legal research, know-how",
                "London",
                "Mar 2013",
                "Dec 2018",
            ],
            [
                "Bramley University Library",
                "Assistant Librarian",
                "",
                "Bramley",
                "Sep 2009",
                "Feb 2013",
            ],
        ],
    )
    files["messages.csv"], talked = _messages(rnd, people, conversations)
    connected = {row[2]: datetime.strptime(str(row[6]), "%d %b %Y") for row in conns}
    files["Endorsement_Received_Info.csv"] = lx.csv_text(
        [
            "Endorsement Date",
            "Skill Name",
            "Endorser First Name",
            "Endorser Last Name",
            "Endorser Public Url",
            "Endorsement Status",
        ],
        [
            [
                "2024/05/01 10:12:44 UTC",
                "Cataloguing",
                "Grace",
                "Liang",
                "www.linkedin.com/in/grace-liang-archives",
                "ACCEPTED",
            ]
        ]
        + [
            [
                _endorsed(connected[p[2]]),
                "Legal Research",
                p[0],
                p[1],
                p[2].split("//")[1],
                "ACCEPTED",
            ]
            for p in people[:25]
        ],
    )
    files.update(evidence_files())  # the planted cases' own traces
    quiet = [p for p in people[60:] if p[2] not in talked]
    if people_out is not None:
        people_out.extend(people)
    invs, pages = _invitations(rnd, fake, people, quiet, accepted)
    files["Invitations.csv"] = lx.csv_text(lx.INVITATIONS_HEADER_2023, invs)
    files["Rich_Media.csv"] = lx.csv_text(["Date/Time", "Media Link"], [])
    return lx.write_export(folder, files, exported=TODAY, as_zip=as_zip), pages


def _endorsed(connected: datetime) -> str:
    """When a connection endorsed the user for Legal Research (only a connection can):
    in the spring of 2023, or some weeks after connecting if that was later."""
    at = max(datetime(2023, 2, 11, 8), connected + timedelta(days=40, hours=9))
    at = max(connected, min(at, TODAY - timedelta(days=1)))
    return at.strftime("%Y/%m/%d %H:%M:%S UTC")


def _messages(
    rnd: random.Random, people: list[tuple[str, str, str]], n_conv: int
) -> tuple[str, set[str]]:
    rows: list[list[object]] = []
    talked: set[str] = set()
    me_name = " ".join(ME)

    def thread(name: str, url: str, n: int, start: datetime, days: int, two_way: bool = True):
        conv = f"2-{rnd.randrange(16**12):012x}"
        for i in range(n):
            at = start + timedelta(days=days * i / max(n, 1), minutes=rnd.randrange(600))
            mine = two_way and i % 2 == 1
            rows.append(
                [
                    conv,
                    "",
                    me_name if mine else name,
                    ME_URL if mine else url,
                    name if mine else me_name,
                    url if mine else ME_URL,
                    lx.message_date(at),
                    "",
                    "Thanks, speak soon",
                    "INBOX",
                    "No",
                ]
            )

    year_ago = TODAY - timedelta(days=365)
    for first, last, url in rnd.sample(people, n_conv):
        talked.add(url)
        thread(
            f"{first} {last}",
            url,
            rnd.randrange(1, 8),
            year_ago + timedelta(days=rnd.randrange(300)),
            rnd.randrange(1, 40),
        )
    thread("Amira Haddad", "https://www.linkedin.com/in/amira-haddad-kim", 40, year_ago, 350)
    thread(
        "Tom Brennan",
        "https://www.linkedin.com/in/tom-brennan-libraries",
        10,
        TODAY - timedelta(days=200),
        150,
    )
    thread(
        "Daniel Okafor",
        "https://www.linkedin.com/in/daniel-okafor-7b2c91",
        14,
        datetime(2025, 12, 1, 10),
        91,
    )
    thread(
        "Robert Whitfield",
        "https://www.linkedin.com/in/ACoAAB3xYz0BqWhitRobT",
        6,
        datetime(2026, 2, 1, 9),
        60,
    )
    for o in OUTGOING:  # messages before the user invited them (an InMail answered)
        if o.via != "message":
            continue
        conv = f"2-{stable_id(o.url)[:12]}"  # not from rnd: the stream stays as it was
        for i, at in enumerate(o.context):
            mine = i % 2 == 1
            rows.append(
                [
                    conv,
                    "",
                    me_name if mine else o.name,
                    ME_URL if mine else o.url,
                    o.name if mine else me_name,
                    o.url if mine else ME_URL,
                    lx.message_date(at),
                    "",
                    "Thank you for the scans" if mine else "A question about your pamphlets",
                    "INBOX",
                    "No",
                ]
            )
    for i in range(12):  # cold inbound pitches: one-way, never answered
        first, last = ["Alex", "Sam", "Chris", "Jordan"][i % 4], f"Seller{i}"
        thread(
            f"{first} {last}",
            f"https://www.linkedin.com/in/ACoAAseller{i:04d}",
            1,
            TODAY - timedelta(days=rnd.randrange(300)),
            1,
            two_way=False,
        )
    return lx.csv_text(lx.MESSAGES_HEADER, rows), talked


def _accepted_incoming(
    conns: list[list[object]], people: list[tuple[str, str, str]], seed: int
) -> list[tuple[str, str, str, datetime]]:
    """Thirty connections who invited the user within the export's window (one to two
    years ago): each invitation a few days before its ``Connected On``, which
    :func:`build_export` sets here (before any of their messages)."""
    rnd = random.Random(seed + 3)  # apart from the export's stream
    out = []
    for i, (first, last, url) in enumerate(people[30:60], start=30):
        connected = TODAY - timedelta(days=rnd.randrange(375, 700), hours=rnd.randrange(10))
        conns[i][6] = lx.connected_on(connected)
        sent = connected - timedelta(days=rnd.randrange(1, 7), hours=rnd.randrange(12))
        out.append((first, last, url, sent))
    return out


def _invitations(
    rnd: random.Random,
    fake: Faker,
    people: list[tuple[str, str, str]],
    quiet: list[tuple[str, str, str]],
    accepted: list[tuple[str, str, str, datetime]],
):
    rows: list[list[object]] = []
    pages: list[dict] = []
    me_name = " ".join(ME)
    cases = list(PLANTED)
    for _ in range(N_STRANGERS):
        first, last = fake.first_name(), fake.last_name()
        cases.append(
            Planted(f"{first} {last}", f"{_slug(first, last, rnd)}", why="stranger, no note")
        )
    for i, p in enumerate(cases):
        at = TODAY - timedelta(days=1 + i % 25, hours=i)
        rows.append([p.name, me_name, lx.sent_at(at), p.note, "INCOMING", p.url, ME_URL])
        mutuals = list(p.mutuals)
        if p.name == "Victor Lane":
            mutuals = [f"{f} {last}" for f, last, _u in rnd.sample(quiet, BLIND_MUTUALS)]
        if p.headline or mutuals:
            pages.append(
                {
                    "name": p.name,
                    "profile_url": p.url,
                    "headline": p.headline,
                    "mutuals": mutuals,
                    "note": p.note,
                    "reminders": REMINDERS.get(p.name, 0),
                }
            )
    for first, last, url, at in accepted:  # accepted since: now connections
        rows.append([f"{first} {last}", me_name, lx.sent_at(at), "", "INCOMING", url, ME_URL])
    for o in OUTGOING:  # the user's own invitations
        rows.append([me_name, o.name, lx.sent_at(o.sent), o.note, "OUTGOING", ME_URL, o.url])
    return rows, pages
