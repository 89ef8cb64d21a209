"""The note-signal (pitch) detector on SMS spam, as a proxy for sales-pitch notes.

Usage::

    python bench/eval_signals.py --data /work/shared/data/sms_spam_collection [--json]

Data: the SMS Spam Collection v.1 (Almeida & Gomez Hidalgo, 2011; UCI id 228;
CC BY 4.0), a headerless TSV ``label<TAB>text`` with 4,827 ham and 747 spam.

Compared in the same run, on the same held-out 20% (a seeded stratified split):

* ``phrases``: havewemet's rule detector as shipped, a message is flagged when any
  phrase of the ``[pitch]`` lists (all languages) matches; it learns nothing, so it
  is also scored on the whole collection.
* ``phrases+``: the same with the ``[job]``, ``[recruiter]`` and ``[open_networker]``
  lists too (everything that counts as unwanted solicitation in a note).
* ``naive_bayes``: a bag-of-words baseline, multinomial naive Bayes with Laplace
  smoothing on lower-cased word tokens, trained on the other 80%.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import time
from collections import Counter
from pathlib import Path

from havewemet.triage.signals import phrase_lists

SEED = 20111


def load(folder: Path) -> list[tuple[int, str]]:
    rows = []
    for line in (folder / "SMSSpamCollection").read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if label in ("ham", "spam"):
            rows.append((1 if label == "spam" else 0, text))
    return rows


def split(rows, test_share=0.2):
    rnd = random.Random(SEED)
    train, test = [], []
    for label in (0, 1):
        part = [r for r in rows if r[0] == label]
        rnd.shuffle(part)
        k = round(len(part) * test_share)
        test += part[:k]
        train += part[k:]
    return train, test


def scores(gold: list[int], pred: list[int]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum((not g) and p for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "precision": round(prec, 3),
        "recall": round(rec, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "n": len(gold),
    }


def phrase_detector(sections):
    lists = phrase_lists()
    pats = [p for s in sections for p in lists.get(s, [])]
    return lambda text: int(any(p.search(text) for p in pats))


_TOK = re.compile(r"[a-z0-9£$€]+")


def train_nb(train):
    counts = {0: Counter(), 1: Counter()}
    docs = Counter()
    for label, text in train:
        counts[label].update(_TOK.findall(text.lower()))
        docs[label] += 1
    vocab = set(counts[0]) | set(counts[1])
    totals = {c: sum(counts[c].values()) for c in (0, 1)}
    prior = {c: math.log(docs[c] / len(train)) for c in (0, 1)}

    def predict(text):
        best = {}
        for c in (0, 1):
            s = prior[c]
            for w in _TOK.findall(text.lower()):
                if w in vocab:
                    s += math.log((counts[c][w] + 1) / (totals[c] + len(vocab)))
            best[c] = s
        return int(best[1] > best[0])

    return predict


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/sms_spam_collection"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = load(args.data)
    train, test = split(rows)
    gold = [g for g, _ in test]
    out = {
        "data": str(args.data),
        "messages": len(rows),
        "spam": sum(g for g, _ in rows),
        "train": len(train),
        "test": len(test),
        "seed": SEED,
    }
    for name, sections in (
        ("phrases", ("pitch",)),
        ("phrases+", ("pitch", "job", "recruiter", "open_networker")),
    ):
        det = phrase_detector(sections)
        t = time.perf_counter()
        pred = [det(x) for _, x in test]
        out[name] = scores(gold, pred)
        out[name]["ms_per_message"] = round(1000 * (time.perf_counter() - t) / len(test), 4)
        out[name + "_all"] = scores([g for g, _ in rows], [det(x) for _, x in rows])
    t = time.perf_counter()
    nb = train_nb(train)
    out["naive_bayes"] = scores(gold, [nb(x) for _, x in test])
    out["naive_bayes"]["train_and_test_s"] = round(time.perf_counter() - t, 3)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(
        f"SMS Spam Collection: {out['messages']} messages ({out['spam']} spam); "
        f"test {out['test']} (20%, stratified, seed {SEED})"
    )
    for name in ("phrases", "phrases_all", "phrases+", "phrases+_all", "naive_bayes"):
        s = out[name]
        print(
            f"  {name:14} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, n {s['n']})"
        )


if __name__ == "__main__":
    main()
