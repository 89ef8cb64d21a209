"""Same behaviour, shown: two source trees of havewemet compared in one run (issue 16).

Each tree runs as its own code (``PYTHONPATH=<tree> python -m havewemet ...`` and
``<tree>/bench/*.py``), the old and the new alternated, and this script says what
differs:

* ``havewemet demo``: its output, byte for byte;
* ``havewemet inbox --json`` and the web page's JSON (``serve --get /.json`` and the
  first request's page) on the demo's kept store (``demo --keep``), each tree on the
  store it made itself;
* ``havewemet inbox --json`` after ``havewemet import`` of ``bench/import_linkedin.py``'s
  export (30,000 connections, 50,000 messages, 2,500 invitations; written once, by
  the new tree's ``build``), each tree into a fresh store of its own;
* with ``--bench``: ``bench/match_speed.py``, ``bench/triage_speed.py`` and
  ``bench/import_linkedin.py``, each tree's own copy, figures side by side.

Usage::

    python bench/compare_trees.py --old /work/wt/base [--new .] [--bench] [--quick]

Exit status 1 when an output differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(tree: Path, args: list[str], *, timeout: float = 1800) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("HAVEWEMET_DB", None)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, timeout=timeout, cwd=tree
    )


def _cli(tree: Path, *args: str) -> bytes:
    proc = _run(tree, ["-m", "havewemet", *args])
    if proc.returncode != 0:
        raise SystemExit(
            f"{tree}: havewemet {' '.join(args)} exited {proc.returncode}\n"
            f"{proc.stderr.decode(errors='replace')[-2000:]}"
        )
    return proc.stdout


def _same(what: str, old: bytes, new: bytes) -> bool:
    if old == new:
        print(f"same     {what} ({len(new):,} bytes)")
        return True
    print(f"DIFFERS  {what} ({len(old):,} bytes old, {len(new):,} new):")
    diff = difflib.unified_diff(
        old.decode(errors="replace").splitlines(),
        new.decode(errors="replace").splitlines(),
        "old",
        "new",
        lineterm="",
        n=1,
    )
    for line in list(diff)[:40]:
        print(f"    {line}")
    return False


def _which(tree: Path) -> str:
    out = _run(tree, ["-c", "import havewemet; print(havewemet.__file__)"]).stdout
    return out.decode().strip()


def _export(folder: Path, quick: bool) -> Path:
    sys.path.insert(0, str(HERE))
    import import_linkedin  # noqa: PLC0415 - the bench module, beside this script

    n_conn, n_msg = (3_000, 5_000) if quick else (30_000, 50_000)
    return import_linkedin.build(
        folder, connections=n_conn, messages=n_msg, invitations=n_conn // 12
    )


def compare_outputs(old: Path, new: Path, work: Path, *, quick: bool) -> bool:
    """The outputs of the two trees; True when every one is the same."""
    ok = True
    t = time.perf_counter()
    ok &= _same("havewemet demo", _cli(old, "demo"), _cli(new, "demo"))
    # Each tree keeps its demo, and imports the export, at the same path in turn (the
    # outputs name the files they read).
    kept, db = work / "demo", work / "export.db"
    export = _export(work / "export", quick)
    outs: dict[str, tuple[bytes, ...]] = {}
    for name, tree in (("old", old), ("new", new)):
        shutil.rmtree(kept, ignore_errors=True)
        db.unlink(missing_ok=True)
        _cli(tree, "demo", "--keep", str(kept))
        demo_db = str(kept / "demo.db")
        demo_inbox = _cli(tree, "--db", demo_db, "inbox", "--json")
        page = _cli(tree, "--db", demo_db, "serve", "--get", "/.json")
        first = json.loads(page)["requests"][0]["id"]
        one = _cli(tree, "--db", demo_db, "serve", "--get", f"/request/{first}.json")
        summary = _cli(tree, "--db", str(db), "import", str(export))
        outs[name] = (
            demo_inbox,
            page,
            one,
            summary,
            _cli(tree, "--db", str(db), "inbox", "--json"),
        )
    what = (
        "havewemet inbox --json on the demo's kept store",
        "the web page's inbox (serve --get /.json) on the demo's kept store",
        "the web page of the first request (serve --get /request/ID.json), same store",
        "havewemet import of bench/import_linkedin.py's export (its summary)",
        "havewemet inbox --json on bench/import_linkedin.py's export",
    )
    for i, w in enumerate(what):
        ok &= _same(w, outs["old"][i], outs["new"][i])
    print(f"(outputs compared in {time.perf_counter() - t:.0f} s)")
    return ok


def _bench(tree: Path, script: str, *args: str) -> str:
    proc = _run(tree, [str(tree / "bench" / script), *args], timeout=3600)
    if proc.returncode != 0:
        return f"failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}"
    return proc.stdout.decode()


def compare_benchmarks(old: Path, new: Path, *, quick: bool) -> None:
    """The three benchmarks, each tree's own copy, the old run first, then the new."""
    runs = [
        ("match_speed.py", ["--no-memory", *(["--n", "5000"] if quick else [])]),
        (
            "triage_speed.py",
            ["--json", *(["--identities", "5000", "--requests", "200"] if quick else [])],
        ),
        ("import_linkedin.py", ["--quick"] if quick else ["--repeat", "3"]),
    ]
    for script, args in runs:
        for name, tree in (("old", old), ("new", new)):
            out = _bench(tree, script, *args)
            if script == "triage_speed.py" and out.startswith("{"):
                d = json.loads(out)
                keep = ("load_triager_cpu_s", "triage_cpu_s", "load_and_triage_cpu_s")
                keep += ("first_load_cpu_s", "per_request_ms", "actions")
                out = json.dumps({k: d[k] for k in keep})
            elif script == "import_linkedin.py":
                out = "\n".join(
                    line for line in out.splitlines() if line.startswith(("|", "result", "Result"))
                )
            print(f"--- {script} {' '.join(args)} [{name}]\n{out.strip()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="the tree before the change")
    ap.add_argument("--new", type=Path, default=HERE.parent, help="default: this tree")
    ap.add_argument("--bench", action="store_true", help="also the three benchmarks")
    ap.add_argument("--quick", action="store_true", help="small export and benchmarks")
    args = ap.parse_args()
    old, new = args.old.resolve(), args.new.resolve()
    print(f"old: {old} ({_which(old)})\nnew: {new} ({_which(new)})")
    work = Path(tempfile.mkdtemp(prefix="hwm-compare-"))
    try:
        ok = compare_outputs(old, new, work, quick=args.quick)
        if args.bench:
            compare_benchmarks(old, new, quick=args.quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
