"""The identity commands as a user runs them: eval names, link, unlink."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from havewemet.cli.app import app

runner = CliRunner()


def test_eval_names_json_has_the_figures(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "left,right,label\nBob Smith,Robert Smith,1\nJane Doe,John Doe,0\n"
        "José García,Jose Garcia,1\nAnna Kowalska,Anna Nowak,0\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["eval", "names", str(pairs), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert (data["precision"], data["recall"], data["f1"], data["threshold"]) == (
        1.0,
        1.0,
        1.0,
        0.5,
    )
    assert {"threshold", "precision", "recall", "f1"} <= set(data["sweep"][0])


def test_eval_names_bad_file_is_an_error(tmp_path):
    bad = tmp_path / "pairs.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    r = runner.invoke(app, ["eval", "names", str(bad)])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: pairs.csv, line 1: missing columns")


def test_link_unknown_identity_is_an_error(db_path):
    r = runner.invoke(app, ["link", "Nobody Here", "Someone Else"])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: ")
