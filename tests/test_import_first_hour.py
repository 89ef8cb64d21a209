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
    with sqlite3.connect(db_path) as conn:
        acts = conn.execute(
            "select i.key, a.kind, a.direction, a.count, a.file from interactions a"
            " join identities i on i.id = a.identity_id order by a.direction"
        ).fetchall()
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
    with sqlite3.connect(db_path) as conn:
        (urls, handles), *_ = conn.execute("select urls, handles from identities").fetchall()
    assert json.loads(urls) == ["https://x.com/i/user/2244994945"]
    # A later archive names the same account: the same person, now with the name.
    later = tmp_path / "later" / "follower.js"
    later.parent.mkdir()
    entry = {"follower": {"accountId": "2244994945", "userLink": "https://x.com/XDevelopers"}}
    later.write_text(ytd("follower", [entry]))
    result = run("import", later)
    assert "identities: 0 new, 1 updated" in said(result)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select urls, handles from identities").fetchall()
    assert [(json.loads(u), json.loads(h)) for u, h in rows] == [
        (
            ["https://x.com/i/user/2244994945", "https://x.com/XDevelopers"],
            ["x:2244994945", "@XDevelopers"],
        )
    ]
