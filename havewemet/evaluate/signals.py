"""Evaluating the note reader and the fake-profile score on anyone's labelled data.

``havewemet eval notes FILE.csv`` reads columns ``text,label`` (label 1 = the
unwanted kind: a pitch, self-promotion, a collector's or a job seeker's note,
spam; an optional ``kind`` column says ``note`` or ``headline``);
``havewemet eval profiles FILE.csv`` reads ``followers,following,bio_length,
has_photo,username_digits,username_length,label`` (label 1 = fake or automated).
Both report the ROC AUC, precision and recall at the shipped threshold, and the
recall at a 5% false-positive rate: how much of the unwanted kind is caught when
one wanted item in twenty may be flagged.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from havewemet.errors import InputError
from havewemet.models import ProfileFacts
from havewemet.triage.notes_model import LABELS, UNWANTED, shipped_model
from havewemet.triage.profile import THRESHOLD, profile_score

PROFILE_COLUMNS = (
    "followers",
    "following",
    "bio_length",
    "has_photo",
    "username_digits",
    "username_length",
    "label",
)


def ranking_metrics(
    scores: Sequence[float] | npt.NDArray[np.float64],
    labels: Sequence[int] | npt.NDArray[np.int_],
    threshold: float,
) -> dict[str, float | int]:
    """ROC AUC (ties shared), precision and recall at ``threshold``, and recall at a 5%
    false-positive rate (the best recall flagging at most 5% of the negatives).

    Examples:
        >>> m = ranking_metrics([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0], 0.5)
        >>> m["auc"], m["precision"], m["recall"], m["recall_at_fpr_05"]
        (1.0, 1.0, 1.0, 1.0)
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int_)
    pos, neg = s[y == 1], s[y == 0]
    out: dict[str, float | int] = {
        "n": int(len(s)),
        "positives": int(len(pos)),
        "threshold": threshold,
    }
    if not len(pos) or not len(neg):
        out.update(auc=float("nan"), precision=float("nan"), recall=float("nan"))
        out["recall_at_fpr_05"] = float("nan")
        return out
    # Mann-Whitney: the chance a positive outranks a negative, ties counting half.
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    auc = (ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))
    flagged = s >= threshold
    tp = int((flagged & (y == 1)).sum())
    fp = int((flagged & (y == 0)).sum())
    # The cut: flag what scores above the k-th highest negative (k = 5% of them).
    k = int(np.floor(0.05 * len(neg)))
    cut = np.sort(neg)[::-1][k]
    out.update(
        auc=round(float(auc), 4),
        precision=round(tp / (tp + fp), 4) if tp + fp else 0.0,
        recall=round(tp / len(pos), 4),
        recall_at_fpr_05=round(float((pos > cut).mean()), 4),
    )
    return out


def _rows(path: str | Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    p.name,
                    f"no column {', '.join(missing)}",
                    line=1,
                    fix=f"give a CSV whose header row holds {','.join(required)}",
                )
            reader.fieldnames = header
            return [
                (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                for row in reader
            ]
    except FileNotFoundError as e:
        raise InputError(str(p), "no such file", fix="give the path of a CSV file") from e
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(
            p.name, f"cannot read the CSV ({e})", fix="give a UTF-8 CSV file with a header row"
        ) from e


def _label(value: str, file: str, line: int) -> int:
    if value not in ("0", "1"):
        raise InputError(
            file, f"label {value!r} is not 0 or 1", line=line, fix="write 1 for the unwanted kind"
        )
    return int(value)


def _count(value: str, column: str, file: str, line: int) -> int | None:
    if value == "":
        return None
    try:
        return int(float(value))
    except ValueError:
        raise InputError(
            file,
            f"{column} {value!r} is not a number",
            line=line,
            fix="write a count or leave it empty",
        ) from None


def eval_notes(path: str | Path, *, label: str = "unwanted") -> dict[str, float | int | str]:
    """The note reader on a labelled CSV (``text,label``, optional ``kind``).

    Args:
        path: the CSV file.
        label: ``unwanted`` (the highest of pitch, job seeking, collecting and
            recruiting) or one of the reader's labels.
    """
    if label != "unwanted" and label not in LABELS:
        raise InputError(
            "--label", f"unknown label {label!r}", fix=f"use unwanted or one of {', '.join(LABELS)}"
        )
    file = Path(path).name
    rows = _rows(path, ("text", "label"))
    if not rows:
        raise InputError(file, "no rows", fix="add rows of text,label under the header")
    model = shipped_model()
    cols = [LABELS.index(x) for x in (UNWANTED if label == "unwanted" else (label,))]
    scores = np.zeros(len(rows))
    for kind in ("note", "headline"):
        idx = [i for i, (_, r) in enumerate(rows) if (r.get("kind") or "note") == kind]
        if idx:
            scores[idx] = model.scores([rows[i][1]["text"] for i in idx], kind=kind)[:, cols].max(1)
    labels = [_label(r["label"], file, line) for line, r in rows]
    threshold = float(min(model.thresholds[LABELS[c]] for c in cols))
    return {"file": str(path), "label": label, **ranking_metrics(scores, labels, threshold)}


def profile_facts_row(row: dict[str, str], file: str, line: int) -> ProfileFacts:
    """One row of a profiles CSV as :class:`ProfileFacts`."""
    photo = row.get("has_photo", "").lower()
    if photo not in ("", "0", "1", "true", "false", "yes", "no"):
        raise InputError(file, f"has_photo {photo!r} is not 0 or 1", line=line, fix="write 0 or 1")
    return ProfileFacts(
        has_photo=None if photo == "" else photo in ("1", "true", "yes"),
        followers=_count(row.get("followers", ""), "followers", file, line),
        following=_count(row.get("following", ""), "following", file, line),
        bio_length=_count(row.get("bio_length", ""), "bio_length", file, line),
        username_digits=_count(row.get("username_digits", ""), "username_digits", file, line),
        username_length=_count(row.get("username_length", ""), "username_length", file, line),
    )


def eval_profiles(path: str | Path) -> dict[str, float | int | str]:
    """The fake-profile score on a labelled CSV (:data:`PROFILE_COLUMNS`)."""
    file = Path(path).name
    rows = _rows(path, PROFILE_COLUMNS)
    if not rows:
        raise InputError(file, "no rows", fix="add rows under the header")
    scores = [profile_score(profile_facts_row(r, file, line)).score for line, r in rows]
    labels = [_label(r["label"], file, line) for line, r in rows]
    return {"file": str(path), **ranking_metrics(scores, labels, THRESHOLD)}
