"""Benchmark (issue 12, item 8): what knowing the user costs an import.

Every save keeps the user's own identifiers and flags the identities that are the
user's (``identities.own``): those of the saved source, or all of them when the
identifiers changed. This saves bench/import_linkedin.py's export (seeded: 30,000
connections, 50,000 messages, 2,500 invitations, its Email Addresses.csv) into a fresh
store and again, with the marking and, as the baseline in the same run, with the
marking switched off (what a save did before); and times one full marking of the
store (what ``havewemet me --add`` and the m014 migration do).

Usage::

    python bench/own_marks.py             # full size, best of 3
    python bench/own_marks.py --quick     # 3,000 connections
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_linkedin import build  # noqa: E402

import havewemet.store as store_module  # noqa: E402
from havewemet.importers import read_source  # noqa: E402
from havewemet.store import Store  # noqa: E402
from havewemet.store.own import mark_own  # noqa: E402


def _saves(export: Path, tmp: Path, *, marking: bool) -> tuple[float, float]:
    """Seconds for the first save of the export into a fresh store, then the second."""
    store_module.mark_own = mark_own if marking else (lambda conn, source=None: 0)  # type: ignore[assignment]
    store = Store.open(tmp / f"s-{marking}-{time.perf_counter_ns()}.db")
    times = []
    for _ in range(2):
        batch = read_source(export)
        t0 = time.perf_counter()
        store.save(batch)
        times.append(time.perf_counter() - t0)
    store.close()
    store_module.mark_own = mark_own
    return times[0], times[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = 3000 if args.quick else 30000
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        export = build(tmp / "export", connections=n, messages=n * 5 // 3, invitations=n // 12)
        best: dict[bool, list[float]] = {}
        for _ in range(args.repeat):
            for marking in (False, True):
                first, again = _saves(export, tmp, marking=marking)
                old = best.get(marking, [first, again])
                best[marking] = [min(old[0], first), min(old[1], again)]
        store = Store.open(tmp / "full.db")
        store.save(read_source(export))
        full = min(_timed_full_mark(store) for _ in range(args.repeat))
        identities = store.counts()["identities"]
        store.close()
    print(f"export: {n:,} connections; store: {identities:,} identities")
    print(f"{'':32} {'first save':>11} {'save again':>11}")
    for marking, label in ((False, "baseline (no marking)"), (True, "with the user's own marked")):
        first, again = best[marking]
        print(f"{label:32} {first:10.3f}s {again:10.3f}s")
    print(f"one full marking of the store (me --add, m014): {full:.3f}s")


def _timed_full_mark(store: Store) -> float:
    t0 = time.perf_counter()
    store.add_own("email", f"bench-{time.perf_counter_ns()}@example.org")
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
