"""Measuring one piece of work in a fresh Python process: seconds and peak memory.

Every measurement runs in its own subprocess (``python bench/<script>.py --_child
KIND PATH``), so that one run's caches, imports and freed-but-kept memory do not
flatter the next. Each child is run twice: once for time and peak RSS (``VmHWM``,
the process's peak resident size, interpreter included), once under ``tracemalloc``
(the peak of Python allocations made by the work itself; tracemalloc slows the
work down, so its run is not timed).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Names the generated benchmark data draws from (international, with diacritics).
FIRST = (
    "Amira Tom Sarah Priya Daniel Grace Robert José Kwame Lena Marco Tariq Nina Jake "
    "Hannah Zoë Chloé Mateusz Siobhán Aoife Lars Ingrid Wei Mei Hiroshi Yuki Ana Luis "
    "Fatima Omar Olu Ngozi Pierre Camille Giulia Luca Anna Jan Eva Pieter"
).split()
LAST = (
    "Haddad Brennan Mitchell Raman Okafor Liang Whitfield García Mensah Vogt Bellini Aziz "
    "Sorensen Turner Osei Müller Dubois Kowalski Ní-Bhriain O'Brien Larsen Nilsson Zhang "
    "Chen Tanaka Sato Silva Pereira Khan Hassan Adeyemi Eze Martin Bernard Rossi Russo "
    "Schmidt Jansen Visser Smith"
).split()

Work = Callable[[Path], dict[str, Any]]
_base = 0
_t0 = (0.0, 0.0)


def mark_start() -> None:
    """Called by a work after its setup (imports, opening a store): the clocks and the
    traced peak count from here (less what was already allocated)."""
    global _base, _t0
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
        _base = tracemalloc.get_traced_memory()[0]
    _t0 = (time.perf_counter(), time.process_time())


def child_main(works: dict[str, Work], argv: list[str]) -> None:
    """Run ``works[KIND](PATH)`` as asked by ``--_child KIND PATH [--trace]``; print JSON.

    ``seconds`` is wall time and ``cpu_s`` the process's CPU time, both from the
    work's :func:`mark_start` (or its start); on a busy machine CPU time is the
    steadier of the two.
    """
    kind, path = argv[0], Path(argv[1])
    trace = "--trace" in argv
    rss_before = _peak_rss_mb()
    if trace:
        tracemalloc.start()
    mark_start()
    extra = works[kind](path)
    out: dict[str, Any] = {
        "seconds": time.perf_counter() - _t0[0],
        "cpu_s": time.process_time() - _t0[1],
        **extra,
    }
    if trace:
        out["traced_peak_mb"] = (tracemalloc.get_traced_memory()[1] - _base) / 1024**2
        tracemalloc.stop()
    out["rss_before_mb"] = rss_before
    out["rss_peak_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def _peak_rss_mb() -> float:
    """The process's peak resident size. ``VmHWM`` where Linux gives it: ``ru_maxrss``
    survives ``exec`` and would report the parent's peak (the generated export)."""
    try:
        for ln in Path("/proc/self/status").read_text().splitlines():
            if ln.startswith("VmHWM:"):
                return int(ln.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(script: str, kind: str, path: Path, *, repeat: int = 1) -> dict[str, Any]:
    """Best-of-``repeat`` seconds and the peak memory of ``kind`` on ``path``.

    Returns the fastest timed run's fields plus ``traced_peak_mb`` from one
    extra run under tracemalloc.
    """
    runs = [_run(script, kind, path) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["seconds"])
    best["traced_peak_mb"] = _run(script, kind, path, "--trace")["traced_peak_mb"]
    return best


def _run(script: str, kind: str, path: Path, *flags: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, script, "--_child", kind, str(path), *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} on {path} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain Markdown table (pastes straight into docs/benchmarks.md)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def machine() -> str:
    """One line about the machine: CPU model, cores, Python and SQLite versions."""
    import os
    import platform
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )
