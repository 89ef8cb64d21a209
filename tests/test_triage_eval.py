"""`havewemet eval triage`: cases files, accuracy, confusion matrices, the demo's cases."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.demo import PLANTED
from havewemet.demo import linkedin_export as lx
from havewemet.errors import InputError
from havewemet.evaluate.triage import demo_cases, evaluate, read_cases


def _data(folder: Path) -> None:
    """A small LinkedIn export folder: one connection Ruth messages, one she follows."""
    files = {
        "Connections.csv": lx.connections_csv(
            [
                [
                    "Amira",
                    "Haddad",
                    "https://www.linkedin.com/in/amira-haddad",
                    "",
                    "Westmere",
                    "Lead",
                    "09 Sep 2022",
                ]
            ]
        ),
        "messages.csv": lx.csv_text(
            lx.MESSAGES_HEADER,
            [
                [
                    "c1",
                    "",
                    "Amira Haddad",
                    "https://www.linkedin.com/in/amira-haddad",
                    "Ruth Calloway",
                    "https://www.linkedin.com/in/ruth",
                    "2026-04-01 10:00:00 UTC",
                    "",
                    "Hi",
                    "INBOX",
                    "No",
                ],
                [
                    "c1",
                    "",
                    "Ruth Calloway",
                    "https://www.linkedin.com/in/ruth",
                    "Amira Haddad",
                    "https://www.linkedin.com/in/amira-haddad",
                    "2026-04-02 10:00:00 UTC",
                    "",
                    "Hello",
                    "INBOX",
                    "No",
                ],
            ],
        ),
        "Profile.csv": lx.csv_text(
            ["First Name", "Last Name", "Headline"], [["Ruth", "Calloway", "Librarian"]]
        ),
        "Member_Follows.csv": lx.csv_text(
            ["Status", "Date", "FullName"], [["Active", "2/3/25, 4:20 PM", "Marcus Fenwick"]]
        ),
    }
    from datetime import datetime

    lx.write_export(folder, files, exported=datetime(2026, 5, 1), as_zip=True)


def _case(name, verdict, rec, **kw):
    return {
        "name": name,
        "profile_url": kw.pop("url", ""),
        "note": kw.pop("note", "Hello"),
        "headline": "",
        "mutuals": [],
        "data": "data",
        "expected_verdict": verdict,
        "expected_recommendation": rec,
        "today": "2026-05-01",
        **kw,
    }


@pytest.fixture
def cases_file(tmp_path):
    _data(tmp_path / "data")
    cases = [
        _case("Amira Haddad", "known", "accept", url="https://www.linkedin.com/in/amira-haddad"),
        _case("Marcus Fenwick", "known of", "ask"),
        _case("Marcus Fenwick", "known of", "accept", preset="networker"),
        _case("Zed Kay", "stranger", "ignore"),
        _case("Yan Bo", "known", "ignore"),  # a wrong label: the report must show it
    ]
    f = tmp_path / "cases.jsonl"
    f.write_text("# comment\n" + "\n".join(json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    return f


def test_accuracy_and_confusion(cases_file):
    r = evaluate(cases_file)
    assert [(x.line, x.verdict, x.recommendation) for x in r.results] == [
        (2, "known", "accept"),
        (3, "known of", "ask"),
        (4, "known of", "accept"),
        (5, "stranger", "ignore"),
        (6, "stranger", "ignore"),
    ]
    assert r.accuracy() == 0.8
    assert r.accuracy("recommendation") == 1.0
    cm = r.confusion("verdict")
    assert cm["known"] == {
        "known": 1,
        "met": 0,
        "known of": 0,
        "connected through": 0,
        "stranger": 1,
    }
    assert cm["stranger"]["stranger"] == 1
    assert r.to_dict()["errors"] == [
        {
            "line": 6,
            "name": "Yan Bo",
            "preset": "gatekeeper",
            "expected": ["known", "ignore"],
            "got": ["stranger", "ignore"],
            "rule": "gatekeeper: ignore stranger",
        }
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 1: not valid JSON"),
        (
            '{"name": "A", "data": "d", "expected_verdict": "known"}',
            "line 1: missing expected_recommendation",
        ),
        (
            '{"name": "A", "data": "d", "expected_verdict": "friend", '
            '"expected_recommendation": "accept"}',
            "line 1: expected_verdict 'friend' is not one of",
        ),
        (
            '{"name": "A", "data": "d", "expected_verdict": "known", '
            '"expected_recommendation": "hug"}',
            "line 1: expected_recommendation 'hug'",
        ),
        ("[1]", "line 1: each line must be a JSON object"),
    ],
)
def test_bad_cases_name_the_line(tmp_path, line, message):
    f = tmp_path / "c.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_cases(f)
    assert str(e.value).startswith(f"{f}, {message}")


def test_missing_data_folder(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps(_case("A B", "known", "accept", data="nowhere")) + "\n")
    with pytest.raises(InputError, match="the data folder named by a case does not exist"):
        evaluate(f)


def test_cli_eval_triage(cases_file):
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "triage", str(cases_file), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["accuracy"] == 0.8
    res = runner.invoke(app, ["eval", "triage", str(cases_file)])
    assert res.output.splitlines()[0] == (
        "5 cases: accuracy 80.0% (verdict 80.0%, recommendation 100.0%)"
    )
    res = runner.invoke(app, ["eval", "triage"])
    assert res.exit_code == 1
    assert res.output.strip() == "Error: give a CASES.jsonl file, or --demo"


def test_shipped_demo_cases_are_current():
    shipped = resources.files("havewemet.demo").joinpath("cases.jsonl").read_text("utf-8")
    rows = [json.loads(x) for x in shipped.splitlines() if x and not x.startswith("#")]
    assert rows == demo_cases()


def test_demo_scores_100_percent():
    res = CliRunner().invoke(app, ["eval", "triage", "--demo", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["cases"], out["accuracy"], out["errors"]) == (2 * len(PLANTED), 1.0, [])
