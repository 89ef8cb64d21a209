"""`havewemet import`, `sources` and `forget` end to end, one file of every format (issue 4).

Every file is generated here in the shape the real export has (Apple vCard with
``\\:`` in URLs and folded lines, Google CSV with BOM and `` ::: ``, Outlook CSV in
Windows-1252, a Google Calendar export, mbox ``From`` lines, a Maildir with a
``.Sent`` folder, X's ``window.YTD`` files, Facebook's mojibake JSON...) and
imported through the CLI as a user would, without ``--format``.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.importers import readers
from tests.test_import_contacts_csv import OUTLOOK_HEADER

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def csv_text(header: list[str], rows: list[list[str]], *, lineterminator: str = "\r\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


# -- one writer per format -------------------------------------------------------------

VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.2//EN\r\nN:Okafor;Ada;;;\r\n"
    "FN:Ada Okafor\r\nORG:Globex\\, Inc.;Research\r\nTITLE:Principal Engineer\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:Ada.Okafor@Globex.example\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+1 (415) 555-0101\r\n"
    "item2.URL;type=pref:https\\://www.linkedin.com/in/ada-okafor-1a2b\r\n"
    "REV:2021-03-14T09:28:38Z\r\nUID:7F3A-11\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dara Nakamura\r\nN:Nakamura;Dara;;;\r\n"
    "EMAIL;TYPE=work:dara@example.org\r\nNOTE:a long note that is folded over two\r\n"
    "  lines\r\nEND:VCARD\r\n"
)
GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
    "Phone 1 - Value",
]  # fmt: skip
GOOGLE_ROWS = [
    ["Ben", "", "Ito", "", "", "", "", "", "", "", "Initech", "Analyst", "", "", "", "",
     "* myContacts ::: Work", "* Work", "ben.ito@initech.example ::: ben@home.example",
     "Mobile", "+44 7700 900123"],
    ["Chloé", "", "Martin", "", "", "", "", "", "", "", "", "", "", "", 'met at, "PyCon"', "",
     "* myContacts", "* Home", "chloe@example.fr", "", ""],
]  # fmt: skip
ICS = (
    "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:me@example.com\r\n"
    "X-WR-TIMEZONE:Europe/London\r\n"
    "BEGIN:VEVENT\r\nDTSTART:20240305T100000Z\r\nDTEND:20240305T110000Z\r\n"
    "DTSTAMP:20240301T000000Z\r\nORGANIZER;CN=me@example.com:mailto:me@example.com\r\n"
    "UID:evt1@google.com\r\n"
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Eve Park;X-NUM-GUE\r\n"
    " STS=0:mailto:eve.park@example.com\r\n"
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@example.com;X-NUM\r\n"
    " -GUESTS=0:mailto:me@example.com\r\n"
    "SUMMARY:Project kickoff\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def message(frm: str, to: str, subject: str, date: str, extra: str = "") -> str:
    msg_id = f"<{abs(hash((frm, to, date))) % 10**12}@example.com>"
    return (
        f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
        f"Message-ID: {msg_id}\r\nMIME-Version: 1.0\r\n{extra}\r\nHello\r\n"
    )


SENT = "X-Gmail-Labels: Sent,Opened\r\n"  # Gmail Takeout marks the user's own mail


def mbox_text(sent_label: str = SENT) -> str:
    msgs = [
        ("Fay Lee <fay@example.net>", "Me <me@example.com>", "Lunch?", ""),
        ("Me <me@example.com>", "Fay Lee <fay@example.net>", "Re: Lunch?", SENT),
        ("News <news@list.example>", "me@example.com", "Weekly", "List-Id: <w.list.example>\r\n"),
    ]
    msgs[1] = (*msgs[1][:3], sent_label)
    return "".join(
        "From MAILER-DAEMON Mon Mar  4 09:00:00 2024\n"
        + message(frm, to, subj, f"Mon, 4 Mar 2024 0{i}:00:00 +0000", extra).replace("\r\n", "\n")
        + "\n"
        for i, (frm, to, subj, extra) in enumerate(msgs)
    )


def write_maildir(root: Path) -> Path:
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    (root / "cur" / "1709542800.M1P1.host:2,S").write_text(
        message("Gus Grant <gus@example.org>", "me@example.com", "Draft", "Mon, 4 Mar 2024 09:00")
    )
    (root / ".Sent" / "cur" / "1709546400.M2P1.host:2,S").write_text(
        message("me@example.com", "Gus Grant <gus@example.org>", "Re: Draft", "Mon, 4 Mar 2024")
    )
    return root


def ytd(name: str, entries: list) -> str:
    body = json.dumps(entries, indent=2, separators=(",", " : "), ensure_ascii=False)
    return f"window.YTD.{name}.part0 = {body}"


def x_entry(kind: str, account_id: str) -> dict:
    link = f"https://twitter.com/intent/user?user_id={account_id}"
    return {kind: {"accountId": account_id, "userLink": link}}


X_FILES = {
    "data/following.js": ytd("following", [x_entry("following", "12"), x_entry("following", "34")]),
    "data/follower.js": ytd("follower", [x_entry("follower", "12")]),
    "data/account.js": ytd(
        "account",
        [
            {
                "account": {
                    "email": "me@example.com",
                    "createdVia": "web",
                    "username": "me_x",
                    "accountId": "99",
                    "createdAt": "2010-03-01T09:15:00.000Z",
                    "accountDisplayName": "Me",
                }
            }
        ],
    ),
    "Your archive.html": "<html></html>",
}
MASTODON = (
    "Account address,Show boosts,Notify on new posts,Languages\n"
    "Gargron@mastodon.social,true,false,\n"
    'ann@fosstodon.org,true,true,"en,fr"\n'
)
FACEBOOK_FILES = {
    # Facebook writes UTF-8 bytes as \u00XX escapes (mojibake): Björnsdóttir
    "connections/friends/your_friends.json": json.dumps(
        {
            "friends_v2": [
                {"name": "Ingrid Bj\u00c3\u00b6rnsd\u00c3\u00b3ttir", "timestamp": 1277337600}
            ]
        },
        indent=2,
    ),
    "connections/friends/received_friend_requests.json": json.dumps(
        {"received_requests_v2": [{"name": "Ken Ito", "timestamp": 1700000000}]}, indent=2
    ),
}
BLUESKY = json.dumps(
    {
        "subject": {"did": "did:plc:me", "handle": "me.bsky.social"},
        "follows": [
            {
                "did": "did:plc:alice1",
                "handle": "alice.bsky.social",
                "displayName": "Alice A",
                "createdAt": "2023-04-01T00:00:00.000Z",
            }
        ],
        "cursor": "abc",
    },
    indent=2,
)


def write_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def outlook_text() -> str:
    row = [""] * len(OUTLOOK_HEADER)
    row[0], row[2], row[8], row[29], row[31] = "Dmitri", "Völkov", "dv@example.ru", "CTO", "Hooli"
    return csv_text(OUTLOOK_HEADER, [row])


# name -> (writer, extra CLI options, source name, kind, identities, interactions)
FORMATS: dict[str, tuple] = {
    "vcf": (lambda d: write(d / "contacts.vcf", VCF), [], "vcard:contacts", "vcard", 2, 2),
    "google": (
        lambda d: write(d / "google.csv", "\ufeff" + csv_text(GOOGLE_HEADER, GOOGLE_ROWS)),
        [],
        "google:google",
        "google-csv",
        2,
        2,
    ),
    "outlook": (
        lambda d: write(d / "outlook.CSV", outlook_text(), "cp1252"),
        [],
        "outlook:outlook",
        "outlook-csv",
        1,
        1,
    ),
    "ics": (lambda d: write(d / "calendar.ics", ICS), [], "ical:calendar.ics", "ical", 1, 1),
    "mbox": (
        lambda d: write(d / "All mail.mbox", mbox_text()),
        [],
        "mbox:All mail.mbox",
        "mbox",
        1,
        2,
    ),
    "maildir": (lambda d: write_maildir(d / "Maildir"), [], "maildir:Maildir", "maildir", 1, 2),
    "eml": (
        lambda d: write(
            d / "intro.eml",
            message("Hana Kim <hana@example.kr>", "me@example.com", "Hi", "Wed, 6 Mar 2024"),
        ),
        ["--me", "me@example.com"],
        "eml:intro.eml",
        "eml",
        1,
        1,
    ),
    "x": (lambda d: write_zip(d / "twitter-2024.zip", X_FILES), [], "x", "x-archive", 2, 2),
    "mastodon": (
        lambda d: write(d / "following_accounts.csv", MASTODON),
        [],
        "mastodon",
        "mastodon-csv",
        2,
        2,
    ),
    "facebook": (
        lambda d: write_zip(d / "facebook-me.zip", FACEBOOK_FILES),
        [],
        "facebook",
        "facebook-json",
        2,
        2,
    ),
    "bluesky": (lambda d: write(d / "follows.json", BLUESKY), [], "bluesky", "bluesky-json", 1, 1),
    "attendees": (
        lambda d: write(
            d / "attendees.csv",
            csv_text(
                ["Attendee", "Company", "Contact"],
                [["Ivy Chen", "Acme", "ivy@acme.example"], ["Jon Park", "", "jon@initech.example"]],
            ),
        ),
        ["--event", "PyCon UK 2024", "--event-date", "2024-09-20"]
        + ["--map", "name=Attendee", "--map", "email=Contact"],
        "event:pycon-uk-2024",
        "people-list",
        2,
        2,
    ),
    "members": (
        lambda d: write(
            d / "members.csv",
            csv_text(
                ["Full Name", "Email", "Organisation"],
                [["Kim Lowe", "kim@law.example", "Lowe LLP"]],
            ),
        ),
        ["--list-kind", "member"],
        "members:members",
        "people-list",
        1,
        1,
    ),
}


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def per_source(db: Path) -> dict[str, tuple[int, int]]:
    ident = dict(rows(db, "select source, count(*) from identities group by source"))
    inter = dict(rows(db, "select source, count(*) from interactions group by source"))
    return {s: (ident.get(s, 0), inter.get(s, 0)) for s in {*ident, *inter}}


# -- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_import_detects_the_format_and_reimport_changes_nothing(
    db_path: Path, tmp_path: Path, fmt: str
) -> None:
    writer, opts, source, kind, n_ident, n_inter = FORMATS[fmt]
    path = writer(tmp_path)
    first = run("import", path, *opts)
    assert first.exit_code == 0, first.output
    assert f"as source '{source}'" in " ".join(first.output.split())
    assert per_source(db_path) == {source: (n_ident, n_inter)}
    again = run("import", path, *opts, "--json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["source"] == source
    assert all(n == 0 for n in report["added"].values()), report
    assert all(n == 0 for n in report["updated"].values()), report
    listed = json.loads(run("sources", "--json").output)
    assert [(r["name"], r["kind"], r["identities"], r["interactions"]) for r in listed] == [
        (source, kind, n_ident, n_inter)
    ]
    assert listed[0]["imported_at"][:2] == "20" and listed[0]["path"] == str(path)
    files = listed[0]["report"]  # per file, as JSON (not a string of JSON)
    assert sum(f["interactions"] for f in files) == n_inter
    assert {"file", "kind", "rows", "identities", "interactions", "note"} <= set(files[0])


def test_sources_lists_every_import_and_forget_removes_only_one(
    db_path: Path, tmp_path: Path
) -> None:
    for writer, opts, *_ in FORMATS.values():
        result = run("import", writer(tmp_path), *opts)
        assert result.exit_code == 0, result.output
    expected = {source: (n_i, n_x) for _w, _o, source, _k, n_i, n_x in FORMATS.values()}
    assert per_source(db_path) == expected
    listing = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["sources"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].split() == ["source", "format", "imported", "people", "evidence", "requests"]
    table = lines[2 : lines.index("From:")]
    assert len(table) == len(FORMATS)
    for _w, _o, source, kind, n_i, n_x in FORMATS.values():
        (line,) = [ln for ln in table if ln.startswith(source + " ")]
        assert line[len(source) :].split()[0] == kind
        assert line.split()[-3:-1] == [str(n_i), str(n_x)]

    gone = run("forget", "mbox:All mail.mbox")
    assert gone.exit_code == 0, gone.output
    assert gone.output.startswith("Removed mbox:All mail.mbox: 2 interactions, 1 identities")
    del expected["mbox:All mail.mbox"]
    assert per_source(db_path) == expected
    names = [r["name"] for r in json.loads(run("sources", "--json").output)]
    assert "mbox:All mail.mbox" not in names and len(names) == len(FORMATS) - 1

    x_gone = run("forget", "x")  # the X account (profile row) goes with it
    assert x_gone.exit_code == 0
    assert "1 profile" in x_gone.output
    assert rows(db_path, "select count(*) from profile where source = 'x'") == [(0,)]
    assert "x" not in per_source(db_path)


def test_forget_unknown_source_names_the_ones_there(db_path: Path, tmp_path: Path) -> None:
    run("import", write(tmp_path / "follows.json", BLUESKY))
    result = run("forget", "mbox")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: no source named 'mbox' (imported sources: bluesky)")


def test_attendee_list_options_give_the_event_and_date(db_path: Path, tmp_path: Path) -> None:
    for key in ("attendees", "members"):
        writer, opts, *_ = FORMATS[key]
        assert run("import", writer(tmp_path), *opts).exit_code == 0
    got = rows(
        db_path,
        "select i.source, d.name, i.kind, i.at, i.direction, i.detail from interactions i "
        "join identities d on d.id = i.identity_id order by d.name",
    )
    assert got == [
        ("event:pycon-uk-2024", "Ivy Chen", "event", "2024-09-20", "both", "PyCon UK 2024"),
        ("event:pycon-uk-2024", "Jon Park", "event", "2024-09-20", "both", "PyCon UK 2024"),
        ("members:members", "Kim Lowe", "member", None, "none", "members"),
    ]


def test_bad_map_and_event_date_are_errors_naming_the_flag(db_path: Path, tmp_path: Path) -> None:
    writer, *_ = FORMATS["attendees"]
    path = writer(tmp_path)
    bad_map = run("import", path, "--map", "name")
    assert bad_map.exit_code == 1
    assert bad_map.output.strip() == (
        "Error: --map 'name': write it as field=Column, e.g. --map name='Full Name'"
    )
    bad_date = run("import", path, "--event-date", "next tuesday")
    assert bad_date.exit_code == 1
    assert "the event date 'next tuesday' is not a date" in bad_date.output
    assert not db_path.exists() or per_source(db_path) == {}


def test_zip_of_vcards_and_bluesky_folder_or_zip_are_detected(
    db_path: Path, tmp_path: Path
) -> None:
    cards = write_zip(
        tmp_path / "iCloud vCards.zip",
        {"Contacts/Ada Okafor.vcf": VCF.split("BEGIN:VCARD")[1].join(["BEGIN:VCARD", ""]),
         "Contacts/.DS_Store": "\x00"},
    )  # fmt: skip
    folder = tmp_path / "bsky"
    folder.mkdir()
    write(folder / "follows.json", BLUESKY)
    write(folder / "followers.json", '[{"did": "did:plc:zed9", "handle": "zed.bsky.social"}]')
    bsky_zip = write_zip(
        tmp_path / "bsky-export.zip",
        {"follows.json": BLUESKY, "followers.json": (folder / "followers.json").read_text()},
    )
    assert run("import", cards).exit_code == 0
    assert run("import", folder, "--source", "bluesky-folder").exit_code == 0
    assert run("import", bsky_zip, "--source", "bluesky-zip").exit_code == 0
    assert per_source(db_path) == {
        "vcard:iCloud vCards": (1, 1),
        "bluesky-folder": (2, 2),
        "bluesky-zip": (2, 2),
    }


def test_unrecognised_file_error_lists_the_formats_and_the_flag(
    db_path: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "notes.txt", "hello world\n")
    result = run("import", path)
    assert result.exit_code == 1
    known = ", ".join(sorted(readers()))
    assert result.output.strip() == (
        f"Error: {path}: is not in a format havewemet recognises. "
        f"Give --format with one of: {known}"
    )
    assert {"vcard", "ical", "mbox", "x-archive", "people-list", "bluesky-json"} <= set(readers())


def test_x_following_and_follower_imported_one_by_one_are_one_mutual_follow(
    db_path: Path, tmp_path: Path
) -> None:
    for name in ("following.js", "follower.js"):
        path = write(tmp_path / name, X_FILES[f"data/{name}"])
        assert run("import", path).exit_code == 0
    follows = rows(db_path, "select identity_id, direction from interactions where kind = 'follow'")
    assert sorted(d for _i, d in follows) == ["in", "out", "out"]
    from havewemet.store import Store
    from havewemet.triage.evidence import from_interactions

    store = Store.open(db_path)
    try:
        by_id: dict[str, list[dict]] = {}
        for r in store.interactions_for({i for i, _d in follows}):
            by_id.setdefault(r["identity_id"], []).append(r)
        texts = sorted(e.text for rs in by_id.values() for e in from_interactions(rs))
    finally:
        store.close()
    assert texts == ["you follow each other on X", "you follow them on X"]


def test_forget_mail_keeps_requests_the_linkedin_export_also_gives(
    db_path: Path, tmp_path: Path
) -> None:
    from datetime import datetime

    from havewemet.demo import linkedin_export as lx
    from havewemet.demo.sources import mailbox

    page = {
        "name": "Lena Vogt",
        "profile_url": "https://www.linkedin.com/in/lena-vogt-91a2",
        "headline": "Growth Lead at ResearchAI",
        "mutuals": [],
        "note": "",
        "reminders": 1,
    }
    mbox = write(tmp_path / "mail.mbox", mailbox([page]))
    row = ["Lena Vogt", "Ruth Calloway", "11/18/26, 9:00 AM", "", "INCOMING", page["profile_url"],
           "https://www.linkedin.com/in/ruth-calloway-lib"]  # fmt: skip
    export = lx.write_export(
        tmp_path / "li",
        {"Invitations.csv": lx.csv_text(lx.INVITATIONS_HEADER_2023, [row])},
        exported=datetime(2026, 11, 20),
    )
    assert run("import", mbox, "--me", "ruth.calloway@westmere.gov.uk").exit_code == 0
    assert run("import", export).exit_code == 0
    assert rows(db_path, "select name from requests") == [("Lena Vogt",)]
    assert run("forget", "mbox:mail.mbox").exit_code == 0
    assert rows(db_path, "select name from requests") == [("Lena Vogt",)]


def test_mbox_without_a_clue_to_the_users_address_says_to_give_me(
    db_path: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "old.mbox", mbox_text(sent_label=""))
    result = run("import", path)
    assert result.exit_code == 0
    assert (
        f"warning: {path}: could not tell which address is yours, so every message is "
        "counted as written to you; import again with --me YOUR@ADDRESS"
    ) in " ".join(result.output.split())
    fixed = run("import", path, "--me", "Me@Example.com", "--source", "mail-with-me")
    assert fixed.exit_code == 0 and "could not tell" not in fixed.output
    assert rows(
        db_path,
        "select d.key, i.direction from interactions i join identities d on d.id = i.identity_id "
        "where i.source = 'mail-with-me' order by i.direction",
    ) == [("fay@example.net", "in"), ("fay@example.net", "out")]
