"""The files a user really has, imported as the user does it (issue 13, items 5 to 12).

Each test runs ``havewemet import`` (and ``sources``) and asserts what it prints.
Every file is written here in the shape the real export has.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from havewemet.cli.app import app
from tests.test_cli_sources import message, x_entry, ytd
from tests.test_import_linkedin import BASIC, CONNECTIONS_2023, make_export

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def said(result) -> str:
    """The output on one line (Rich wraps at the terminal's width)."""
    return " ".join(result.output.split())


def sources(db: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "select s.name, (select count(*) from identities i where i.source = s.name),"
            " (select count(*) from interactions i where i.source = s.name) from sources s"
        ).fetchall()


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def unzip_as_the_user_does(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    return folder


# -- 12: the same export as a zip and as its unzipped folder --------------------------------


def test_the_zip_and_its_unzipped_folder_alternated_change_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    zipped = make_export(tmp_path, BASIC)
    folder = unzip_as_the_user_does(zipped, tmp_path / "Basic_LinkedInDataExport_11-20-2026")
    first = run("import", zipped)
    assert "Store: identities: 6 new, 0 updated; interactions: 7 new" in said(first)
    for path in (folder, zipped, folder):
        again = run("import", path)
        assert again.exit_code == 0, again.output
        assert (
            "Store: identities: 0 new, 0 updated; interactions: 0 new, 0 updated; "
            "requests: 0 new, 0 updated" in said(again)
        ), path
    with sqlite3.connect(db_path) as conn:  # the file inside the export, not the container
        files = {f for (f,) in conn.execute("select distinct file from identities")}
    assert files == {"Connections.csv", "Invitations.csv", "messages.csv"}


# -- 10: a CSV cut in the middle of a row ----------------------------------------------------


def test_a_connections_csv_cut_mid_row_is_refused_with_its_line(
    db_path: Path, tmp_path: Path
) -> None:
    cut = CONNECTIONS_2023 + "Kacper,Pieper,https://www.linkedin.com/in"  # no final newline
    path = tmp_path / "Connections.csv"
    path.write_text(cut, encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 1
    assert said(result) == (
        f"Error: {path}, line 8: ends in the middle of a row (its last row has 3 of the "
        "header's 7 fields and no line break after it): the file is cut short. Export it "
        "again (or download it again) and import the whole file"
    )
    assert sources(db_path) == []


def test_a_last_row_with_every_field_and_no_final_newline_imports(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(CONNECTIONS_2023.rstrip("\r\n"), encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert sources(db_path) == [("linkedin", 2, 2)]  # the third row: a hidden profile


def test_a_people_list_cut_mid_row_is_refused(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "attendees.csv"
    path.write_text("Name,Email,Company\nAda Byron,ada@example.org,Analytical\nBob,bo", "utf-8")
    result = run("import", path, "--format", "people-list")
    assert result.exit_code == 1
    assert said(result).startswith(f"Error: {path}, line 3: ends in the middle of a row")


# -- 11: damaged and empty files ------------------------------------------------------------


def test_a_truncated_zip_under_any_name_is_a_damaged_zip(db_path: Path, tmp_path: Path) -> None:
    whole = make_export(tmp_path / "z", BASIC).read_bytes()
    for name in ("export.zip", "download", "facebook-ruth-2026.zip", "archive.dat"):
        path = tmp_path / name
        path.write_bytes(whole[: len(whole) // 2])
        result = run("import", path)
        assert result.exit_code == 1, name
        assert said(result) == (
            f"Error: {path}: is not a readable zip archive (truncated or damaged). "
            "Download the export again, or unzip it and import the folder"
        ), name
    assert sources(db_path) == []


def test_an_empty_zip_file_is_a_damaged_zip(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"")
    result = run("import", path)
    assert result.exit_code == 1
    assert "is not a readable zip archive" in said(result) or "is empty" in said(result)


def test_an_empty_file_forced_as_mbox_is_refused_and_leaves_no_source(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "Inbox.mbox"
    path.write_bytes(b"")
    result = run("import", path, "--format", "mbox")
    assert result.exit_code == 1
    assert said(result) == (
        f"Error: {path}: is empty (0 bytes). Check that it is the right file, or download "
        "or export it again"
    )
    assert json.loads(run("sources", "--json").output) == []


# -- 5: a folder of loose .eml files ---------------------------------------------------------


def test_a_folder_of_eml_files_imports_as_a_mailbox(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "Saved mail"
    (folder / "Sent").mkdir(parents=True)
    (folder / "lunch.eml").write_text(
        message("Fay Lee <fay@example.net>", "Me <me@example.com>", "Lunch?", "Mon, 4 Mar 2024")
    )
    (folder / "Sent" / "Re lunch.eml").write_text(
        message("Me <me@example.com>", "Fay Lee <fay@example.net>", "Re: Lunch?", "Tue, 5 Mar 2024")
    )
    (folder / "notes.txt").write_text("not mail")
    (folder / "broken.eml").write_text("just some text, no headers\n")
    result = run("import", folder, "--me", "me@example.com")
    assert result.exit_code == 0, result.output
    out = said(result)
    assert "as source 'eml:Saved mail'" in out
    assert "Saved mail/broken.eml: is not an e-mail message" in out
    assert "Not used (no evidence about people): notes.txt" in out
    acts = query(
        db_path,
        "select i.key, a.kind, a.direction, a.count, a.file from interactions a"
        " join identities i on i.id = a.identity_id order by a.direction",
    )
    assert acts == [
        ("fay@example.net", "mail", "in", 1, "lunch.eml"),
        ("fay@example.net", "mail", "out", 1, "Sent/Re lunch.eml"),
    ]


# -- 6: an X follow known only by its account id ---------------------------------------------


def test_an_x_follow_by_id_is_kept_with_its_address_and_a_later_file_joins_it(
    db_path: Path, tmp_path: Path
) -> None:
    first = tmp_path / "following.js"
    first.write_text(ytd("following", [x_entry("following", "2244994945")]))
    assert run("import", first).exit_code == 0
    (urls, handles), *_ = query(db_path, "select urls, handles from identities")
    assert json.loads(urls) == ["https://x.com/i/user/2244994945"]
    # A later archive names the same account: the same person, now with the name.
    later = tmp_path / "later" / "follower.js"
    later.parent.mkdir()
    entry = {"follower": {"accountId": "2244994945", "userLink": "https://x.com/XDevelopers"}}
    later.write_text(ytd("follower", [entry]))
    result = run("import", later)
    assert "identities: 0 new, 1 updated" in said(result)
    rows = query(db_path, "select urls, handles from identities")
    assert [(json.loads(u), json.loads(h)) for u, h in rows] == [
        (
            ["https://x.com/i/user/2244994945", "https://x.com/XDevelopers"],
            ["x:2244994945", "@XDevelopers"],
        )
    ]


# -- 4: Facebook, HTML (the default download) and JSON messages ------------------------------


def fb_section(name: str, date: str, body: str = "") -> str:
    """One entry of a 2024 HTML page: a <section>, the name in <h2>, the date in <footer>."""
    content = f'<div class="_2ph_ _a6-p"><div><div></div><div>{body}</div></div></div>'
    return (
        f'<section class="_a6-g" aria-labelledby="u_0_{len(name)}">'
        f'<h2 class="_2ph_ _a6-h _a6-i">{name}</h2>'
        + (content if body else "")
        + f'<footer class="_3-94 _a6-o"><div class="_a72d">{date}</div></footer></section>\n'
    )


def fb_box(name: str, date: str) -> str:
    """One entry of an older HTML page: a uiBoxWhite box, the name first, the date last."""
    return (
        '<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder">'
        f'<div class="_3-95 _2pim _a6-h _a6-i">{name}</div>'
        f'<div class="_3-94 _a6-o">{date}</div></div>\n'
    )


def fb_page(title: str, entries: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8" /><title>'
        f"{title}</title><style>._a6-g{{color:#000}}</style></head><body>"
        f'<div class="_a705"><div class="_a706"><h1 class="_a70e">{title}</h1>'
        f"{entries}</div></div></body></html>"
    )


def fb_mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def fb_thread_json(me: str, other: str, stamps: list[tuple[str, int]]) -> str:
    """message_1.json as Facebook writes it: newest first, names in mojibake."""
    return json.dumps(
        {
            "participants": [{"name": fb_mojibake(other)}, {"name": fb_mojibake(me)}],
            "messages": [
                {
                    "sender_name": fb_mojibake(who),
                    "timestamp_ms": ms,
                    "content": fb_mojibake("Ça va?"),
                    "is_geoblocked_for_viewer": False,
                }
                for who, ms in sorted(stamps, key=lambda s: -s[1])
            ],
            "title": fb_mojibake(other),
            "is_still_participant": True,
            "thread_path": "inbox/x_1234",
            "magic_words": [],
        },
        indent=2,
    )


def facebook_zip(path: Path, files: dict[str, str]) -> Path:
    """A download as Facebook zips it: every folder has its own entry ("messages/")."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        folders = sorted({str(Path(n).parent) + "/" for n in files} - {"./"})
        for folder in folders:
            parts = folder.rstrip("/").split("/")
            for i in range(1, len(parts) + 1):
                name = "/".join(parts[:i]) + "/"
                if name not in zf.namelist():
                    zf.writestr(name, "")
        for name, text in files.items():
            zf.writestr(name, text)
    return path


FB_HTML = {
    "connections/friends/your_friends.html": fb_page(
        "Your friends",
        fb_section("Zoë Ångström", "Jul 01, 2024 6:25:04 PM")
        + fb_section("O&#039;Brien Kelly", "Feb 28, 2025 10:07 am"),
    ),
    "your_facebook_activity/messages/inbox/zoangstrom_123/message_1.html": fb_page(
        "Zoë Ångström",
        fb_section("Ruth Calloway", "Mar 03, 2025 9:00:00 am", "Thanks!")
        + fb_section("Zoë Ångström", "Mar 02, 2025 8:30:00 pm", "Dinner on Friday?"),
    ),
    "your_facebook_activity/messages/inbox/pat_456/message_1.html": fb_page(
        "Pat Lowe", fb_section("Pat Lowe", "Jan 05, 2025 1:00:00 pm", "Hello")
    ),
    "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.html": fb_page(
        "Your posts", fb_section("Ruth Calloway", "Jan 01, 2025 1:00:00 pm", "Happy new year")
    ),
    "start_here.html": "<html><body>Start here</body></html>",
}


def test_a_facebook_html_download_zip_is_facebook_and_a_thread_is_two_way_contact(
    db_path: Path, tmp_path: Path
) -> None:
    path = facebook_zip(tmp_path / "facebook-ruthcalloway-2025-03-10-AbCd.zip", FB_HTML)
    result = run("import", path)
    assert result.exit_code == 0, result.output
    out = said(result)
    assert "as source 'facebook'" in out
    assert (
        "Not used (no evidence about people): "
        "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.html, "
        "start_here.html" in out
    )
    acts = query(
        db_path,
        "select i.name, a.kind, a.direction, a.at, a.count, a.detail from interactions a"
        " join identities i on i.id = a.identity_id order by i.name, a.kind, a.direction",
    )
    assert acts == [
        ("O'Brien Kelly", "friend", "both", "2025-02-28", 1, ""),
        ("Pat Lowe", "message", "in", "2025-01-05T13:00:00", 1, "first 2025-01-05"),
        ("Zoë Ångström", "friend", "both", "2024-07-01", 1, ""),
        ("Zoë Ångström", "message", "in", "2025-03-02T20:30:00", 1, "first 2025-03-02"),
        ("Zoë Ångström", "message", "out", "2025-03-03T09:00:00", 1, "first 2025-03-03"),
    ]
    # The same download unzipped: nothing changes.
    folder = unzip_as_the_user_does(path, tmp_path / "facebook-ruthcalloway-2025-03-10-AbCd")
    again = run("import", folder)
    assert "identities: 0 new, 0 updated; interactions: 0 new, 0 updated" in said(again)


def test_an_older_html_friends_page_with_boxes_imports(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "friends" / "friends.html"
    path.parent.mkdir()
    path.write_text(
        fb_page("Friends", fb_box("Ann Lee", "Jan 1, 2018, 10:30 AM") + fb_box("Bo Yu", "1 janv.")),
        encoding="utf-8",
    )
    result = run("import", path)
    assert result.exit_code == 0, result.output
    acts = query(
        db_path,
        "select i.name, a.at from interactions a join identities i on i.id = a.identity_id"
        " order by i.name",
    )
    assert acts == [("Ann Lee", "2018-01-01"), ("Bo Yu", None)]


def test_facebook_json_messages_with_mojibake_are_two_way_contact(
    db_path: Path, tmp_path: Path
) -> None:
    me, other = "Ruth Calloway", "José Núñez"
    files = {
        "messages/inbox/josenunez_9f8e/message_1.json": fb_thread_json(
            me, other, [(other, 1709280000000), (me, 1709290000000), (other, 1709370000000)]
        ),
        "messages/inbox/josenunez_9f8e/photos/1.jpg": "",
        "posts/your_posts_1.json": json.dumps([{"timestamp": 1, "data": [{"post": "hi"}]}]),
    }
    path = facebook_zip(tmp_path / "facebook-ruth.zip", files)
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert "posts/your_posts_1.json" in said(result)
    acts = query(
        db_path,
        "select i.name, a.direction, a.count from interactions a"
        " join identities i on i.id = a.identity_id order by a.direction",
    )
    assert acts == [(other, "in", 2), (other, "out", 1)]


# -- 8: address books exported with no header row --------------------------------------------


def thunderbird_row(first: str, last: str, email: str, work: str, org: str) -> list[str]:
    row = [""] * 36  # Thunderbird 2 wrote 36 columns, no header, a trailing comma
    row[0], row[1], row[2], row[4], row[6], row[25] = (
        first,
        last,
        f"{first} {last}",
        email,
        work,
        org,
    )
    return row


def test_an_older_thunderbird_csv_with_no_header_is_recognised_by_its_columns(
    db_path: Path, tmp_path: Path
) -> None:
    rows = [
        thunderbird_row("Jürgen", "Weiß", "jweiss@example.de", "+49 30 1234567", "Stadtbibliothek"),
        thunderbird_row("Ann", "Lee", "ann.lee@example.org", "", ""),
    ]
    path = tmp_path / "addressbook.csv"
    # Windows ANSI, as Thunderbird on Windows wrote it, CRLF, a comma at each line's end
    path.write_bytes("".join(",".join(r) + ",\r\n" for r in rows).encode("cp1252"))
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert "as source 'thunderbird:addressbook'" in said(result)
    got = query(db_path, "select name, emails, phones, company from identities")
    assert got == [
        ("Jürgen Weiß", '["jweiss@example.de"]', '["+49301234567"]', "Stadtbibliothek"),
        ("Ann Lee", '["ann.lee@example.org"]', "[]", ""),
    ]


def test_a_palm_desktop_csv_and_a_plain_list_with_no_header_import(
    db_path: Path, tmp_path: Path
) -> None:
    palm = tmp_path / "palm.csv"
    palm.write_text(
        '"Okafor","Daniel","Archivist","Eastvale Records","020 7946 0001","","","",'
        '"d.okafor@example.org","1 High St","Eastvale","","","UK","","","","","","0","Work"\n'
    )
    plain = tmp_path / "friends.csv"
    plain.write_text(
        "Amira Haddad,amira@example.net,+44 20 7946 0002\nTom Brennan,tom@example.com,\n"
    )
    assert run("import", palm).exit_code == 0
    assert run("import", plain).exit_code == 0
    got = query(db_path, "select source, name, emails, company from identities")
    assert got == [
        ("palm:palm", "Daniel Okafor", '["d.okafor@example.org"]', "Eastvale Records"),
        ("contacts:friends", "Amira Haddad", '["amira@example.net"]', ""),
        ("contacts:friends", "Tom Brennan", '["tom@example.com"]', ""),
    ]


# -- 9: one bad item does not sink a file ----------------------------------------------------

ICS_EVENT = (
    "BEGIN:VEVENT\r\nDTSTART:{start}\r\nDTEND:20240305T110000Z\r\nDTSTAMP:20240301T000000Z\r\n"
    "UID:{uid}@google.com\r\nSUMMARY:{summary}\r\n"
    "ORGANIZER;CN=Ruth Calloway:mailto:ruth@example.org\r\n"
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN={name}:mailto:{mail}\r\n"
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ruth Calloway:"
    "mailto:ruth@example.org\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n"
)


def test_a_calendar_with_one_malformed_event_date_imports_the_rest(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ruth@example.org.ics"
    path.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
            "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:ruth@example.org\r\n"
            + ICS_EVENT.format(
                start="20240305T100000Z",
                uid="a1",
                summary="Budget",
                name="Ann Lee",
                mail="ann@example.org",
            )
            + ICS_EVENT.format(
                start="2024-03-0T10:00",
                uid="a2",
                summary="Broken",
                name="Bo Yu",
                mail="bo@example.org",
            )
            + "END:VCALENDAR\r\n"
        ).encode()
    )
    result = run("import", path)
    assert result.exit_code == 0, result.output
    out = said(result)
    assert (
        f"warning: {path}, line 18: is not valid iCalendar (DTSTART: Wrong datetime format: "
        "2024-03-0T10:00)" in out
    )
    assert "(this event is skipped; the others are imported)" in out
    assert "1 event with an unreadable date skipped" in out
    assert "interactions: 1 new" in out


def test_an_address_book_with_one_unreadable_card_imports_the_others(
    db_path: Path, tmp_path: Path
) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{fn}\r\nN:{n};;;\r\nEMAIL;TYPE=INTERNET:{mail}\r\n"
        "END:VCARD\r\n"
    )
    path = tmp_path / "contacts.vcf"
    path.write_text(
        card.format(fn="Ann Lee", n="Lee;Ann", mail="ann@example.org")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Yu\r\nBDAY;VALUE=DATE:\r\nthis line is damaged\r\n"
        "END:VCARD\r\n" + card.format(fn="Cy Ng", n="Ng;Cy", mail="cy@example.org"),
        encoding="utf-8",
    )
    result = run("import", path)
    assert result.exit_code == 0, result.output
    out = said(result)
    assert f"warning: {path}, line 7: the vCard that begins here cannot be read" in out
    assert "1 unreadable cards skipped" in out
    assert "identities: 2 new" in out


def test_a_cut_short_address_book_is_still_refused_whole(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Bo")
    result = run("import", path)
    assert result.exit_code == 1
    assert said(result).startswith(f"Error: {path}, line 5:")
    assert sources(db_path) == []


# -- 7: Mastodon's older plain-text lists ------------------------------------------------------


def test_mastodons_older_lists_with_no_header_import(db_path: Path, tmp_path: Path) -> None:
    # Before Mastodon 3.3: one account address a line, no header, no other column.
    folder = tmp_path / "mastodon-export"
    folder.mkdir()
    (folder / "following_accounts.csv").write_text("Gargron@mastodon.social\nann@fosstodon.org\n")
    (folder / "muted_accounts.csv").write_text("loud@mas.to\n")
    renamed = tmp_path / "my follows.txt"
    renamed.write_text("@bob@hachyderm.io\r\ncarol@mas.to")
    for path in (folder, renamed):
        result = run("import", path)
        assert result.exit_code == 0, result.output
        assert "as source 'mastodon'" in said(result)
    got = query(
        db_path,
        "select i.key, a.direction from identities i"
        " left join interactions a on a.identity_id = i.id order by i.key",
    )
    assert got == [
        ("mastodon/ann@fosstodon.org", "out"),
        ("mastodon/bob@hachyderm.io", "out"),
        ("mastodon/carol@mas.to", "out"),
        ("mastodon/gargron@mastodon.social", "out"),
        ("mastodon/loud@mas.to", None),  # a mute is no evidence of knowing someone
    ]
