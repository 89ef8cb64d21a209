"""The LinkedIn data export: a ``*.zip``, its unzipped folder, or single CSV files.

The reader is here; each file's transformer registers itself from ``network``,
``messages`` or ``activity``, which share ``export`` (never this module).
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from havewemet._gc import paused as gc_paused
from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import (
    CsvRows,
    decode_text,
    iter_members,
    read_csv_rows,
)
from havewemet.importers.linkedin import activity, messages, network  # noqa: F401  (register)
from havewemet.importers.linkedin.export import (
    FILES,
    SOURCE,
    Transformer,
    file_by_header,
    known_file,
    norm_file,
)
from havewemet.models import FileReport, ImportBatch


def _sniff(path: Path, head: bytes) -> int:
    if path.is_dir():
        names = head.decode(errors="replace").splitlines()
    elif path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            # A damaged zip named like an export: claim it so the user hears why.
            return 60 if "linkedin" in path.name.lower() else 0
    else:
        if path.suffix.lower() == ".csv" and (
            norm_file(path.name) in FILES
            or file_by_header(head[:8192].decode("utf-8-sig", "replace"))
        ):
            # A file named as in the export, or with its header; above the generic
            # contact-CSV readers, whose headers (First Name, Last Name, ...) overlap.
            return 92
        return 0
    # A zip lists its folders too ("messages/" in a Facebook download): only files count.
    names = [n for n in names if not n.endswith("/")]
    hits = sum(1 for n in names if n.lower().endswith(".csv") and known_file(n))
    core = {"connections", "invitations", "messages"}
    if any(n.lower().endswith(".csv") and norm_file(n) in core for n in names):
        return 90
    return 40 if hits else 0


@register("linkedin", description="LinkedIn data export (zip, folder or CSV files)", sniff=_sniff)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    with gc_paused():  # tens of thousands of records, no cycles (see havewemet._gc)
        return _load(path)


def _load(path: Path) -> ImportBatch:
    batch = ImportBatch(source=SOURCE, kind="linkedin", path=str(path))
    tables: list[tuple[int, str, Transformer, CsvRows, str]] = []
    # A CSV given alone may have been renamed: it is known by its header. Inside an
    # export, LinkedIn names the files, and other files share messages.csv's header
    # (guide_messages.csv, learning_coach_messages.csv): there names decide.
    single = path.is_file() and not zipfile.is_zipfile(path)
    for member in iter_members(path):
        norm, data = norm_file(member.name), None
        is_csv = member.name.lower().endswith(".csv")
        if single and is_csv and norm not in FILES:
            data = member.read()  # renamed? known by its header
            norm = file_by_header(data[:8192].decode("utf-8-sig", "replace")) or norm
        if norm not in FILES or not is_csv:
            if not PurePosixPath(member.name).name.startswith("."):
                batch.unknown_files.append(member.name)
            continue
        order, fn, markers = FILES[norm]
        text = decode_text(member.read() if data is None else data, member.display)
        table = read_csv_rows(text, member.display, header_markers=markers)
        tables.append((order, member.name, fn, table, norm))
    if not tables:
        raise InputError(
            str(path),
            "holds none of the LinkedIn export's files (Connections.csv, Invitations.csv, "
            "messages.csv, ...)",
            fix="Import the zip LinkedIn sent you (Settings > Data privacy > Get a copy of "
            "your data), its unzipped folder, or one of its CSV files",
        )
    for _order, name, fn, table, kind in sorted(tables, key=lambda t: (t[0], t[1])):
        report = FileReport(file=name, kind=kind, rows=len(table.rows))
        fn(table, batch, report)
        batch.files.append(report)
    return batch
