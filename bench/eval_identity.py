"""Identity-resolution quality on public benchmark data, beside baselines (issue 3).

Run: python bench/eval_identity.py --data /work/shared/data
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
import random
import time
from collections import defaultdict
from pathlib import Path

import jellyfish
from _names_analysis import febrl_names_analysis
from nicknames import NickNamer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from havewemet.evaluate.identity import eval_link, pair_probability
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
    t0 = time.perf_counter()
    r = eval_link(d / "febrl4a.csv", d / "febrl4b.csv", d / "febrl4_true_links.csv")
    print(
        f"Febrl4 all  : havewemet P {r['precision']} R {r['recall']} F1 {r['f1']} "
        f"at {r['threshold']}; best F1 {r['best_f1']} at {r['best_threshold']} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    febrl_names(data)


def febrl_names(data: Path) -> None:
    """Febrl4 names only: the matcher alone, candidates sharing, the baseline, the analysis."""
    d = data / "febrl"
    a, b, t = d / "febrl4a.csv", d / "febrl4b.csv", d / "febrl4_true_links.csv"
    t0 = time.perf_counter()
    r = eval_link(a, b, t, fields="names")
    print(
        f"Febrl4 names: havewemet P {r['precision']} R {r['recall']} F1 {r['f1']} "
        f"at {r['threshold']}; best F1 {r['best_f1']} at {r['best_threshold']} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    _print_sweep(r)
    # A requester's candidates share its probability (evaluate.share_among_candidates).
    for present, why in ((1 / 3, "the matcher's own prior"), (0.99, "known to be in A")):
        r = eval_link(a, b, t, fields="names", present=present)
        print(
            f"Febrl4 names, candidates sharing (requester {why}, present={present:.2f}): "
            f"P {r['precision']} R {r['recall']} F1 {r['f1']} at 0.5; best F1 {r['best_f1']} "
            f"at {r['best_threshold']}"
        )
        _print_sweep(r)
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
    febrl_names_analysis(a, b, t)


def _print_sweep(r: dict) -> None:
    print(
        "  sweep (threshold P/R/F1): "
        + "; ".join(
            f"{x['threshold']} {x['precision']}/{x['recall']}/{x['f1']}"
            for x in r["sweep"]
            if x["threshold"] in (0.001, 0.005, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9)
        )
    )


def _splink_best(pred, n_true: int) -> tuple:
    """Best candidate in file A per record of B: P/R/F1 at 0.5 and the best over a sweep."""
    best: dict[str, tuple[float, bool]] = {}
    cols = (pred["rec_id_l"], pred["rec_id_r"], pred["match_probability"])
    for la, lb, prob in zip(*cols, strict=True):
        a, b = (la, lb) if "-org" in la else (lb, la)
        if prob > best.get(b, (-1.0, False))[0]:
            best[b] = (prob, a.replace("-org", "") == b.replace("-dup-0", ""))
    res = list(best.values())

    def at(th: float) -> tuple:
        return _prf([p >= th for p, _ in res], [ok for _, ok in res], n_true)

    sweep = [0.001, 0.005, 0.01, 0.02, 0.05, *(x / 20 for x in range(1, 20))]
    top = max(((at(t), t) for t in sweep), key=lambda x: x[0][2])
    return at(0.5), top


def splink_febrl4(data: Path) -> None:
    """Splink 5 on Febrl4: its documented detailed model, and a names-only variant.

    The all-fields model follows Splink's own example (docs/demos/examples/duckdb/
    febrl4): NameComparison with term frequencies for both names, DateOfBirthComparison,
    Damerau-Levenshtein on soc_sec_id and postcode, exact street_number; u by random
    sampling (1e6 pairs), m by EM blocked on date_of_birth then postcode.
    """
    try:
        import pandas as pd
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError as e:  # bench-only dependencies: pip install splink pandas
        print(f"Splink baseline skipped ({e}); pip install splink pandas")
        return
    logging.getLogger("splink").setLevel(logging.ERROR)
    d = data / "febrl"
    dfs = []
    for name in ("febrl4a.csv", "febrl4b.csv"):
        df = pd.read_csv(d / name, dtype=str, keep_default_na=False)
        for c in df.columns:
            df[c] = df[c].str.strip().replace("", None)
        dfs.append(df)
    swap = "l.given_name = r.surname and l.surname = r.given_name"
    models = {
        "all": (
            [
                block_on("given_name", "surname"),
                swap,
                block_on("date_of_birth"),
                block_on("soc_sec_id"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ],
            [
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ],
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
            [block_on("date_of_birth"), block_on("postcode")],
        ),
        "names": (
            [block_on("given_name"), block_on("surname"), swap],
            [
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            ],
            [block_on("given_name", "surname")],
            [block_on("given_name"), block_on("surname")],
        ),
    }
    for fields, (blocking, comparisons, deterministic, em_rules) in models.items():
        t0 = time.perf_counter()
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="link_only",
            blocking_rules_to_generate_predictions=blocking,
            comparisons=comparisons,
        )
        api = DuckDBAPI()
        linker = Linker([api.register(df) for df in dfs], settings, log_level=40)
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
        for rule in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        pred = linker.inference.predict(threshold_match_probability=0.0).as_pandas_dataframe()
        at_half, (top, th) = _splink_best(pred, 5000)
        print(
            f"Febrl4 {fields:5}: baseline Splink {_splink_version()} P/R/F1 {at_half} at 0.5; "
            f"best F1 {top[2]} (P {top[0]} R {top[1]}) at {th} "
            f"({time.perf_counter() - t0:.1f} s, best candidate per record of B)"
        )


def _splink_version() -> str:
    from importlib.metadata import version

    return version("splink")


def fake_1000(data: Path) -> None:
    """Splink's fake_1000: its 1,225 clerical pairs (50 records), then every pair of
    the other 950 records (held out: never looked at while the model was set), with
    the names and e-mail, and with the birthday an address book holds too."""
    d = data / "splink_demos"
    rows = list(csv.DictReader((d / "fake_1000.csv").open()))
    recs = {r["unique_id"]: r for r in rows}
    labels = list(csv.DictReader((d / "fake_1000_labels.csv").open()))
    labelled = [
        (
            recs[lab["unique_id_l"]],
            recs[lab["unique_id_r"]],
            float(lab["clerical_match_score"]) >= 0.5,
        )
        for lab in labels
    ]
    seen = {x["unique_id"] for x, y, _ in labelled} | {y["unique_id"] for x, y, _ in labelled}
    rest = [r for r in rows if r["unique_id"] not in seen]
    held = [(x, y, x["cluster"] == y["cluster"]) for x, y in itertools.combinations(rest, 2)]
    for title, pairs in (("labelled pairs", labelled), ("held-out pairs", held)):
        t0 = time.perf_counter()
        gold = [g for _, _, g in pairs]
        names = [
            (f"{x['first_name']} {x['surname']}", f"{y['first_name']} {y['surname']}")
            for x, y, _ in pairs
        ]
        base = [fuzz.token_sort_ratio(nx, ny) for nx, ny in names]
        bb = max(
            ((_prf([s >= th for s in base], gold), th) for th in range(50, 100, 5)),
            key=lambda x: x[0][2],
        )
        out = []
        for fields in (("email",), ("email", "birthday")):
            ours = [
                pair_probability(
                    nx,
                    ny,
                    left_email=x["email"],
                    right_email=y["email"],
                    **(
                        {"left_birthday": x["dob"], "right_birthday": y["dob"]}
                        if "birthday" in fields
                        else {}
                    ),
                )[0]
                for (nx, ny), (x, y, _) in zip(names, pairs, strict=True)
            ]
            out.append(
                f"names + {' + '.join(fields)} P/R/F1 {_prf([s >= 0.5 for s in ours], gold)}"
            )
        print(
            f"fake_1000 {title} ({len(gold)}, {sum(gold)} matches): havewemet at 0.5: "
            f"{'; '.join(out)}; rapidfuzz token_sort (names) best {bb[0]} at {bb[1]} "
            f"({time.perf_counter() - t0:.1f} s)"
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
    parts = {
        "variants": given_variants,
        "fake1000": fake_1000,
        "febrl": febrl,
        "febrl-names": febrl_names,
        "splink": splink_febrl4,
    }
    ap.add_argument(
        "--only",
        choices=sorted(parts),
        action="append",
        help="run only these parts (repeatable); febrl-names is the names-only Febrl4 "
        "part of febrl with its error analysis; default: all but febrl-names",
    )
    args = ap.parse_args()
    for name in args.only or ["variants", "fake1000", "febrl", "splink"]:
        parts[name](args.data)


if __name__ == "__main__":
    main()
