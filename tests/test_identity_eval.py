"""The evaluation entry points (issue 3, Build 6)."""

import csv

import pytest

from havewemet.errors import InputError
from havewemet.evaluate.identity import (
    eval_link,
    eval_names,
    pair_probability,
    share_among_candidates,
)


def _write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_eval_names(tmp_path):
    p = _write(
        tmp_path / "pairs.csv",
        ["left", "right", "label", "left_email", "right_email"],
        [
            ["Bob Smith", "Robert Smith", 1, "", ""],
            ["José Müller", "Jose Mueller", 1, "", ""],
            ["R. Smith", "Rachel Smith", 1, "rs@x.org", "rs@x.org"],
            ["Robert Smith", "Richard Smith", 0, "", ""],
            ["Daniel Weber", "Daniela Weber", 0, "", ""],
            ["Jane Doe", "John Dole", 0, "", ""],
        ],
    )
    r = eval_names(p)
    assert (r["precision"], r["recall"], r["f1"], r["threshold"]) == (1.0, 1.0, 1.0, 0.5)
    assert len(r["sweep"]) > 5 and {"precision", "recall", "f1", "threshold"} <= set(r["sweep"][0])


def test_eval_names_bad_label(tmp_path):
    p = _write(tmp_path / "pairs.csv", ["left", "right", "label"], [["a", "b", "x"]])
    with pytest.raises(InputError) as e:
        eval_names(p)
    assert "pairs.csv" in str(e.value) and e.value.line == 2


def test_given_only_pairs():
    assert pair_probability("Bob", "Robert")[0] >= 0.5
    assert pair_probability("Bob", "Bertrand")[0] < 0.5


def test_eval_link(tmp_path):
    head = ["rec_id", "given_name", "surname", "postcode", "date_of_birth"]
    a = _write(
        tmp_path / "a.csv",
        head,
        [
            ["a1", "michaela", "neumann", "4223", "19151111"],
            ["a2", "charles", "green", "4566", "19480930"],
        ],
    )
    b = _write(
        tmp_path / "b.csv",
        head,
        [
            ["b1", "michaela", "nuemann", "4223", "19151111"],
            ["b2", "charlie", "green", "4566", "19480903"],
        ],
    )
    t = _write(tmp_path / "t.csv", ["rec_id_a", "rec_id_b"], [["a1", "b1"], ["a2", "b2"]])
    for fields in ("all", "names"):
        r = eval_link(a, b, t, fields=fields, threshold=0.001)
        assert (r["precision"], r["recall"]) == (1.0, 1.0), fields


def test_candidates_share_a_requesters_probability():
    # A lone candidate keeps the matcher's probability at the matcher's own prior;
    # two identical candidates split it; a weak competitor takes little.
    assert share_among_candidates([0.9], -5.0, 32, 0.5) == pytest.approx([0.9])
    assert share_among_candidates([0.9, 0.9], -5.0, 32, 0.5) == pytest.approx([9 / 19, 9 / 19])
    strong, weak = share_among_candidates([0.9, 0.01], -5.0, 32, 0.5)
    assert 0.85 < strong < 0.9 and weak < 0.01
    # Knowing the requester is there raises a unique candidate's probability.
    assert share_among_candidates([0.3], -5.0, 32, 0.99)[0] > 0.9
