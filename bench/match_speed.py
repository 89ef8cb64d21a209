"""Speed of the identity matcher on 50,000 generated identities (issue 3).

Run: python bench/match_speed.py [--n 50000] [--no-memory]

Times are measured without tracemalloc (it slows Python code severalfold), wall
and CPU seconds; peak memory is measured in a second pass of the same work under
tracemalloc (the work's own allocations) and as the process's peak RSS. For
comparison, a brute-force rapidfuzz scan and Splink 5's ``predict_between`` for one
record at a time (bench extra: ``pip install splink pandas``; runs offline on DuckDB).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
import tracemalloc

from faker import Faker
from rapidfuzz import fuzz, process

from havewemet.identity import Matcher, Query
from havewemet.identity.cluster import cluster_identities


def _identities(n: int, seed: int = 7) -> list[dict]:
    fake = Faker(["en_GB", "en_US", "de_DE", "fr_FR", "es_ES", "pl_PL", "it_IT"])
    Faker.seed(seed)
    out = []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        ident = {"id": f"i{i}", "name": f"{first} {last}", "company": fake.company()}
        if i % 3 == 0:
            ident["emails"] = [f"{first[0]}.{last}{i % 97}@example.org".lower()]
        if i % 5 == 0:
            ident["urls"] = [f"https://www.linkedin.com/in/{first}-{last}-{i:x}".lower()]
        out.append(ident)
    return out


def _work(idents: list[dict], queries: list[Query]) -> dict:
    """Build the index, match the queries (after a warm-up) and cluster: the timed work."""
    out: dict = {}
    t, c = time.perf_counter(), time.process_time()
    matcher = Matcher(idents)
    out["build"] = (time.perf_counter() - t, time.process_time() - c)
    for q in queries[:50]:  # warm the caches as a session would
        matcher.match(q)
    times = []
    t_all, c_all = time.perf_counter(), time.process_time()
    for q in queries:
        t = time.perf_counter()
        matcher.match(q)
        times.append((time.perf_counter() - t) * 1000)
    out["total"] = (time.perf_counter() - t_all, time.process_time() - c_all)
    out["times"] = sorted(times)
    t, c = time.perf_counter(), time.process_time()
    out["people"] = len(set(cluster_identities(idents).values()))
    out["cluster"] = (time.perf_counter() - t, time.process_time() - c)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = ap.parse_args()
    idents = _identities(args.n)
    rng = random.Random(1)
    queries = [Query(rng.choice(idents)["name"]) for _ in range(1000)]
    r = _work(idents, queries)
    times = r["times"]
    print(f"identities: {args.n}, index build {r['build'][0]:.2f} s (CPU {r['build'][1]:.2f} s)")
    print(
        f"one requester: p50 {statistics.median(times):.2f} ms, "
        f"p99 {times[int(len(times) * 0.99)]:.2f} ms"
    )
    print(f"1,000 requesters: {r['total'][0]:.2f} s (CPU {r['total'][1]:.2f} s)")
    print(
        f"clustering {args.n}: {r['cluster'][0]:.2f} s (CPU {r['cluster'][1]:.2f} s) "
        f"-> {r['people']} people"
    )
    if not args.no_memory:
        tracemalloc.start()
        _work(idents, queries)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak traced memory (second pass): {peak / 1e6:.0f} MB; peak RSS {rss:.0f} MB")
    names = [i["name"] for i in idents]
    t = time.perf_counter()
    for q in queries[:20]:
        process.extract(q.name, names, scorer=fuzz.token_sort_ratio, limit=5)
    brute = (time.perf_counter() - t) / 20 * 1000
    print(f"brute-force rapidfuzz token_sort_ratio scan: {brute:.1f} ms per requester")
    try:
        _splink_one(idents, [q.name for q in queries[:11]])
    except ImportError as e:  # bench-only dependencies: pip install splink pandas
        print(f"splink: not timed ({e}); pip install splink pandas")
    except Exception as e:  # noqa: BLE001 - the comparison is optional
        print(f"splink: not timed ({type(e).__name__}: {e})")


def _splink_one(idents: list[dict], names: list[str]) -> None:
    """Splink 5's per-record prediction: ``linker.inference.predict_between`` of the
    existing records and a one-record table (its incremental-linkage call; Splink 4's
    ``find_matches_to_new_records`` is gone), on DuckDB, first name and surname with
    Jaro-Winkler levels, blocked on surname, u by random sampling (untimed)."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)

    def row(uid: str, name: str) -> dict:
        return {"unique_id": uid, "first_name": name.split()[0], "surname": name.split()[-1]}

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name"),
            cl.JaroWinklerAtThresholds("surname"),
        ],
        blocking_rules_to_generate_predictions=[block_on("surname")],
    )
    api = DuckDBAPI()
    existing = api.register(pd.DataFrame([row(i["id"], i["name"]) for i in idents]))
    linker = Linker(existing, settings, log_level=40)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5)

    def predict(k: int, name: str) -> int:
        new = api.register(pd.DataFrame([row(f"q{k}", name)]))
        return len(linker.inference.predict_between(existing, new).as_pandas_dataframe())

    predict(0, names[0])  # warm-up
    t, c = time.perf_counter(), time.process_time()
    for k, name in enumerate(names[1:], 1):
        predict(k, name)
    n = len(names) - 1
    print(
        f"splink {_version('splink')} predict_between, one record against {len(idents)} "
        f"(DuckDB): {(time.perf_counter() - t) / n * 1000:.0f} ms "
        f"(CPU {(time.process_time() - c) / n * 1000:.0f} ms; DuckDB is multithreaded) "
        f"per record, mean of {n}"
    )


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    main()
