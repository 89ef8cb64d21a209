"""Benchmark: importing a large LinkedIn export, beside merely reading its CSVs (issue 2).

Generates (seeded) an export of 30,000 connections, 50,000 messages and 2,500
invitations in the real shape (``havewemet.demo.linkedin_export``), then measures,
each in a fresh subprocess:

* ``import``: ``read_source`` + ``Store.save`` into a fresh store file (one
  transaction), as ``havewemet import`` does;
* ``reimport``: the same export read and saved again into that store (must
  change nothing: added=0, updated=0);
* ``csv``: the bare parse, every CSV of the export read with ``csv.reader``;
* ``floor``: the SQLite floor, the identity and interaction rows the import writes
  (built before the clock) inserted by one bare ``executemany`` per table into a
  fresh store, in one transaction: no parsing, hashing, JSON or change detection.

Target: ``import`` within 3x of ``csv``. ``csv`` + ``floor`` is what no import
into this schema can beat.

Usage::

    python bench/import_linkedin.py            # full size, best of 3
    python bench/import_linkedin.py --quick    # 3,000 connections, 5,000 messages
    python bench/import_linkedin.py --out bench/out/li --zip
    # instructions, steadier than seconds on a shared machine (after --out PATH):
    valgrind --tool=callgrind --toggle-collect=functools_reduce \\
        python bench/import_linkedin.py --_counted import|csv EXPORT_FOLDER
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import _harness
from _harness import FIRST, LAST

TODAY = datetime(2026, 11, 20, 9, 0)
ME_NAME = "Ruth Calloway"
ME_URL = "https://www.linkedin.com/in/ruth-calloway-lib"
COMPANIES = (
    "Westmere City Council",
    "Harrow & Pike LLP",
    "Bramley University",
    "Acme, Inc.",
    "Globex",
    "Initech",
    "Umbrella Records Office",
    "Eastvale Archives",
)
TITLES = (
    "Librarian",
    "Archivist",
    "Director, Operations",
    "Records Manager",
    "Analyst",
    "Senior Engineer",
    "Solicitor",
    "Researcher",
)


def _lx():
    # Imported only where the export is written, so child processes measure the
    # importer alone (``havewemet.demo`` pulls in the triage engine).
    from havewemet.demo import linkedin_export

    return linkedin_export


def _person(rnd: random.Random, i: int) -> tuple[str, str, str]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    slug = f"{first}-{last}".lower().replace("'", "") + f"-{i:06x}"
    return first, last, f"https://www.linkedin.com/in/{slug}"


def build(
    folder: Path,
    *,
    connections: int,
    messages: int,
    invitations: int,
    seed: int = 42,
    as_zip: bool = False,
) -> Path:
    """Write the export; returns its folder (or zip) path."""
    lx = _lx()
    rnd = random.Random(seed)
    people = [_person(rnd, i) for i in range(connections)]
    conns: list[list[object]] = []
    for first, last, url in people:
        when = TODAY - timedelta(days=rnd.randrange(30, 5000))
        email = f"{first}.{last}@example.org".lower() if rnd.random() < 0.05 else ""
        conns.append(
            [
                first,
                last,
                url,
                email,
                rnd.choice(COMPANIES),
                rnd.choice(TITLES),
                lx.connected_on(when),
            ]
        )
    for k in range(0, len(conns), 97):  # credentials in the last name
        conns[k][1] = f"{conns[k][1]}, PhD"
    for _ in range(max(1, connections // 300)):  # hidden profiles: date only
        conns.append(["", "", "", "", "", "", lx.connected_on(TODAY - timedelta(days=400))])
    strangers = [_person(rnd, connections + i) for i in range(max(10, connections // 5))]
    files = {
        "Connections.csv": lx.connections_csv(conns),
        "Profile.csv": lx.csv_text(
            lx.PROFILE_HEADER,
            [
                [
                    "Ruth",
                    "Calloway",
                    "",
                    "",
                    "",
                    "Senior Librarian",
                    "",
                    "Libraries",
                    "",
                    "Westmere, England",
                    "",
                    "",
                    "",
                ]
            ],
        ),
        "Email Addresses.csv": lx.csv_text(
            ["Email Address", "Confirmed", "Primary", "Updated On"],
            [["ruth.calloway@westmere.gov.uk", "Yes", "Yes", "1/4/19, 10:02 AM"]],
        ),
        "messages.csv": _messages(rnd, people, strangers, messages),
        "Invitations.csv": _invitations(rnd, people, strangers, invitations),
    }
    return lx.write_export(folder, files, exported=TODAY, as_zip=as_zip)


def _messages(rnd: random.Random, people: list, strangers: list, n: int) -> str:
    lx = _lx()
    rows: list[list[object]] = []
    start = TODAY - timedelta(days=365)
    while len(rows) < n:
        conv = f"2-{rnd.randrange(16**12):012x}"
        group = [
            rnd.choice(people if rnd.random() < 0.8 else strangers)
            for _ in range(1 if rnd.random() < 0.95 else rnd.randrange(2, 5))
        ]
        at = start + timedelta(minutes=rnd.randrange(525_600))
        for i in range(min(rnd.randrange(1, 12), n - len(rows))):
            at += timedelta(minutes=rnd.randrange(1, 3000))
            if i % 2 == 1:  # the user writes
                to = ", ".join(f"{f} {la}" for f, la, _ in group)
                urls = ",".join(u for _, _, u in group)
                rows.append(
                    [
                        conv,
                        "",
                        ME_NAME,
                        ME_URL,
                        to,
                        urls,
                        lx.message_date(at),
                        "",
                        "Thanks, speak soon",
                        "INBOX",
                        "No",
                    ]
                )
            else:
                f, la, u = rnd.choice(group)
                rows.append(
                    [
                        conv,
                        "",
                        f"{f} {la}",
                        u,
                        ME_NAME,
                        ME_URL,
                        lx.message_date(at),
                        "",
                        'Hi Ruth, "quick" question, if you have a minute',
                        "INBOX",
                        "No",
                    ]
                )
    return lx.csv_text(lx.MESSAGES_HEADER, rows)


def _invitations(rnd: random.Random, people: list, strangers: list, n: int) -> str:
    lx = _lx()
    rows: list[list[object]] = []
    for i in range(n):
        at = lx.sent_at(TODAY - timedelta(days=rnd.randrange(1, 900), minutes=i))
        if i % 5 == 0:  # pending, from strangers
            f, la, u = strangers[i % len(strangers)]
            rows.append(
                [
                    f"{f} {la}",
                    ME_NAME,
                    at,
                    "Hi Ruth, I would like to connect",
                    "INCOMING",
                    u,
                    ME_URL,
                ]
            )
        elif i % 5 == 1:  # accepted earlier: already connections
            f, la, u = people[i % len(people)]
            rows.append([f"{f} {la}", ME_NAME, at, "", "INCOMING", u, ME_URL])
        else:
            f, la, u = people[i % len(people)]
            rows.append([ME_NAME, f"{f} {la}", at, "", "OUTGOING", ME_URL, u])
    return lx.csv_text(lx.INVITATIONS_HEADER_2023, rows)


# -- the work measured in each child process ---------------------------------------------


def _startup() -> float:
    """Import the package and every reader module (as the CLI does), untimed by the
    import measurement; returns the seconds it took."""
    t0 = time.perf_counter()
    from havewemet.importers import readers
    from havewemet.store import Store  # noqa: F401

    readers()
    return time.perf_counter() - t0


def _save_twice(path: Path, *, twice: bool) -> dict[str, Any]:
    from havewemet.importers import read_source
    from havewemet.store import Store

    db = Path(tempfile.mkdtemp(prefix="hwm-bench-")) / "store.db"
    try:
        store = Store.open(db)
        if twice:
            store.save(read_source(path))
        _harness.mark_start()
        t0 = time.perf_counter()
        batch = read_source(path)
        t1 = time.perf_counter()
        result = store.save(batch)
        t2 = time.perf_counter()
        counts = store.counts()
        store.close()
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
    return {
        "read_s": t1 - t0,
        "save_s": t2 - t1,
        "added": sum(result.added.values()),
        "updated": sum(result.updated.values()),
        "identities": counts["identities"],
        "interactions": counts["interactions"],
        "requests": counts["requests"],
    }


def _do_import(path: Path) -> dict[str, Any]:
    """Into a fresh store file (created and migrated before the clock starts)."""
    startup = _startup()
    return {**_save_twice(path, twice=False), "startup_s": startup}


def _do_reimport(path: Path) -> dict[str, Any]:
    """Import once, then time reading and saving the same export again."""
    _startup()
    return _save_twice(path, twice=True)


def _do_csv(path: Path) -> dict[str, Any]:
    rows = 0
    if path.is_dir():
        for p in sorted(path.rglob("*.csv")):
            with open(p, newline="", encoding="utf-8-sig") as fh:
                for _row in csv.reader(fh):
                    rows += 1
    else:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.lower().endswith(".csv"):
                    with zf.open(name) as raw:
                        fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                        for _row in csv.reader(fh):
                            rows += 1
    return {"rows": rows}


def _do_floor(path: Path) -> dict[str, Any]:
    _startup()
    from havewemet.importers import read_source
    from havewemet.store import Store
    from havewemet.store import rows as store_rows
    from havewemet.store.schema import INTERACTION_LOG

    batch = read_source(path)
    ids: dict[tuple[str, str], str] = {}
    id_rows, x_rows, _folded = store_rows.fold_connected(
        store_rows.identity_rows(batch, ids), store_rows.interaction_rows(batch, ids)
    )
    tables = [
        ("identities", store_rows.IDENTITY_COLUMNS, id_rows),
        (INTERACTION_LOG, store_rows.INTERACTION_COLUMNS, x_rows),
    ]
    db = Path(tempfile.mkdtemp(prefix="hwm-bench-")) / "store.db"
    try:
        store = Store.open(db)
        conn = store._db.conn
        _harness.mark_start()
        conn.execute("BEGIN IMMEDIATE")
        for table, cols, rows in tables:
            names = ", ".join(f"[{c}]" for c in cols)
            marks = ", ".join("?" * len(cols))
            conn.executemany(f"insert into [{table}] ({names}) values ({marks})", rows)
        conn.commit()
        store.close()
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
    return {"rows": sum(len(rows) for _t, _c, rows in tables)}


WORKS = {"import": _do_import, "reimport": _do_reimport, "csv": _do_csv, "floor": _do_floor}


def _counted(kind: str, path: Path) -> None:
    """The import's or the bare parse's work alone inside ``functools.reduce``, so that
    ``valgrind --tool=callgrind --toggle-collect=functools_reduce`` counts its
    instructions and nothing else (imports and opening the store happen before): a
    measure this shared machine's load does not move."""
    import functools

    work: Any
    if kind == "import":
        _startup()
        from havewemet.importers import read_source
        from havewemet.store import Store

        db = Path(tempfile.mkdtemp(prefix="hwm-bench-")) / "store.db"
        store = Store.open(db)

        def work(_a: object, _b: object) -> None:
            store.save(read_source(path))

    else:

        def work(_a: object, _b: object) -> None:
            _do_csv(path)

    try:
        functools.reduce(work, [0, 0])
    finally:
        if kind == "import":
            store.close()
            shutil.rmtree(db.parent, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_child":
        _harness.child_main(WORKS, sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--_counted":  # import|csv PATH
        _counted(sys.argv[2], Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small run (checks it still runs)")
    ap.add_argument("--out", type=Path, help="write the export here (kept); default: a temp dir")
    ap.add_argument("--zip", action="store_true", help="import the zip, not the unzipped folder")
    ap.add_argument("--repeat", type=int, help="timed runs per measurement (best kept)")
    ap.add_argument("--connections", type=int, default=30_000)
    ap.add_argument("--messages", type=int, default=50_000)
    args = ap.parse_args()
    n_conn, n_msg = (3_000, 5_000) if args.quick else (args.connections, args.messages)
    repeat = args.repeat or (1 if args.quick else 3)
    tmp = None
    folder = args.out
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="hwm-bench-li-")
        folder = Path(tmp)
    try:
        t0 = time.perf_counter()
        path = build(
            folder, connections=n_conn, messages=n_msg, invitations=n_conn // 12, as_zip=args.zip
        )
        size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.rglob("*")))
        print(
            f"export: {path} ({size / 1024**2:.1f} MB, {n_conn:,} connections, "
            f"{n_msg:,} messages, {n_conn // 12:,} invitations; written in "
            f"{time.perf_counter() - t0:.1f} s)"
        )
        print(f"machine: {_harness.machine()}")
        script = str(Path(__file__).resolve())
        res = {k: _harness.measure(script, k, path, repeat=repeat) for k in WORKS}
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    imp, again, bare, floor = res["import"], res["reimport"], res["csv"], res["floor"]

    def secs(r: dict) -> str:
        return f"{r['seconds']:.2f} ({r['cpu_s']:.2f})"

    rows = [
        [
            "import (read_source + Store.save)",
            secs(imp),
            f"{imp['traced_peak_mb']:.0f}",
            f"{imp['rss_peak_mb']:.0f}",
            f"read {imp['read_s']:.2f} s + save {imp['save_s']:.2f} s; added {imp['added']:,}",
        ],
        [
            "re-import (same export)",
            secs(again),
            "",
            "",
            f"read {again['read_s']:.2f} s + save {again['save_s']:.2f} s; "
            f"added {again['added']}, updated {again['updated']}",
        ],
        [
            "bare parse (csv.reader)",
            secs(bare),
            f"{bare['traced_peak_mb']:.0f}",
            f"{bare['rss_peak_mb']:.0f}",
            f"{bare['rows']:,} rows",
        ],
        [
            "SQLite floor (bare executemany of the rows)",
            secs(floor),
            f"{floor['traced_peak_mb']:.0f}",
            f"{floor['rss_peak_mb']:.0f}",
            f"{floor['rows']:,} rows into a fresh store, one transaction",
        ],
        [
            "ratio (bare parse + floor) / bare parse",
            f"{(bare['seconds'] + floor['seconds']) / bare['seconds']:.1f}x "
            f"({(bare['cpu_s'] + floor['cpu_s']) / bare['cpu_s']:.1f}x)",
            "",
            "",
            "the least any import into this schema can be",
        ],
        [
            "ratio import / bare parse",
            f"{imp['seconds'] / bare['seconds']:.1f}x ({imp['cpu_s'] / bare['cpu_s']:.1f}x)",
            "",
            "",
            "target: within 3x",
        ],
    ]
    print(
        _harness.table(
            rows, ["measurement", "wall s (cpu s)", "traced peak MB", "max RSS MB", "notes"]
        )
    )
    print(
        f"startup (importing havewemet and its readers, not timed above): {imp['startup_s']:.2f} s"
    )
    print(
        f"store: {imp['identities']:,} identities, {imp['interactions']:,} interactions, "
        f"{imp['requests']:,} requests"
    )
    if again["added"] or again["updated"]:
        raise SystemExit("re-import changed the store: it must be idempotent")


if __name__ == "__main__":
    main()
