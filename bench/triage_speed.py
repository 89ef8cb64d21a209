"""Triage speed: 1,000 pending requests against a store of 50,000 identities.

Usage::

    python bench/triage_speed.py [--identities 50000] [--requests 1000] [--json]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \
        python bench/triage_speed.py --counted [--identities N --requests M]

The store is generated (seeded) in memory: identities with names, LinkedIn URLs
and companies, about three interactions each; requests are a mix of people in
the store, namesakes and strangers, with notes (some pitches, some shared) and up
to five mutual names. Reported apart: building the store (not part of triage),
the first load after it (which prepares every identity for matching and keeps the
prepared records in the store), loading the Triager as every later run does
(reading the prepared records and building the match index, once per batch) and
triaging the requests. The budget, at most 2 s for 1,000, is for the last two. Surnames:
30% from 40 common ones, the rest from 27,000 generated ones.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import time

from havewemet.models import Identity, ImportBatch, Interaction, Request
from havewemet.store import Store
from havewemet.triage.engine import Triager

FIRST = (
    "Anna Ben Carla David Elena Farid Grace Hugo Ines Jonas Kira Liam Maria Noah Olga Pablo "
    "Qing Rosa Sven Tara Umar Vera Wen Xavier Yara Zoe Amir Bea Cem Dina Emil Fatma Gil "
    "Hana Ivo Jana Kofi Lena Milo Nora"
).split()
LAST = (
    "Smith Jones Garcia Müller Rossi Novak Kowalski Dubois Silva Costa Jensen Berg Haddad "
    "Okafor Mensah Tanaka Kim Nguyen Patel Singh Cohen Levi Ivanova Popescu Horvat Nagy "
    "Kaya Demir Olsen Virtanen Murphy Walsh Byrne Evans Hughes Price Lewis Turner Ward "
    "Brooks"
).split()
SYL = (
    "ka ber lin mo set ra vi dor han el stro pe mar tin ol fu gar ne sa lo wen dri bak "
    "chu fel ios nor qui tam zel"
).split()
PITCH = "Hi, we help councils grow revenue with our platform. Can we book a quick call?"


def _slug(name: str, i: int) -> str:
    """A slug as LinkedIn makes them: the name and a hex suffix."""
    from havewemet.identity.names import fold

    return "-".join(fold(name).split()) + f"-{(i * 2654435761) % 16**6:06x}"


def build(n_ident: int, seed: int, path: str = ":memory:") -> tuple[Store, list[str]]:
    """The generated store (in memory, or at ``path``) and its identities' names."""
    rnd = random.Random(seed)
    b = ImportBatch("linkedin", "bench", "bench")
    names = []
    for i in range(n_ident):
        # Real address books hold thousands of surnames: a few common, most rare.
        if rnd.random() < 0.3:
            last = rnd.choice(LAST)
        else:
            last = "".join(rnd.choice(SYL) for _ in range(3)).title()
        first = rnd.choice(FIRST)
        name = f"{first} {last}"
        names.append(name)
        key = f"in/{_slug(name, i)}"
        b.identities.append(
            Identity(
                "linkedin",
                key,
                name,
                first,
                last,
                urls=[f"https://www.linkedin.com/{key}"],
                company=f"Org {i % 900}",
                file="Connections.csv",
                line=i + 2,
            )
        )
        b.interactions.append(
            Interaction(
                "linkedin",
                key,
                "connected",
                "2022-01-01",
                "both",
                file="Connections.csv",
                line=i + 2,
            )
        )
        for j in range(rnd.randrange(0, 5)):
            b.interactions.append(
                Interaction(
                    "linkedin",
                    key,
                    "message",
                    f"2025-{1 + j:02d}-0{1 + j}",
                    rnd.choice(["in", "out"]),
                    file="messages.csv",
                    line=i * 5 + j,
                    count=rnd.randrange(1, 6),
                )
            )
    store = Store.open(path)
    store.save(b)
    return store, names


def requests(store: Store, names: list[str], n: int, seed: int) -> None:
    rnd = random.Random(seed + 1)
    for i in range(n):
        kind = i % 4
        if kind == 0:  # someone in the store, same profile
            k = rnd.randrange(len(names))
            name, url = names[k], f"https://www.linkedin.com/in/{_slug(names[k], k)}"
        elif kind == 1:  # a namesake: same name, another profile
            name = rnd.choice(names)
            url = f"https://www.linkedin.com/in/{_slug(name, 10**6 + i)}"
        else:  # a stranger
            name = f"{rnd.choice(FIRST)} Zz{i}"
            url = f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}"
        note = PITCH if i % 10 == 0 else ("" if i % 3 else f"Hi, we met at event {i % 50}.")
        store.add_request(
            Request(
                name,
                url,
                f"Analyst at Org {i % 900}",
                note,
                "2026-05-01T10:00:00",
                [rnd.choice(names) for _ in range(rnd.randrange(0, 6))],
            )
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--identities", type=int, default=50_000)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--counted",
        action="store_true",
        help="only load + triage inside functools.reduce, for valgrind --tool=callgrind "
        "--collect-atstart=no --toggle-collect=functools_reduce (instructions do not move "
        "with a shared machine's load as seconds do)",
    )
    args = ap.parse_args()
    t0 = time.perf_counter()
    store, names = build(args.identities, args.seed)
    requests(store, names, args.requests, args.seed)
    if args.counted:
        del Triager(store).matcher  # the first load after the import: not counted
        pending = store.requests()
        functools.reduce(lambda _, f: f(), [lambda: Triager(store).triage_all(pending)], None)
        return
    t0b, c0b = time.perf_counter(), time.process_time()
    del Triager(store).matcher  # the first load after an import prepares and keeps
    t1, c1 = time.perf_counter(), time.process_time()
    triager = Triager(store)  # what every later inbox, check or page does
    t2, c2 = time.perf_counter(), time.process_time()
    pending = store.requests()
    results = triager.triage_all(pending)
    t3, c3 = time.perf_counter(), time.process_time()
    out = {
        "identities": args.identities,
        "requests": len(results),
        "build_store_s": round(t0b - t0, 2),
        "first_load_s": round(t1 - t0b, 2),
        "first_load_cpu_s": round(c1 - c0b, 2),
        "load_triager_s": round(t2 - t1, 2),
        "load_triager_cpu_s": round(c2 - c1, 2),
        "triage_s": round(t3 - t2, 2),
        "triage_cpu_s": round(c3 - c2, 2),
        "load_and_triage_cpu_s": round(c3 - c1, 2),
        "load_and_triage_s": round(t3 - t1, 2),
        "per_request_ms": round(1000 * (t3 - t2) / max(1, len(results)), 2),
        "actions": {
            a: sum(r.action == a for r in results) for a in ("accept", "ask", "ignore", "report")
        },
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(
        f"{out['requests']} requests against {out['identities']} identities: "
        f"load + triage CPU {out['load_and_triage_cpu_s']} s (budget 2 s), "
        f"wall {out['load_and_triage_s']} s\n"
        f"  triage {out['triage_s']} s, CPU {out['triage_cpu_s']} s "
        f"({out['per_request_ms']} ms each)\n"
        f"  loading the Triager {out['load_triager_s']} s, CPU {out['load_triager_cpu_s']} s "
        f"(prepared identities kept in the store)\n"
        f"  first load after the import {out['first_load_s']} s, CPU "
        f"{out['first_load_cpu_s']} s (prepares and keeps them); "
        f"building the store {out['build_store_s']} s"
    )
    print(f"  actions: {out['actions']}")


if __name__ == "__main__":
    main()
