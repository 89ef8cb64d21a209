"""Rebuild the note reader's shipped weights (havewemet/triage/data/notes_model.npz).

Usage::

    pip install '.[bench]'
    python bench/train_notes.py [--sms /work/shared/data/sms_spam_collection]

Data, both with licences that allow derived weights:

* ``bench/data/notes_labelled.csv``: LinkedIn-style notes and headlines written for
  havewemet in English, French, German and Spanish, each labelled with any of
  pitch, job_seeking, collector, recruiter, stock, personal (or none). Part of
  this repository (MIT).
* the SMS Spam Collection v.1 (Almeida & Gomez Hidalgo, 2011; CC BY 4.0): spam
  counts as ``pitch``, ham as none of the unwanted labels. SMS rows are left out of
  the ``stock`` and ``personal`` models (a chat message is neither, nor a note).

InstaFake (CC BY-NC 4.0) is never used here: it only evaluates the profile score.

One logistic regression per label (scikit-learn, lbfgs, deterministic) over the
features :func:`havewemet.triage.notes_model.analyze` makes, so training and the
package's pure-numpy scoring read a text the same way.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from havewemet.triage.notes_model import LABELS, NoteModel, analyze, scale

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "bench" / "data" / "notes_labelled.csv"
OUT = ROOT / "havewemet" / "triage" / "data" / "notes_model.npz"
SMS = Path("/work/shared/data/sms_spam_collection")
#: A note counts this much more than one SMS (there are 15 times fewer of them).
NOTE_WEIGHT = 4.0
#: Inverse regularisation strength of every label's regression.
C = 20.0
#: Weights smaller than this (for every label) are not shipped.
PRUNE = 0.05
#: Labels that SMS messages say nothing about.
NOTES_ONLY = ("stock", "personal")


@dataclass(slots=True)
class Example:
    text: str
    labels: frozenset[str]
    kind: str = "note"
    source: str = "notes"
    lang: str = "en"
    extra: dict[str, str] = field(default_factory=dict)


def load_notes(path: Path = NOTES) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Example(
                r["text"],
                frozenset(x for x in r["labels"].split(";") if x),
                r["kind"],
                "notes",
                r["lang"],
            )
            for r in csv.DictReader(fh)
        ]


def load_sms(folder: Path = SMS) -> list[Example]:
    out = []
    for line in (folder / "SMSSpamCollection").read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if label in ("ham", "spam"):
            labels = frozenset({"pitch"} if label == "spam" else ())
            out.append(Example(text, labels, "note", "sms"))
    return out


def held_back(e: Example, share: int = 5) -> bool:
    """One note in ``share`` (by a hash of its text) is kept out of training for the bench."""
    return hashlib.blake2b(e.text.encode(), digest_size=4).digest()[0] % share == 0


def fit(examples: Sequence[Example], *, c: float = C, prune: float = PRUNE) -> NoteModel:
    """The model trained on ``examples`` (deterministic: same data, same weights)."""
    docs = [analyze(e.text, kind=e.kind) for e in examples]
    vec = CountVectorizer(analyzer=lambda d: d, lowercase=False)
    x = vec.fit_transform(docs).astype(np.float64)
    x = sparse.diags([scale(len(d)) for d in docs]) @ x
    x = sparse.csr_matrix(x)
    weights = np.zeros((x.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    for j, label in enumerate(LABELS):
        rows = [i for i, e in enumerate(examples) if e.source == "notes" or label not in NOTES_ONLY]
        y = np.array([label in examples[i].labels for i in rows], dtype=int)
        w = np.array([NOTE_WEIGHT if examples[i].source == "notes" else 1.0 for i in rows])
        if y.sum() == 0:
            bias[j] = -10.0
            continue
        # Each class weighs the same in total, so 0.5 is a fair threshold.
        pos = w[y == 1].sum()
        neg = w[y == 0].sum()
        w = np.where(y == 1, w * (pos + neg) / (2 * pos), w * (pos + neg) / (2 * neg))
        reg = LogisticRegression(C=c, max_iter=5000)
        reg.fit(x[rows], y, sample_weight=w)
        weights[:, j] = reg.coef_[0]
        bias[j] = reg.intercept_[0]
    keep = np.abs(weights).max(axis=1) >= prune
    names = vec.get_feature_names_out()
    return NoteModel([str(f) for f in names[keep]], weights[keep], bias, np.full(len(LABELS), 0.5))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sms", type=Path, default=SMS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    notes, sms = load_notes(), load_sms(args.sms)
    model = fit(notes + sms)
    data = model.to_bytes()
    args.out.write_bytes(data)
    print(
        f"{len(notes)} notes, {len(sms)} SMS -> {len(model.index)} features, "
        f"{len(data) / 1e6:.2f} MB: {args.out}"
    )


if __name__ == "__main__":
    main()
