"""Benchmark (issue 12): `havewemet import` then the first `havewemet inbox`, the same
export imported again, and 100 new identities grouped into a 50,000-identity store.

The export is bench/import_linkedin.py's (seeded: 30,000 connections, 50,000 messages,
2,500 invitations). Each command runs as the user runs it (a fresh process, wall time);
the baseline in the same run is the same two commands with grouping switched off
(``HAVEWEMET_BENCH_NO_GROUP=1``: import saves only, the first inbox prepares), which is
what havewemet did before issue 12.

Usage::

    python bench/import_group.py             # full size, best of 3
    python bench/import_group.py --quick     # 3,000 connections
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_linkedin import build  # noqa: E402

#: CPU seconds (user + system) of every command run so far: the wall time of a command
#: on a shared machine is its CPU time plus the time it waited for a core.
CPU = {"spent": 0.0}


#: Compiled bytecode, as `pip install` leaves it (see bench/startup.py): a machine with
#: PYTHONDONTWRITEBYTECODE would otherwise compile the package on every run (0.2 s).
PYCACHE = Path(tempfile.mkdtemp(prefix="havewemet-pycache-"))


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(PYCACHE), **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _compile() -> None:
    import havewemet

    pkg = str(Path(havewemet.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", pkg], env=_env(), check=True)


def _run(args: list[str], db: Path, *, no_group: bool = False) -> float:
    env = _env(HAVEWEMET_DB=str(db))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if no_group:
        env["HAVEWEMET_BENCH_NO_GROUP"] = "1"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "havewemet", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["spent"] += after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - t0


def _import_inbox(export: Path, tmp: Path, *, no_group: bool) -> tuple[float, ...]:
    """Wall seconds of the import, the first inbox and the import again, the CPU
    seconds of the first two together and of the third, and the wall seconds of the
    same file read again with ``--again`` (as a new export with the same content)."""
    db = tmp / f"store-{no_group}-{time.perf_counter_ns()}.db"
    CPU["spent"] = 0.0
    imp = _run(["import", str(export)], db, no_group=no_group)
    inbox = _run(["inbox", "--json"], db, no_group=no_group)
    cpu = CPU["spent"]
    # Before this issue every import read the file: the baseline's re-import too.
    again = _run(["import", *(["--again"] if no_group else []), str(export)], db,
                 no_group=no_group)  # fmt: skip
    cpu_again = CPU["spent"] - cpu
    # What a fresh export with the same content costs (a file not seen before): read.
    reread = _run(["import", "--again", str(export)], db, no_group=no_group)
    return imp, inbox, again, cpu, cpu_again, reread


def _regroup_100(n: int) -> tuple[float, float]:
    """Seconds to save 100 new identities into a store of ``n`` and group them."""
    from faker import Faker

    from havewemet.identity.cluster import group_new
    from havewemet.identity.prepared import load_matcher
    from havewemet.models import Identity, ImportBatch
    from havewemet.store import Store

    fake = Faker("en_GB")
    Faker.seed(12)
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(Path(d) / "big.db")
        b = ImportBatch("book", "bench", "bench")
        for i in range(n):
            first, last = fake.first_name(), fake.last_name()
            b.identities.append(
                Identity(
                    "book",
                    f"k{i}",
                    f"{first} {last}",
                    first,
                    last,
                    emails=[f"{first}.{last}.{i}@example.org".lower()],
                )  # fmt: skip
            )
        store.save(b)
        group_new(store)
        load_matcher(store)  # the kept index, as after the import that made the store
        new = ImportBatch("mail", "bench", "bench")
        for i in range(100):
            first, last = fake.first_name(), fake.last_name()
            email = f"{first}.{last}.{i * 7}@example.org".lower() if i % 2 else f"n{i}@x.org"
            new.identities.append(
                Identity("mail", f"m{i}", f"{first} {last}", first, last, emails=[email])
            )
        store.save(new)
        t0 = time.perf_counter()
        matcher = load_matcher(store)  # prepares the 100 and builds the index again
        t1 = time.perf_counter()
        placed = group_new(store, matcher)
        t2 = time.perf_counter()
        store.close()
        assert placed == 100, placed
        return t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n_conn, n_msg = (3_000, 5_000) if args.quick else (30_000, 50_000)
    repeat = 1 if args.quick else args.repeat
    _compile()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        export = build(tmp / "export", connections=n_conn, messages=n_msg,
                       invitations=n_conn // 12, as_zip=True)  # fmt: skip
        for no_group in (True, False):
            runs = [_import_inbox(export, tmp, no_group=no_group) for _ in range(repeat)]
            best = min(runs, key=lambda r: r[0] + r[1])
            label = "before (save only; inbox prepares)" if no_group else "issue 12 (group)"
            print(
                f"{label:38} import {best[0]:.2f} s + first inbox {best[1]:.2f} s = "
                f"{best[0] + best[1]:.2f} s (CPU {best[3]:.2f} s); "
                f"re-import {min(r[2] for r in runs):.2f} s (CPU {min(r[4] for r in runs):.2f} s), "
                f"read again (--again) {min(r[5] for r in runs):.2f} s"
            )
    prep, group = min(_regroup_100(5_000 if args.quick else 50_000) for _ in range(repeat))
    print(f"100 new identities into a {'5,000' if args.quick else '50,000'}-identity store: "
          f"prepared (matcher loaded) {prep:.2f} s, grouped {group:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
