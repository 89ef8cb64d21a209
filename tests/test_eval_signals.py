"""``havewemet eval notes`` and ``eval profiles``: the numbers as the user reads them,
the JSON keys, and clear errors for a wrong file. The CSVs are written here, in the
exact shape the commands document."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.evaluate.signals import PROFILE_COLUMNS, ranking_metrics

runner = CliRunner()

UNWANTED = [
    "Check out my new channel and subscribe please! https://bit.ly/abc",
    "We help councils generate more leads, can I book a quick call?",
    "I accept all invitations, let's grow our networks!",
    "Hello, I am looking for a job in archives, could you refer me?",
]
WANTED = [
    "Hi Ann, great to meet you at the map fair in Bath on Saturday.",
    "Thanks for the tour of the reading room last week, Ben.",
    "Hi Omar, Tom suggested I contact you about the parish records project.",
    "Lovely to chat at the conservation workshop in York.",
]


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_eval_notes_prints_the_four_numbers(tmp_path):
    rows = [[t, 1] for t in UNWANTED] + [[t, 0] for t in WANTED]
    f = _csv(tmp_path / "notes.csv", ["text", "label"], rows)
    res = runner.invoke(app, ["eval", "notes", str(f)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "8 rows (4 labelled 1): ROC AUC 1.000",
        "at the shipped threshold (0.5): precision 1.000, recall 1.000",
        "recall at a 5% false-positive rate: 1.000",
    ]


def test_eval_notes_json_keys_and_one_label(tmp_path):
    rows = [[1, UNWANTED[0]], [1, UNWANTED[1]], [0, UNWANTED[2]], [0, WANTED[0]]]
    f = _csv(tmp_path / "n.csv", ["Label", "Text"], rows)
    res = runner.invoke(app, ["eval", "notes", str(f), "--label", "pitch", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {"auc", "precision", "recall", "recall_at_fpr_05"} <= set(data)
    assert data["label"] == "pitch" and data["n"] == 4 and data["auc"] == 1.0


def test_eval_profiles(tmp_path):
    fake = [[3, 2100, 0, 0, 4, 12, 1], [0, 800, 0, 0, 6, 14, 1]]
    real = [[540, 310, 120, 1, 0, 9, 0], [88, 95, 40, 1, 2, 11, 0], [1500, 400, 0, 1, 0, 7, 0]]
    f = _csv(tmp_path / "p.csv", list(PROFILE_COLUMNS), fake + real)
    res = runner.invoke(app, ["eval", "profiles", str(f), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["auc"], data["precision"], data["recall"], data["recall_at_fpr_05"]) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )


@pytest.mark.parametrize(
    ("header", "rows", "error"),
    [
        (
            ["text", "spam"],
            [["x", 1]],
            "Error: n.csv, line 1: no column label. give a CSV whose header row holds text,label",
        ),
        (
            ["text", "label"],
            [["x", 1], ["y", "yes"]],
            "Error: n.csv, line 3: label 'yes' is not 0 or 1. write 1 for the unwanted kind",
        ),
        (["text", "label"], [], "Error: n.csv: no rows. add rows of text,label under the header"),
    ],
)
def test_eval_notes_errors_name_file_line_and_fix(tmp_path, header, rows, error):
    f = _csv(tmp_path / "n.csv", header, rows)
    res = runner.invoke(app, ["eval", "notes", str(f)])
    assert res.exit_code == 1
    assert res.output.strip() == error


def test_eval_profiles_bad_count(tmp_path):
    f = _csv(
        tmp_path / "p.csv",
        list(PROFILE_COLUMNS),
        [[1, 2, 3, 1, 0, 8, 0], ["lots", 2, 3, 1, 0, 8, 1]],
    )
    res = runner.invoke(app, ["eval", "profiles", str(f)])
    assert res.exit_code == 1
    assert res.output.strip() == (
        "Error: p.csv, line 3: followers 'lots' is not a number. write a count or leave it empty"
    )


def test_ranking_metrics_by_hand():
    # 20 negatives: 5% of them is one, so the cut is at the second highest negative.
    neg = [0.9] + [0.1 * i / 20 for i in range(19)]
    pos = [0.95, 0.5, 0.05]
    m = ranking_metrics(pos + neg, [1] * 3 + [0] * 20, 0.5)
    assert m["recall_at_fpr_05"] == round(2 / 3, 4)
    assert (m["precision"], m["recall"]) == (round(2 / 3, 4), round(2 / 3, 4))
    # AUC: 0.95 beats all 20, 0.5 beats 19, 0.05 beats 10 small ones and ties one (half).
    small = sum(0.05 > x for x in neg) + 0.5 * sum(0.05 == x for x in neg)
    assert m["auc"] == round((20 + 19 + small) / 60, 4)
    tie = ranking_metrics([0.5, 0.5], [1, 0], 0.5)
    assert tie["auc"] == 0.5
