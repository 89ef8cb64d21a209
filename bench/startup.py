"""How fast the command line starts: ``havewemet --help`` and ``havewemet sources`` on
an empty store, two source trees side by side in one run (issue 16).

Each tree runs as its own code (``PYTHONPATH=<tree> python -m havewemet ...``); the
runs of the old tree, the new tree and a bare ``python -c pass`` (the interpreter's
own start) alternate, so a busy machine slows all three alike. Wall time, best and
median of ``--runs`` each. The store is a fresh file per tree, created by one untimed
``sources`` first (then ``sources`` opens an existing store with nothing imported);
that first run of each command also compiles the bytecode, which pip does at install.

Usage::

    python bench/startup.py --old /work/wt/base [--new .] [--runs 15] [--profile]

``--profile`` also prints the new tree's slowest imports for ``sources``
(``python -X importtime``). Exit status 1 when the new tree's median of either
command is over ``--limit`` seconds (default 0.2).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMANDS = {"--help": ["--help"], "sources": ["sources"]}


def _env(tree: Path, db: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "HAVEWEMET_DB": str(db), "COLUMNS": "100"}
    # Compiled bytecode, as `pip install` leaves it, kept out of the trees (the old
    # one is not to be modified): a machine with PYTHONDONTWRITEBYTECODE would
    # otherwise compile every module of the package from source on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(db.parent / "pycache")
    return env


def _wall(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr.decode()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu


def _profile(tree: Path, db: Path, top: int = 15) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "havewemet", "sources"],
        env=_env(tree, db),
        cwd=tree,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in proc.stderr.splitlines()[1:]:
        _, cumulative, name = line.split("|")
        if not name.startswith("   "):  # imported at the top level, not by another import
            rows.append((int(cumulative), name.strip()))
    print(f"\nslowest top-level imports of `sources` in {tree} (cumulative, one run):")
    for us, name in sorted(rows, reverse=True)[:top]:
        print(f"  {us / 1000:7.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the tree before (baseline)")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="the tree after")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--limit", type=float, default=0.2, help="seconds, new tree's median")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    with tempfile.TemporaryDirectory(prefix="havewemet-startup-") as tmp:
        dbs = {name: Path(tmp) / f"{name}.db" for name in trees}
        for name, tree in trees.items():  # each empty store and the bytecode, untimed
            for cli in COMMANDS.values():
                _wall([sys.executable, "-m", "havewemet", *cli], _env(tree, dbs[name]), tree)
        times: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            times.setdefault("python -c pass", []).append(
                _wall([sys.executable, "-c", "pass"], _env(trees["new"], dbs["new"]), Path(tmp))
            )
            for label, cli in COMMANDS.items():
                for name, tree in trees.items():
                    argv = [sys.executable, "-m", "havewemet", *cli]
                    key = f"{name}: havewemet {label}"
                    times.setdefault(key, []).append(_wall(argv, _env(tree, dbs[name]), tree))
        print(f"old = {trees['old']}\nnew = {trees['new']}\n{args.runs} runs each, interleaved")
        print(f"{'seconds':28} {'wall best':>10} {'median':>8} {'cpu best':>10} {'median':>8}")
        for key, ts in times.items():
            wall, cpu = [t[0] for t in ts], [t[1] for t in ts]
            print(
                f"{key:28} {min(wall):10.3f} {statistics.median(wall):8.3f} "
                f"{min(cpu):10.3f} {statistics.median(cpu):8.3f}"
            )
        for label in COMMANDS:
            old = statistics.median(t[0] for t in times[f"old: havewemet {label}"])
            new = statistics.median(t[0] for t in times[f"new: havewemet {label}"])
            print(f"havewemet {label}: {old / new:.1f}x faster to start (median wall)")
        if args.profile:
            _profile(trees["new"], dbs["new"])
    slow = [
        label
        for label in COMMANDS
        if statistics.median(t[0] for t in times[f"new: havewemet {label}"]) > args.limit
    ]
    if slow:
        print(f"over {args.limit} s: {', '.join(slow)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
