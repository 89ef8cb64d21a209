"""Identity-resolution quality on public benchmark data, beside baselines (issue 3).

Run: python bench/eval_identity.py --data /work/shared/data
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import time
from collections import defaultdict
from pathlib import Path

import jellyfish
from nicknames import NickNamer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from havewemet.identity.evaluate import eval_link, pair_probability
from havewemet.identity.names import fold, given_level

_HERE = Path(__file__).resolve().parent


def _fpr(pred: list[bool], gold: list[bool]) -> float:
    """Share of the negative pairs called a match."""
    neg = [p for p, g in zip(pred, gold, strict=True) if not g]
    return round(sum(neg) / len(neg), 4) if neg else 0.0


def _prf(pred: list[bool], gold: list[bool], n_true: int | None = None) -> tuple:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    pos = n_true if n_true is not None else sum(gold)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / pos if pos else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return round(prec, 4), round(rec, 4), round(f1, 4)


def febrl(data: Path) -> None:
    d = data / "febrl"
    a, b, t = d / "febrl4a.csv", d / "febrl4b.csv", d / "febrl4_true_links.csv"
    for fields in ("all", "names"):
        t0 = time.perf_counter()
        r = eval_link(a, b, t, fields=fields)
        print(
            f"Febrl4 {fields:5}: havewemet P {r['precision']} R {r['recall']} F1 {r['f1']} "
            f"at {r['threshold']}; best F1 {r['best_f1']} at {r['best_threshold']} "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    ra, rb = list(csv.DictReader(a.open())), list(csv.DictReader(b.open()))
    truth = {(x["rec_id_a"], x["rec_id_b"]) for x in csv.DictReader(t.open())}
    names = [f"{r['given_name']} {r['surname']}".strip() for r in ra]
    res = []
    for r in rb:
        m = process.extractOne(
            f"{r['given_name']} {r['surname']}".strip(), names, scorer=fuzz.token_sort_ratio
        )
        res.append((m[1], (ra[m[2]]["rec_id"], r["rec_id"]) in truth))
    best = max(
        (
            (_prf([s >= th for s, _ in res], [g for _, g in res], len(truth)), th)
            for th in range(50, 100, 5)
        ),
        key=lambda x: x[0][2],
    )
    print(
        f"Febrl4 names: baseline rapidfuzz token_sort_ratio best F1 {best[0][2]} "
        f"(P {best[0][0]} R {best[0][1]}) at {best[1]}"
    )


def fake_1000(data: Path) -> None:
    d = data / "splink_demos"
    recs = {r["unique_id"]: r for r in csv.DictReader((d / "fake_1000.csv").open())}
    labels = list(csv.DictReader((d / "fake_1000_labels.csv").open()))
    ours, base, gold = [], [], []
    for lab in labels:
        x, y = recs[lab["unique_id_l"]], recs[lab["unique_id_r"]]
        nx, ny = f"{x['first_name']} {x['surname']}", f"{y['first_name']} {y['surname']}"
        p, _ = pair_probability(nx, ny, left_email=x["email"], right_email=y["email"])
        ours.append(p)
        base.append(fuzz.token_sort_ratio(nx, ny))
        gold.append(float(lab["clerical_match_score"]) >= 0.5)
    p1 = _prf([s >= 0.5 for s in ours], gold)
    bb = max(
        ((_prf([s >= th for s in base], gold), th) for th in range(50, 100, 5)),
        key=lambda x: x[0][2],
    )
    print(
        f"fake_1000 labelled pairs ({len(gold)}, {sum(gold)} matches; names + e-mail): "
        f"havewemet P/R/F1 {p1} at 0.5; rapidfuzz token_sort best {bb[0]} at {bb[1]}"
    )


def _variant_pairs(data: Path, rng: random.Random) -> dict[str, list[tuple[str, str, int]]]:
    lists: dict[str, list[tuple[str, str, int]]] = {}
    # 1. Splink fake_20000: different given names of one true person (cluster).
    by_cluster = defaultdict(set)
    for r in csv.DictReader((data / "splink_demos" / "fake_20000.csv").open()):
        if r["first_name"]:
            by_cluster[r.get("cluster") or r["group"]].add(fold(r["first_name"]))
    pos = {
        tuple(sorted(p))
        for names in by_cluster.values()
        for p in itertools.combinations(sorted(names), 2)
    }
    lists["splink fake_20000 clusters"] = _with_negatives(pos, rng)
    # 2. The nicknames package list (English; also used by the matcher: in-sample).
    pos = set()
    for r in csv.DictReader((data / "nicknames" / "names.csv").open()):
        pos.add(tuple(sorted((r["name1"], r["name2"]))))
    lists["nicknames names.csv (in-sample)"] = _with_negatives(pos, rng)
    # 3. International variants transcribed from cited pages (bench/data; out of sample).
    groups: dict[str, list[str]] = defaultdict(list)
    with (_HERE / "data" / "given_name_variants.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            groups[r["group"]].append(fold(r["name"]))
    pos = {
        tuple(sorted(p))
        for names in groups.values()
        for p in itertools.combinations(sorted(set(names)), 2)
    }
    lists["international variants, bench/data (out of sample)"] = _with_negatives(pos, rng)
    return lists


def _with_negatives(pos: set, rng: random.Random) -> list[tuple[str, str, int]]:
    """Positives plus as many negatives sharing the first letter (never a known positive)."""
    names = sorted({n for p in pos for n in p})
    by_letter = defaultdict(list)
    for n in names:
        by_letter[n[:1]].append(n)
    known = pos | {(b, a) for a, b in pos}
    neg: set = set()
    tries = 0
    while len(neg) < len(pos) and tries < 50 * len(pos):
        tries += 1
        a = rng.choice(names)
        b = rng.choice(by_letter[a[:1]])
        if a != b and (a, b) not in known:
            neg.add(tuple(sorted((a, b))))
    return [(a, b, 1) for a, b in sorted(pos)] + [(a, b, 0) for a, b in sorted(neg)]


def given_variants(data: Path) -> None:
    nn = NickNamer()

    def nick(a: str, b: str) -> bool:
        return (
            b in nn.nicknames_of(a)
            or a in nn.nicknames_of(b)
            or bool(nn.canonicals_of(a) & nn.canonicals_of(b))
        )

    def jw(a: str, b: str) -> bool:
        return JaroWinkler.similarity(a, b) >= 0.9

    def meta(a: str, b: str) -> bool:
        return jellyfish.metaphone(a) == jellyfish.metaphone(b)

    for title, pairs in _variant_pairs(data, random.Random(3)).items():
        gold = [y == 1 for _, _, y in pairs]
        ours = [pair_probability(a, b)[0] >= 0.5 for a, b, _ in pairs]
        levels = [given_level(a, b)[0] for a, b, _ in pairs]
        print(
            f"given-name variants, {title}: {sum(gold)} positive / "
            f"{len(gold) - sum(gold)} negative pairs (negatives share the first letter)"
        )
        print(f"  havewemet           P/R/F1 {_prf(ours, gold)} FPR {_fpr(ours, gold)}")
        for name, fn in (("Jaro-Winkler>=0.9", jw), ("metaphone", meta), ("nicknames", nick)):
            pred = [fn(a, b) for a, b, _ in pairs]
            print(f"  {name:19} P/R/F1 {_prf(pred, gold)} FPR {_fpr(pred, gold)}")
        union = [jw(a, b) or meta(a, b) or nick(a, b) for a, b, _ in pairs]
        print(f"  JW|metaphone|nick   P/R/F1 {_prf(union, gold)} FPR {_fpr(union, gold)}")
        missed = [
            (a, b, lv) for (a, b, y), lv, o in zip(pairs, levels, ours, strict=True) if y and not o
        ][:8]
        print(f"  examples missed: {missed}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = ap.parse_args()
    given_variants(args.data)
    fake_1000(args.data)
    febrl(args.data)


if __name__ == "__main__":
    main()
