"""Import every sample file of other projects' test suites, as a user would (issue 13).

Each file under ``--samples`` (all subfolders; ``SOURCES.txt`` files are skipped) is
imported with the installed ``havewemet import FILE`` in its own subprocess and its
own fresh store, without ``--format``. Each outcome is one of:

* ``imported``: exit 0;
* ``refused``: exit 1 and one ``Error: <file>...: <what>. <fix>`` line, no traceback;
* ``BAD``: anything else (a traceback, another exit code, an error of several lines).

The baseline, measured in the same run, is the time of ``havewemet --help`` (the
command's own start-up), so that each import's time reads against it.

Usage::

    python bench/import_samples.py --samples ../shared/data/formats
    python bench/import_samples.py --samples DIR --verbose   # one line per file
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def havewemet() -> list[str]:
    exe = shutil.which("havewemet")
    return [exe] if exe else [sys.executable, "-m", "havewemet"]


def run(args: list[str], db: Path) -> tuple[int, str, str, float]:
    env = {**os.environ, "HAVEWEMET_DB": str(db), "COLUMNS": "200"}
    start = time.perf_counter()
    proc = subprocess.run(
        [*havewemet(), *args], capture_output=True, text=True, env=env, timeout=600
    )
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def outcome(code: int, out: str, err: str) -> tuple[str, str]:
    """``(imported|refused|BAD, the line that says so)``."""
    text = (out + err).strip()
    if "Traceback" in text:
        return "BAD", text.splitlines()[-1]
    if code == 0:
        store = next((ln for ln in text.splitlines() if ln.startswith("Store:")), "")
        return "imported", store
    errors = [ln for ln in text.splitlines() if ln.startswith("Error:")]
    if code == 1 and len(errors) == 1 and len(text.splitlines()) == 1:
        return "refused", errors[0]
    return "BAD", f"exit {code}: {text[:300]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, required=True, help="folder of sample files")
    ap.add_argument("--verbose", "-v", action="store_true", help="one line per file")
    args = ap.parse_args()
    files = sorted(p for p in args.samples.rglob("*") if p.is_file() and p.name != "SOURCES.txt")
    if not files:
        print(f"no sample files under {args.samples}")
        return 1
    counts = {"imported": 0, "refused": 0, "BAD": 0}
    with tempfile.TemporaryDirectory(prefix="havewemet-samples-") as tmp:
        base = min(run(["--help"], Path(tmp, "help.db"))[3] for _ in range(3))
        total = 0.0
        for n, path in enumerate(files):
            code, out, err, took = run(["import", str(path)], Path(tmp, f"s{n}.db"))
            total += took
            kind, line = outcome(code, out, err)
            counts[kind] += 1
            if args.verbose or kind == "BAD":
                rel = path.relative_to(args.samples)
                print(f"{kind:9} {took:5.2f}s  {rel}: {line}")
    print(
        f"{len(files)} sample files: {counts['imported']} imported, {counts['refused']} "
        f"refused with a one-line error, {counts['BAD']} with a traceback or another failure"
    )
    print(
        f"time: {total:.1f} s in all, {total / len(files):.2f} s a file; "
        f"baseline `havewemet --help` {base:.2f} s a run"
    )
    return 1 if counts["BAD"] else 0


if __name__ == "__main__":
    sys.exit(main())
