"""Febrl4 names only: where the matcher's best candidate goes wrong, and the ceiling.

Used by ``bench/eval_identity.py`` (``--only febrl-names``). Each record of B is put
in a bucket by how its two names relate to its true record's in A (equal or
Jaro-Winkler >= 0.8 once spaces are removed, directly or swapped), and each bucket
is split by what the matcher did (top candidate right, a tie holding the truth, top
wrong, truth not a candidate, no candidate) and by what the F1-best threshold
keeps when a requester's candidates share its probability (requester in A).

The ceiling: a names-only matcher can at best know, for each record, how many
records of A the names leave possible (``k``: those with the identical name when
both names are related; the holders of the kept name in any role when one name is
missing or replaced) and keep its pick when right with chance ``1/k``. F1 is
``2 TP / (kept + 5000)``, so a kept pair raises it when its chance of being right
exceeds F1/2: the best set keeps every ``1/k >= 0.5`` (two-way ties included).
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from havewemet.evaluate.identity import names_candidates, share_among_candidates

_RESULTS = ("top right", "tie w/ truth", "top wrong", "truth absent", "no candidate")


def _rel(x: str, y: str) -> bool:
    x, y = x.replace(" ", ""), y.replace(" ", "")
    return bool(x and y) and JaroWinkler.similarity(x, y) >= 0.8


def _rel_loose(x: str, y: str) -> bool:
    """Related, or within two edits (4 letters or more): a typo the matcher may know."""
    if _rel(x, y):
        return True
    x, y = x.replace(" ", ""), y.replace(" ", "")
    return bool(x and y) and min(len(x), len(y)) >= 4 and DamerauLevenshtein.distance(x, y) <= 2


def _bucket(r: dict, t: dict, same_name: Counter) -> str:
    g, s, tg, ts = r["given_name"], r["surname"], t["given_name"], t["surname"]
    if (_rel(g, tg) and _rel(s, ts)) or (_rel(g, ts) and _rel(s, tg)):
        unique = same_name[tg, ts] == 1
        return "both related, " + ("name unique in A" if unique else "identical in A")
    if _rel(g, tg) or _rel(g, ts):
        return "given kept, surname " + ("missing" if not s else "replaced")
    if _rel(s, ts) or _rel(s, tg):
        return "surname kept, given " + ("missing" if not g else "replaced")
    return "neither name related"


def _chance(r: dict, t: dict, same_name: Counter, any_role: Counter, rel) -> float:
    """1/k: the chance of picking the true record among those the names leave possible."""
    g, s, tg, ts = r["given_name"], r["surname"], t["given_name"], t["surname"]
    if (rel(g, tg) and rel(s, ts)) or (rel(g, ts) and rel(s, tg)):
        return 1 / same_name[tg, ts]
    ks = [
        any_role[y]
        for x in (g, s)
        for y in (tg, ts)
        if x and y and (x == y if rel is _rel else rel(x, y))
    ]
    return 1 / min(ks) if ks else 0.0


def _best_prefix(chances: list[float], n_true: int) -> tuple[float, int, float]:
    """Best F1 keeping the most likely pairs first: (F1, pairs kept, expected right)."""
    best, tp = (0.0, 0, 0.0), 0.0
    for n, c in enumerate(sorted(chances, reverse=True), 1):
        tp += c
        if 2 * tp / (n + n_true) > best[0]:
            best = (2 * tp / (n + n_true), n, tp)
    return best


def febrl_names_analysis(a_csv: Path, b_csv: Path, truth_csv: Path) -> None:
    """Print the bucket table, the ceilings and what the matcher's ranking allows."""
    ra = [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(a_csv.open())]
    rb = [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(b_csv.open())]
    by_id = {r["rec_id"]: r for r in ra}
    true_of = {x["rec_id_b"]: x["rec_id_a"] for x in csv.DictReader(truth_csv.open())}
    n_true = len(true_of)
    same_name = Counter((r["given_name"], r["surname"]) for r in ra)
    any_role: Counter[str] = Counter()
    for r in ra:
        any_role.update({r["given_name"], r["surname"]} - {""})
    found, log2_prior, n_ids = names_candidates(a_csv, b_csv)
    rows = []  # (bucket, result, shared probability of the top, top right, tie size)
    for r in rb:
        t = by_id[true_of[r["rec_id"]]]
        cands = found.get(r["rec_id"], [])
        bucket = _bucket(r, t, same_name)
        if not cands:
            rows.append((bucket, "no candidate", 0.0, False, 0))
            continue
        top = cands[0][1]
        tied = [aid for aid, p in cands if p == top]
        ids = [aid for aid, _ in cands]
        right = cands[0][0] == t["rec_id"]
        result = (
            "truth absent"
            if t["rec_id"] not in ids
            else "top right"
            if right and len(tied) == 1
            else "tie w/ truth"
            if t["rec_id"] in tied
            else "top wrong"
        )
        shared = share_among_candidates([p for _, p in cands], log2_prior, n_ids, 0.99)[0]
        rows.append((bucket, result, shared, right, len(tied) if t["rec_id"] in tied else 0))
    # The F1-best threshold on the shared probability.
    order = sorted((x for x in rows if x[1] != "no candidate"), key=lambda x: -x[2])
    tp, best = 0, (0.0, 1.0)
    for n, x in enumerate(order, 1):
        tp += x[3]
        if 2 * tp / (n + n_true) > best[0]:
            best = (2 * tp / (n + n_true), x[2])
    th = best[1]
    print(
        f"Febrl4 names, error analysis: each record of B by how its names relate to its true "
        f"record's; what the matcher's top candidate is; what candidates sharing (present "
        f"0.99) keeps at its F1-best threshold {th:.3f} (F1 {best[0]:.4f})"
    )
    table: dict[str, Counter] = defaultdict(Counter)
    for bucket, result, shared, right, _ in rows:
        table[bucket][result] += 1
        if result != "no candidate":
            table[bucket]["kept right" if right else "kept wrong"] += shared >= th
    cols = (*_RESULTS, "kept right", "kept wrong")
    print(f"  {'bucket':34}{'n':>6}" + "".join(f"{c:>14}" for c in cols))
    total: Counter = Counter()
    for bucket in sorted(table):
        c = table[bucket]
        total.update(c)
        n = sum(c[x] for x in _RESULTS)
        print(f"  {bucket:34}{n:6}" + "".join(f"{c[x]:14}" for x in cols))
    print(f"  {'all':34}{len(rows):6}" + "".join(f"{total[x]:14}" for x in cols))
    bins = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 0.99, 1.01)
    cells = []
    for lo, hi in itertools.pairwise(bins):
        sel = [x[3] for x in order if lo <= x[2] < hi]
        if sel:
            cells.append(f"[{lo:.2f},{min(hi, 1.0):.2f}) {sum(sel) / len(sel):.2f} of {len(sel)}")
    print("  calibration (shared probability of the top: share right of n): " + "; ".join(cells))
    # What the matcher's own ranking allows, then what the names allow.
    right = sum(x[3] for x in rows)
    tie_oracle = _best_prefix([1 / x[4] if x[4] else 0.0 for x in rows], n_true)
    print(
        f"  the matcher's top is right for {right} of {len(rows)}: F1 "
        f"{2 * right / (right + n_true):.4f} if exactly those were kept (not knowable: ties); "
        f"{tie_oracle[0]:.4f} with every top scored by its true chance (1/ties), keeping "
        f"{tie_oracle[1]} pairs"
    )
    for label, rel in (("strict", _rel), ("loose", _rel_loose)):
        ch = [_chance(r, by_id[true_of[r["rec_id"]]], same_name, any_role, rel) for r in rb]
        f1, n, tp = _best_prefix(ch, n_true)
        sure = sum(1 for c in ch if c >= 1)
        print(
            f"  names-only ceiling ({label}: a name kept when "
            f"{'equal' if rel is _rel else 'within two edits'}): F1 {f1:.4f} keeping {n} "
            f"pairs ({tp:.0f} right on average; {sure} records identified for sure, "
            f"F1 {2 * sure / (sure + n_true):.4f} keeping only those)"
        )
