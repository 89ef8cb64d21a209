"""The core commands as a user runs them: exit codes, output, errors, --json."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from tests.test_import_linkedin import BASIC, make_export

runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def test_every_command_has_help():
    from typer.main import get_command

    for path, cmd in _commands(get_command(app)):
        assert cmd.help, f"{' '.join(path)} has no help"
        result = run(*path, "--help")
        assert "Usage:" in result.output


def test_import_then_inbox(tmp_path, db_path):
    export = make_export(tmp_path, BASIC)
    out = run("import", str(export)).output
    assert "Connections.csv" in out and "Rich_Media.csv" in out
    data = json.loads(run("inbox", "--json").output)
    assert [(r["name"], r["verdict"], r["recommendation"]) for r in data] == [
        ("Lena Vogt", "stranger", "ignore")
    ]
    assert data[0]["signals"][0]["name"] == "pitch"
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_reimport_reports_nothing_new(tmp_path, db_path):
    export = make_export(tmp_path, BASIC)
    run("import", str(export))
    data = json.loads(run("import", str(export), "--json").output)
    assert sum(data["added"].values()) == 0 and sum(data["updated"].values()) == 0


def test_broken_export_is_one_line_error_and_store_kept(tmp_path, db_path):
    run("import", str(make_export(tmp_path / "good", BASIC)))
    before = sqlite3.connect(db_path).execute("select count(*) from identities").fetchone()
    broken = make_export(tmp_path / "bad", BASIC)
    broken.write_bytes(broken.read_bytes()[:200])
    result = run("import", str(broken), ok=False)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"Error: {broken}: is not a readable zip archive (truncated or damaged). "
        "Download the export again, or unzip it and import the folder"
    ]
    after = sqlite3.connect(db_path).execute("select count(*) from identities").fetchone()
    assert after == before


def test_missing_file_and_unknown_format(tmp_path, db_path):
    result = run("import", str(tmp_path / "nope.zip"), ok=False)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.zip'}: does not exist. Check the path\n"
    odd = tmp_path / "photo.png"
    odd.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = run("import", str(odd), ok=False)
    assert result.exit_code == 1 and "is not in a format havewemet recognises" in result.stderr


def test_check_one_request_by_hand(tmp_path, db_path):
    run("import", str(make_export(tmp_path, BASIC)))
    data = json.loads(run("check", "Dan Okafor", "--note", "Great to meet you", "--json").output)
    assert data["verdict"] == "known"
    assert data["recommendation"] == "accept"
    assert "messaged each other 2 times" in data["evidence"][0]["text"]
    assert "Dan is a form of Daniel" in data["evidence"][0]["text"]
    assert [r["name"] for r in json.loads(run("inbox", "--json").output)] == [
        "Dan Okafor",
        "Lena Vogt",
    ]


def test_check_needs_a_name(db_path):
    result = run("check", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: give the requester's NAME")


def test_requester_markup_printed_literally(tmp_path, db_path):
    out = run(
        "check", "[bold red]Evil[/] <script>x</script>", "--note", "[link=x]hi[/link]", "--no-save"
    ).output
    assert "[bold red]Evil[/] <script>x</script>" in out
    assert "[link=x]hi[/link]" in out


def test_sources_and_forget(tmp_path, db_path):
    run("import", str(make_export(tmp_path, BASIC)))
    rows = json.loads(run("sources", "--json").output)
    assert [(r["name"], r["kind"], r["identities"]) for r in rows] == [("linkedin", "linkedin", 6)]
    out = run("forget", "linkedin").output
    assert "Removed linkedin" in out and "6 identities" in out
    assert json.loads(run("sources", "--json").output) == []
    result = run("forget", "linkedin", ok=False)
    assert result.exit_code == 1 and "no source named 'linkedin'" in result.stderr


def test_policy_init_check_and_errors(tmp_path):
    path = tmp_path / "p.toml"
    run("policy", "init", str(path), "--preset", "networker")
    assert "OK (preset networker)" in run("policy", "check", str(path)).output
    path.write_text('preset = "gatekeeper"\nstrangers = "maybe"\nfoo = 1\n')
    result = run("policy", "check", str(path), ok=False)
    assert result.exit_code == 1
    assert f"{path}, line 2, key 'strangers': must be" in result.stderr
    assert f"{path}, line 3, key 'foo': unknown key" in result.stderr


@pytest.mark.parametrize("preset", ["gatekeeper", "networker"])
def test_demo_prints_the_inbox(preset):
    out = run("demo", "--preset", preset).output
    from havewemet.demo.persona import N_STRANGERS, PLANTED

    assert f"{len(PLANTED) + N_STRANGERS} pending" in out
    assert "Daniel Okafor" in out and "messaged each other 14 times" in out
    assert "(messages.csv)" in out


# -- issue 13: what the terminal says in a user's first hour ----------------------------


def test_inbox_puts_the_requests_to_think_about_first(db_path):
    run("check", "Ada Quill", "--url", "https://www.linkedin.com/in/adaq", "--note", "Buy now!")
    run("check", "Bo Fenn", "--url", "https://www.linkedin.com/in/bo-fenn", "--note", "x")
    follows = db_path.parent / "following_accounts.csv"
    follows.write_text("Account address,Show boosts\nbofenn@mastodon.social,true\n")
    run("import", str(follows))
    out = run("inbox").output.splitlines()
    headings = [line.split(" (")[0] for line in out if line.endswith("─")]
    assert headings == ["Ask \u201chave we met?\u201d: needs your judgement", "Ignore: strangers"]
    assert out[-1] == "2 pending: 1 ask, 1 ignore"


def test_check_says_whether_it_saved_the_request(db_path):
    url = "https://www.linkedin.com/in/zed-quill"
    note = "Hi, we met at the archives fair in Leeds"
    said = [
        run("check", "Zed Quill", "--url", url, "--note", note).output.splitlines()[-1],
        run("check", "Zed Quill", "--url", url, "--note", note).output.splitlines()[-1],
        run("check", "Zed Quill", "--url", url, "--no-save").output.splitlines()[-1],
    ]
    assert said == [
        "Saved: it is now pending in your inbox (havewemet inbox lists it).",
        "Saved: it updated the same request already pending in your inbox.",
        "Not saved (--no-save): your inbox is unchanged.",
    ]
    assert "pending:" not in run("check", "Zed Quill", "--url", url, "--no-save").output
    run("decide", "Zed Quill", "report", "--reason", "spam")
    out = run("check", "Zed Quill", "--url", url, "--note", note).output.splitlines()
    # The rule line in words: the signal that applied, every counted signal, the threshold.
    assert out[-2:] == [
        "        rule: declined before weighs 3, enough to report on its own "
        "(all risk signals: declined before 3; adding up reports at 4)",
        "Not added to your inbox: you already decided it (report).",
    ]
    out = run("check", "Zed Quill", "--url", url, "--no-save").output
    assert (
        "        rule: the risk signals add up to 4 (no note 1, declined before 3); 4 or "
        "more reports\n" in out
    )


def test_no_internal_signal_name_reaches_the_user(db_path):
    run(
        "check",
        "Vera Pitch",
        "--url",
        "https://www.linkedin.com/in/xk-29",
        "--note",
        "Our platform helps you boost sales, book a demo",
    )
    page = run("serve", "--get", "/").output
    shown = run("inbox").output + re.sub(r"<[^>]+>", " ", page[page.index("<main>") :])
    assert "a profile address that does not fit the name" in shown
    for name in ("slug_mismatch", "slug mismatch", "pitch:", "template", "no_note", "_"):
        assert name not in shown, name


def test_the_import_summary_counts_requests_already_connected(tmp_path, db_path):
    from tests.test_import_linkedin import make_export

    export = make_export(tmp_path, BASIC)
    out = run("import", str(export)).output.splitlines()
    statuses = json.loads(run("import", str(export), "--json").output)["requests"]
    line = next(x for x in out if x.startswith("Requests: "))
    want = ", ".join(
        f"{statuses[k]} {w}"
        for k, w in (("pending", "pending"), ("connected", "already connected"))
        if statuses.get(k)
    )
    assert line == f"Requests: {want}." and "already connected" in line


def test_an_80_column_terminal(tmp_path, db_path):
    """Import summary, sources and help as a user reads them at 80 columns."""
    narrow = CliRunner(env={"COLUMNS": "80"})

    def at80(*args: str) -> str:
        result = narrow.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    export = make_export(tmp_path, BASIC)
    (tmp_path / "Endorsement_Received_Info.csv").write_text(
        "First Name,Last Name,Skill Name,Endorsement Date,Endorser Public Url,Endorsement Status\n"
        "Ann,Lee,Archives,2024/01/02 10:00:00 UTC,www.linkedin.com/in/ann-lee,ACCEPTED\n"
    )
    out = at80("import", str(export)).splitlines()
    table = [line for line in out if line.split() and line.split()[0].endswith(".csv")]
    assert {line.split()[0] for line in table} >= {"Connections.csv", "Invitations.csv"}
    assert all("…" not in line for line in out)
    long = "endorsements-from-the-old-laptop"
    out = at80(
        "import", str(tmp_path / "Endorsement_Received_Info.csv"), "--source", long
    ).splitlines()
    assert any(line.startswith("Endorsement_Received_Info.csv ") for line in out)
    assert max(len(line) for line in out if not line.startswith(("Store:", "Imported"))) <= 80
    listing = at80("sources").splitlines()
    assert listing[0].split() == ["source", "format", "imported", "people", "evidence", "requests"]
    assert set(listing[1]) == {"─"}
    assert listing[2].split()[0] == "linkedin"
    # A long name folds within its column (the numbers stay in theirs).
    assert "".join(line.split()[0] for line in listing[3:5]) == long
    # The columns line up: each number ends where its heading does.
    ends = [listing[0].index(h) + len(h) for h in ("people", "evidence", "requests")]
    for line in listing[2:4]:
        assert [line[e - 1] != " " for e in ends] == [True] * 3, line
    assert "From:" in listing
    for cmd in (["--help"], ["import", "--help"], ["check", "--help"], ["history", "--help"]):
        text = at80(*cmd)
        assert "{" not in text and not re.search(r"<(str|path|int|list)", text), cmd
    assert at80("import", "--help").startswith("Usage: root import [OPTIONS] PATH\n")
    assert "--mutual MUTUAL" in at80("check", "--help")
