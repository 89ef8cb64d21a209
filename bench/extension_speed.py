"""The browser extension's host over its stdio protocol (issue 17): how long a page
of invitations waits for its badges.

Usage::

    PYTHONPATH=. python bench/extension_speed.py [--identities 50000] [--cards 100] [--batches 5]

A store of ``--identities`` generated identities is written to a temporary file (as
bench/triage_speed.py generates them: names, LinkedIn addresses, employers, messages)
and prepared for matching once, as the first ``havewemet inbox`` after an import does.
Then the host is started as the browser starts it (``python -m
havewemet.extension.host --db FILE``, length-prefixed JSON on stdin and stdout) and
sent, like the extension, pages of ``--cards`` invitations: people in the store,
namesakes and strangers with notes and one mutual name each, every page new
requesters (saved as pending requests, as the extension does by default).

Reported: the *first answer* (from starting the host to the answer to its first page:
Python's start, the imports, loading the triage, the page), then each *warm* page
(the host already running); wall seconds, and the host's CPU seconds from
``/proc/PID/stat``. Baseline in the same run: the library alone
(``Triager.triage_all`` in this process on the same number of requests, no protocol,
no saving). Budgets: first answer 3 s, warm page 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from triage_speed import FIRST, PITCH, _slug, build  # noqa: E402

from havewemet.models import PendingRequest, Request  # noqa: E402
from havewemet.triage.engine import Triager  # noqa: E402


def cards(names: list[str], n: int, page: int, seed: int) -> list[dict]:
    """One page of invitations, new requesters on every page."""
    rnd = random.Random(seed * 1000 + page)
    out = []
    for i in range(n):
        k = page * n + i
        if i % 4 == 0:  # someone in the store, same profile
            j = rnd.randrange(len(names))
            name, slug = names[j], _slug(names[j], j)
        elif i % 4 == 1:  # a namesake: same name, another profile
            name = rnd.choice(names)
            slug = _slug(name, 10**6 + k)
        else:
            name = f"{rnd.choice(FIRST)} Zz{k}"
            slug = name.lower().replace(" ", "-")
        note = PITCH if i % 10 == 0 else ("" if i % 3 else f"Hi, we met at event {i % 50}.")
        out.append(
            {
                "key": str(i),
                "name": name,
                "profile_url": f"https://www.linkedin.com/in/{slug}/",
                "headline": f"Analyst at Org {k % 900}",
                "note": note,
                "mutuals": [rnd.choice(names)],
                "mutual_count": rnd.randrange(1, 40),
                "profile_facts": {"photo": bool(i % 5)},
            }
        )
    return out


def _send(proc: subprocess.Popen, msg: dict) -> dict:
    body = json.dumps(msg).encode()
    proc.stdin.write(struct.pack("=I", len(body)) + body)
    proc.stdin.flush()
    (size,) = struct.unpack("=I", proc.stdout.read(4))
    return json.loads(proc.stdout.read(size))


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--identities", type=int, default=50_000)
    ap.add_argument("--cards", type=int, default=100)
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="havewemet-bench-") as tmp:
        db = Path(tmp) / "store.db"
        t0 = time.perf_counter()
        store, names = build(args.identities, args.seed, str(db))
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        triager = Triager(store)  # the first load after the import prepares and keeps
        prepared = time.perf_counter() - t0
        # Baseline: the library alone on the same number of requests.
        base_reqs = [
            PendingRequest.of(
                Request(c["name"], c["profile_url"], c["headline"], c["note"], None, c["mutuals"])
            )
            for c in cards(names, args.cards, 999, args.seed)
        ]
        t0, c0 = time.perf_counter(), time.process_time()
        triager.triage_all(base_reqs)
        base_wall, base_cpu = time.perf_counter() - t0, time.process_time() - c0
        store.close()

        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "havewemet.extension.host", "--db", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        try:
            first = _send(
                proc, {"id": 0, "type": "triage", "cards": cards(names, args.cards, 0, args.seed)}
            )
            first_wall = time.perf_counter() - start
            first_cpu = _cpu(proc.pid)
            assert len(first["results"]) == args.cards, first
            warm = []
            for b in range(1, args.batches + 1):
                page = cards(names, args.cards, b, args.seed)
                c0, t0 = _cpu(proc.pid), time.perf_counter()
                answer = _send(proc, {"id": b, "type": "triage", "cards": page})
                warm.append((time.perf_counter() - t0, _cpu(proc.pid) - c0))
                assert len(answer["results"]) == args.cards, answer
            size = len(json.dumps(answer).encode())
        finally:
            proc.stdin.close()
            proc.wait(timeout=30)
    walls = [w for w, _ in warm]
    cpus = [c for _, c in warm]
    print(
        f"{args.cards} cards a page, {args.identities:,} identities "
        f"(store built in {built:.1f} s, prepared once in {prepared:.1f} s)"
    )
    print(
        f"  first answer after the host starts: {first_wall:.2f} s wall, "
        f"{first_cpu:.2f} s CPU (budget 3 s)"
    )
    print(
        f"  warm page: median {statistics.median(walls):.2f} s wall (max {max(walls):.2f}), "
        f"median {statistics.median(cpus):.2f} s CPU, over {len(warm)} pages (budget 1 s); "
        f"answer {size / 1024:.0f} kB (limit 1024 kB)"
    )
    print(
        f"  baseline, the library alone (Triager.triage_all, same count): "
        f"{base_wall:.2f} s wall, {base_cpu:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
