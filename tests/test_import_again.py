"""Importing the very file imported last time (issue 12's re-import budget): havewemet
recognises it by its fingerprint (bytes, name, options, code) and reads nothing; any
change to the file, its options or the user's addresses a reader uses reads it again."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from havewemet.cli.app import app
from tests.test_identity_grouping import export

runner = CliRunner()


def run(*args: object) -> str:
    res = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def mbox(path: Path) -> Path:
    path.write_text(
        "From a1@xxx Mon, 02 Mar 2026 10:00:00 +0000\nFrom: Dan <dan@eastvale.example>\n"
        "To: Ruth <ruth@westmere.example>\nSubject: Archive day\n"
        "Date: Mon, 02 Mar 2026 10:00:00 +0000\nMessage-ID: <a1@mail.example>\n\nThanks.\n\n",
        encoding="utf-8",
    )
    return path


def imported(path: Path, *args: str) -> dict:
    return json.loads(run("import", path, *args, "--json"))


def test_the_same_file_again_is_recognised_and_nothing_is_read(db_path, tmp_path):
    path = export(tmp_path / "li")
    first = imported(path)
    assert first["added"]["requests"] == 1 and "unchanged" not in first
    out = run("import", path)
    assert "the same file as imported on" in out and "source 'linkedin'" in out
    again = imported(path)
    assert again["unchanged"] is True and again["source"] == "linkedin"
    assert [f["file"] for f in again["files"]] == [f["file"] for f in first["files"]]
    # --again reads it anyway, and finds nothing to change.
    forced = imported(path, "--again")
    assert "unchanged" not in forced and forced["added"]["identities"] == 0
    assert forced["updated"]["identities"] == 0


def test_a_changed_file_is_read_again(db_path, tmp_path):
    path = export(tmp_path / "li")
    imported(path)
    export(tmp_path / "li", name="Daniel Okafor")  # the same export, one name changed
    changed = imported(path)
    assert "unchanged" not in changed and changed["updated"]["requests"] == 1
    assert json.loads(run("inbox", "--json"))[0]["name"] == "Daniel Okafor"


def test_after_forget_the_file_is_read_again(db_path, tmp_path):
    path = export(tmp_path / "li")
    imported(path)
    run("forget", "linkedin")
    assert imported(path)["added"]["requests"] == 1


def test_the_same_bytes_under_another_name_are_another_source(db_path, tmp_path):
    a = mbox(tmp_path / "a.mbox")
    b = tmp_path / "b.mbox"
    b.write_bytes(a.read_bytes())
    imported(a, "--me", "ruth@westmere.example")
    other = imported(b)
    assert "unchanged" not in other and other["source"] == "mbox:b.mbox"


def test_mail_is_read_again_when_the_users_addresses_change(db_path, tmp_path):
    """A mail file is read by who the user is: new addresses of theirs may turn a
    message around, so the same file is read again; a LinkedIn export is not."""
    mail = mbox(tmp_path / "m.mbox")
    path = export(tmp_path / "li")
    imported(mail, "--me", "ruth@westmere.example")
    imported(path)
    assert imported(mail)["unchanged"] and imported(path)["unchanged"]
    run("me", "--add", "ruth.calloway@westmere.example")
    assert "unchanged" not in imported(mail)
    assert imported(path)["unchanged"]  # the LinkedIn reader reads nothing of that
