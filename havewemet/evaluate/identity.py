"""Evaluation entry points: labelled name pairs and two-file record linkage (issue 3).

``havewemet eval names FILE.csv`` calls :func:`eval_names`; ``havewemet eval link
A.csv B.csv TRUTH.csv`` calls :func:`eval_link`. Both return plain dicts with
``precision``, ``recall``, ``f1``, ``threshold`` and a ``sweep`` list.
"""

from __future__ import annotations

import csv
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rapidfuzz.distance import JaroWinkler, Levenshtein

from havewemet.errors import InputError
from havewemet.identity.compare import compare, make_rec, probability
from havewemet.identity.match import Matcher, Query
from havewemet.identity.names import ParsedName, fold, given_level, skeleton, surname_level

log = logging.getLogger(__name__)

#: Prior odds (log2) for a labelled pair: one in 300 candidates is the person.
PAIR_PRIOR = math.log2(0.5 / 300)
#: Prior for two lone given names ("Bob" / "Robert"): only the name is compared.
GIVEN_ONLY_PRIOR = -3.0
DEFAULT_THRESHOLD = 0.5
_SWEEP = [0.001, 0.005, 0.01, 0.02, *(round(x * 0.05, 2) for x in range(1, 20))]
_SIDE_FIELDS = ("email", "phone", "profile_url", "handle", "company", "birthday")


def _read(path: str | Path) -> list[dict[str, str]]:
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            return [
                {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                for row in csv.DictReader(f)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(
            p.name, f"cannot read the CSV ({e})", fix="give a UTF-8 CSV file with a header row"
        ) from e


def pair_probability(left: str, right: str, **sides: str) -> tuple[float, list[str]]:
    """The probability two free-text names (plus optional fields) are one person.

    ``sides`` are ``left_email=...``, ``right_company=...`` and so on.

    Examples:
        >>> round(pair_probability("Bob Smith", "Robert Smith")[0], 2)
        0.97
        >>> pair_probability("Robert", "Roberta")[0] < 0.5
        True
    """
    recs = []
    for side, name in (("left", left), ("right", right)):
        get = lambda f, s=side: sides.get(f"{s}_{f}", "")  # noqa: E731
        recs.append(
            make_rec(
                side,
                name=name,
                emails=[get("email")] if get("email") else [],
                phones=[get("phone")] if get("phone") else [],
                urls=[get("profile_url")] if get("profile_url") else [],
                handles=[get("handle")] if get("handle") else [],
                company=get("company"),
                birthday=get("birthday"),
            )
        )
    a, b = recs
    sc = compare(a, b)
    only_given = not a.name.last and not b.name.last and a.name.first and b.name.first
    prior = GIVEN_ONLY_PRIOR if only_given and len(sc.parts) == 1 else PAIR_PRIOR
    p = probability(sc.weight, prior)
    return (min(p, 0.05) if sc.conflict else p), sc.reasons


def _metrics(
    scores: list[float], labels: list[int], threshold: float, n_true: int | None = None
) -> dict[str, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
    pos = sum(labels) if n_true is None else n_true
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / pos if pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": pos - tp,
    }


def _summary(
    scores: list[float],
    labels: list[int],
    threshold: float,
    n_true: int | None = None,
    **extra: object,
) -> dict:
    at = _metrics(scores, labels, threshold, n_true)
    sweep = [_metrics(scores, labels, t, n_true) for t in _SWEEP]
    best = max(sweep, key=lambda r: r["f1"])
    return {
        **at,
        "best_threshold": best["threshold"],
        "best_f1": best["f1"],
        "sweep": sweep,
        **extra,
    }


def eval_names(path: str | Path, *, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Precision, recall and F1 on labelled name pairs (``left,right,label``).

    Optional columns ``left_email,right_email`` (and ``_phone``, ``_profile_url``,
    ``_handle``, ``_company``) add evidence. Returns ``precision``, ``recall``,
    ``f1``, ``threshold``, ``pairs`` and a ``sweep`` list of the same per threshold.
    """
    rows = _read(path)
    if rows and not {"left", "right", "label"} <= set(rows[0]):
        raise InputError(
            Path(path).name,
            f"missing columns: need left,right,label (found {','.join(rows[0])})",
            line=1,
            fix="add a header row: left,right,label",
        )
    scores, labels = [], []
    for n, row in enumerate(rows, start=2):
        label = row.get("label", "")
        if label not in ("0", "1", "0.0", "1.0", "true", "false"):
            raise InputError(
                Path(path).name,
                f"label {label!r} is not 0 or 1",
                line=n,
                fix="use 1 for the same person and 0 for different people",
            )
        extra = {
            f"{s}_{f}": row.get(f"{s}_{f}", "") for s in ("left", "right") for f in _SIDE_FIELDS
        }
        scores.append(pair_probability(row["left"], row["right"], **extra)[0])
        labels.append(1 if label in ("1", "1.0", "true") else 0)
    return _summary(scores, labels, threshold, pairs=len(rows))


# -- two record files (Febrl layout) ----------------------------------------------------


def share_among_candidates(
    probabilities: list[float], log2_prior_odds: float, n_identities: int, present: float
) -> list[float]:
    """Each candidate's probability when all of them compete for one requester.

    The matcher scores every candidate on its own, so ten identities called Holly
    Reid each get the probability a unique one would. Here the candidates share:
    with the requester among the ``n_identities`` with probability ``present``
    (uniform prior) and elsewhere otherwise, candidate *i*'s posterior is its
    likelihood ratio over the absent case plus the sum over all candidates.

    With ``present`` equal to the matcher's own prior (``n_identities`` times the
    prior odds, over one plus that) a lone candidate keeps its probability.

    Examples:
        >>> share_among_candidates([0.9], -5.0, 32, 0.5)
        [0.9]
        >>> [round(p, 2) for p in share_among_candidates([0.9, 0.9], -5.0, 32, 0.5)]
        [0.47, 0.47]
    """
    prior = 2.0**log2_prior_odds
    ratios = [p / (1.0 - p) / prior if p < 1.0 else 1e18 for p in probabilities]
    per_identity = present / max(n_identities, 1)
    total = (1.0 - present) + per_identity * sum(ratios)
    return [per_identity * r / total if total > 0 else 0.0 for r in ratios]


_NAME_COLS = ("given_name", "surname")


def _field_u(a: list[dict], b: list[dict], col: str) -> float:
    """u for exact agreement: the chance two random records agree on ``col``."""
    ca = Counter(r[col] for r in a if r.get(col))
    cb = Counter(r[col] for r in b if r.get(col))
    na, nb = sum(ca.values()) or 1, sum(cb.values()) or 1
    return max(sum(ca[v] * cb[v] for v in ca) / (na * nb), 1e-7)


def _field_weight(x: str, y: str, u_exact: float) -> float:
    if not x or not y:
        return 0.0
    if x == y:
        return math.log2(0.9 / u_exact)
    if x.isdigit() and y.isdigit() and len(x) == len(y):
        close = Levenshtein.distance(x, y) <= 1 or sorted(x) == sorted(y)
        return math.log2(0.07 / 0.01) if close else math.log2(0.03 / 0.99)
    if JaroWinkler.similarity(x, y) >= 0.88:
        return math.log2(0.07 / 0.01)
    return math.log2(0.03 / 0.98)


def _name_weight(ga: str, sa: str, gb: str, sb: str) -> float:
    from havewemet.identity.compare import MODEL

    pa, pb = ParsedName(ga, "", sa), ParsedName(gb, "", sb)
    w = 0.0
    g, s = given_level(ga, gb)[0], surname_level(pa, pb)[0]
    if g in ("none",) and s in ("none",) and given_level(ga, sb)[0] in ("exact", "spelling"):
        return math.log2(0.02 / 1e-5)  # given and surname swapped
    for comp, lvl in (("given", g), ("surname", s)):
        if lvl != "missing":
            w += MODEL[comp].level(lvl).weight
    return w


def _blocks(r: dict) -> Iterable[tuple]:
    g, s = skeleton(r.get("given_name", "")), skeleton(r.get("surname", ""))
    yield ("gs", g, s)
    yield ("gs", s, g)
    for col in ("date_of_birth", "soc_sec_id"):
        if r.get(col):
            yield (col, r[col])
    yield ("sp", s, r.get("postcode", ""))
    yield ("gp", g, r.get("postcode", ""))
    yield ("ss", s, r.get("street_number", ""))


def _names_candidates(
    a: list[dict[str, str]], b: list[dict[str, str]], id_col: str, *, everyone: bool = True
) -> tuple[dict[str, list[tuple[str, float]]], float, int]:
    """Each record of B matched by name against the records of A, through :class:`Matcher`.

    Returns ``{b_id: [(a_id, probability), ...]}`` (most probable first; every
    candidate with ``everyone``, else the best), the matcher's log2 prior odds and
    its number of identities.
    """
    matcher = Matcher(
        {
            "id": r[id_col],
            "first_name": r.get("given_name", ""),
            "last_name": r.get("surname", ""),
            "name": f"{r.get('given_name', '')} {r.get('surname', '')}".strip(),
        }
        for r in a
    )
    out = {}
    for r in b:
        q = Query(f"{r.get('given_name', '')} {r.get('surname', '')}".strip())
        found = matcher.match(q, limit=10**6 if everyone else 1, threshold=0.0)
        out[r[id_col]] = [(m.identity_id, m.probability) for m in found]
    return out, matcher.log2_prior_odds, len(matcher)


def names_candidates(
    a_csv: str | Path, b_csv: str | Path
) -> tuple[dict[str, list[tuple[str, float]]], float, int]:
    """Every name candidate in A of each record of B (Febrl layout), for error analysis.

    Returns ``{b_id: [(a_id, probability), ...]}`` most probable first, the
    matcher's log2 prior odds and its number of identities (for
    :func:`share_among_candidates`).
    """
    a, b = _read(a_csv), _read(b_csv)
    return _names_candidates(a, b, next(iter(a[0])) if a else "rec_id")


def eval_link(
    a_csv: str | Path,
    b_csv: str | Path,
    truth_csv: str | Path,
    *,
    fields: Literal["all", "names"] = "all",
    threshold: float = DEFAULT_THRESHOLD,
    present: float | None = None,
) -> dict:
    """Link two record files and score against true pairs (Febrl layout).

    With ``fields="names"`` only the name columns are used, through the same
    :class:`Matcher` a requester goes through, keeping each record's best
    candidate. With ``"all"`` every shared column is compared (u values from the
    files themselves) and each record of B keeps its best candidate in A.
    ``present`` (names only): the candidates of a record share its probability
    (:func:`share_among_candidates`), the record being in A with that
    probability; None keeps the matcher's independent probabilities.
    """
    a, b, truth = _read(a_csv), _read(b_csv), _read(truth_csv)
    id_col = next(iter(a[0])) if a else "rec_id"
    tcols = list(truth[0]) if truth else ["rec_id_a", "rec_id_b"]
    true_pairs = {(t[tcols[0]], t[tcols[1]]) for t in truth}
    best: dict[str, tuple[float, str]] = {}
    if fields == "names":
        found_all, log2_prior, n_ids = _names_candidates(a, b, id_col, everyone=present is not None)
        for bid, found in found_all.items():
            if found:  # ties go to the first candidate, as extractOne-style baselines do
                p = found[0][1]
                if present is not None:
                    p = share_among_candidates([x[1] for x in found], log2_prior, n_ids, present)[0]
                best[bid] = (p, found[0][0])
    else:
        cols = [c for c in a[0] if c != id_col and c not in _NAME_COLS and c in b[0]]
        u = {c: _field_u(a, b, c) for c in cols}
        index: dict[tuple, list[dict]] = defaultdict(list)
        for r in a:
            for k in _blocks(r):
                index[k].append(r)
        prior = math.log2(1 / max(len(a), 1))
        for r in b:
            seen: set[str] = set()
            for k in _blocks(r):
                for ra in index.get(k, ()):
                    if ra[id_col] in seen:
                        continue
                    seen.add(ra[id_col])
                    w = _name_weight(
                        fold(ra.get("given_name", "")),
                        fold(ra.get("surname", "")),
                        fold(r.get("given_name", "")),
                        fold(r.get("surname", "")),
                    )
                    w += sum(_field_weight(ra.get(c, ""), r.get(c, ""), u[c]) for c in cols)
                    p = probability(w, prior)
                    if p > best.get(r[id_col], (-1.0, ""))[0]:
                        best[r[id_col]] = (p, ra[id_col])
    scores, labels = [], []
    for bid, (p, aid) in best.items():
        scores.append(p)
        labels.append(1 if (aid, bid) in true_pairs else 0)
    return _summary(
        scores,
        labels,
        threshold,
        n_true=len(true_pairs),
        fields=fields,
        records_a=len(a),
        records_b=len(b),
        true_pairs=len(true_pairs),
    )


__all__ = [
    "eval_link",
    "eval_names",
    "names_candidates",
    "pair_probability",
    "share_among_candidates",
]
