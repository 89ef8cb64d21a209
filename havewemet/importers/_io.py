"""Reading the user's files safely: text decoding, CSV headers, dates, archives.

Everything here turns third-party failures (UnicodeDecodeError, csv.Error,
zipfile.BadZipFile) into :class:`~havewemet.errors.InputError` naming the file,
the line and the fix.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path, PurePosixPath

from havewemet.errors import InputError, UnsafeArchiveError
from havewemet.importers._dates import parse_date as parse_date  # re-exported
from havewemet.models import ImportBatch

# Zip bombs: refuse before extracting anything. Real X and Facebook archives with
# media run to tens of GB and many thousands of files (we read only a few of them),
# so the total is generous; the per-entry ratio is what catches a bomb.
MAX_ARCHIVE_TOTAL = 64 * 1024**3
MAX_MEMBER_RATIO = 200
MAX_MEMBERS = 500_000
# One file (or archive member) is read whole into memory, so its size is bounded
# (issue 6): a 2 GB CSV is refused at once instead of taking ~10 GB of memory.
# mbox files are streamed message by message and are not limited.
MAX_FILE_BYTES = 512 * 1024**2


def check_size(size: int, file: str) -> None:
    """Refuse a file too large to read into memory, before reading it."""
    if size > MAX_FILE_BYTES:
        raise InputError(
            file,
            f"is {size / 1024**2:,.0f} MiB; havewemet reads at most "
            f"{MAX_FILE_BYTES // 1024**2} MiB from one file",
            fix="Check that it is the right file, or split it into smaller files "
            "with the header row repeated in each",
        )


def _read_file(p: Path, display: str) -> bytes:
    check_size(p.stat().st_size, display)
    return p.read_bytes()


csv.field_size_limit(16 * 1024 * 1024)


def decode_text(data: bytes, file: str, *, fallback: str | None = None) -> str:
    """Decode a text file: BOMs (UTF-8, UTF-16) honoured, UTF-8 expected.

    Args:
        data: the raw bytes.
        file: the name used in error messages.
        fallback: an encoding to use when the bytes are not UTF-8 (Outlook writes
            Windows-1252); without it, non-UTF-8 input is an error naming the line.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(file, "is not valid UTF-16", fix="Export it again") from e
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            if not fallback:
                line = data.count(b"\n", 0, e.start) + 1
                raise InputError(
                    file,
                    f"is not UTF-8 text (byte 0x{data[e.start]:02x} at line {line})",
                    line=line,
                    fix="Save it as UTF-8 (or export it again from the service) and re-run "
                    "the import",
                ) from e
            text = data.decode(fallback, errors="replace")
    # Checked whatever the encoding: a NUL is never in a text export (UTF-16 and
    # fallback-decoded files included).
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            file,
            "holds NUL bytes, so it is binary or damaged, not a text export",
            line=line,
            fix="Check that it is the right file, or export it again",
        )
    return text


@dataclass(slots=True)
class CsvTable:
    """A CSV file's header and rows, with the line each row starts on."""

    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


@dataclass(slots=True)
class CsvRows:
    """A CSV file's header and raw rows, read by column index (for big files).

    ``rows[k]`` is the list of cells as ``csv.reader`` gave them (not stripped),
    padded with ``""`` to the header's length; it starts on line ``lines[k]``.
    ``col`` maps each normalised column name to its index (the last of equal names).
    """

    file: str
    header: list[str]
    col: dict[str, int]
    lines: list[int]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        """One column's cells, stripped, for every row (``""`` each if there is no such
        column): ``zip`` the columns a transformer reads instead of a dict per row."""
        i = self.col.get(name)
        if i is None:
            return [""] * len(self.rows)
        return list(map(str.strip, map(itemgetter(i), self.rows)))

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as ``(line, {column: stripped cell})``, as :func:`read_csv` gives them."""
        header = self.header
        for line, raw in zip(self.lines, self.rows, strict=True):
            yield line, dict(zip(header, [c.strip() for c in raw], strict=False))


class Undated:
    """The cells of one date column that no known shape reads: their rows are kept
    without the date, and :meth:`warn` tells the user where (one warning a file)."""

    def __init__(self, table: CsvRows, column: str) -> None:
        self.file, self.column = table.file, column
        self.bad: list[tuple[int, str]] = []

    def check(self, line: int, raw: str, at: str | None) -> str | None:
        """``at`` (``raw`` parsed), noting ``raw`` when it held a date that did not parse."""
        if raw and not at:
            self.bad.append((line, raw))
        return at

    def warn(self, batch: ImportBatch) -> None:
        if self.bad:
            line, raw = self.bad[0]
            batch.warnings.append(
                f"{self.file}: {len(self.bad)} {self.column!r} date(s) not understood (the "
                f"first on line {line}: {raw!r}); those rows are kept without a date"
            )


def check_last_row(text: str, file: str, line: int, fields: list[int], width: int) -> None:
    """Refuse a CSV cut in the middle of its last row (issue 13).

    ``fields`` holds the number of cells of the last two rows (the last one last).
    A last row shorter than the header *and* than the row before it, with no line
    break after it, is a cut file (a download stopped mid-row), not a short row:
    ``csv.reader`` would read it as a row whose missing cells are empty, and a
    person would be made of half a row.
    """
    last = fields[-1]
    before = fields[-2] if len(fields) > 1 else width
    if last < width and last < before and not text.endswith(("\n", "\r")):
        raise InputError(
            file,
            f"ends in the middle of a row (its last row has {last} of the header's {width} "
            "fields and no line break after it): the file is cut short",
            line=line,
            fix="Export it again (or download it again) and import the whole file",
        )


def norm_col(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _open_quote_at_end(text: str, last: list[str], line: int) -> bool:
    """Whether the last row runs to the end of the text inside quotes (``csv.reader``
    takes the rest of the file as its cell). Only a row holding a line break or a last
    line with an odd number of quotes is looked at closely."""
    tail = text.rstrip("\r\n")
    if tail[tail.rfind("\n") + 1 :].count('"') % 2 == 0 and not any(
        "\n" in c or "\r" in c for c in last
    ):
        return False
    start = 0
    for _ in range(line - 1):  # the offset where the last row begins
        start = text.find("\n", start) + 1
    return text.count('"', start) % 2 == 1


def read_csv(
    text: str,
    file: str,
    *,
    required: Iterable[str] = (),
    header_markers: Iterable[str] = (),
) -> CsvTable:
    """Parse CSV text whose header may follow a preamble (LinkedIn's ``Notes:``).

    The header is the first row holding every ``header_markers`` column (or, with
    none given, the first non-empty row). Columns are matched ignoring case,
    spaces and punctuation; each row is a dict keyed by the *normalised* column
    name (``"First Name"`` -> ``"firstname"``). Rows shorter than the header get
    empty strings; a missing required column is an error naming it.
    """
    table = read_csv_rows(text, file, required=required, header_markers=header_markers)
    return CsvTable(file=file, header=table.header, rows=list(table.records()))


def read_csv_rows(
    text: str,
    file: str,
    *,
    required: Iterable[str] = (),
    header_markers: Iterable[str] = (),
) -> CsvRows:
    """:func:`read_csv` without a dict per row: the same header, rows, lines and errors,
    each row the raw list of cells (see :class:`CsvRows`)."""
    markers = [norm_col(m) for m in header_markers]
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    lines: list[int] = []
    rows: list[list[str]] = []
    width = 0
    end = 0
    fields: list[int] = []
    try:
        for raw in reader:
            # A row starts on the line after the previous row ended (blank lines are
            # rows too), however many newlines its quoted cells hold.
            line, end = end + 1, reader.line_num
            if header is None:
                cells = [norm_col(c) for c in raw]
                if not any(cells):
                    continue
                if markers and not all(m in cells for m in markers):
                    continue
                header = cells
                header_line = line
                width = len(header)
                continue
            if not any(raw) or "".join(raw).isspace():
                continue  # an empty row (every cell blank)
            fields.append(len(raw))
            if len(raw) < width:
                raw += [""] * (width - len(raw))
            lines.append(line)
            rows.append(raw)
    except csv.Error as e:
        raise InputError(
            file, f"is not valid CSV ({e})", line=reader.line_num, fix="Export it again"
        ) from e
    if rows and _open_quote_at_end(text, rows[-1], lines[-1]):
        raise InputError(
            file,
            "ends inside a quoted cell (a quote is opened and never closed): "
            "the file is cut short or broken",
            line=lines[-1],
            fix="Export it again",
        )
    if rows:
        check_last_row(text, file, lines[-1], fields[-2:], width)
    if header is None:
        wanted = ", ".join(header_markers) or "a header row"
        raise InputError(
            file,
            f"has no header row with {wanted}",
            fix="Check that it is the right file, or export it again",
        )
    missing = [c for c in required if norm_col(c) not in header]
    if missing:
        raise InputError(
            file,
            f"has no column {', '.join(repr(m) for m in missing)} in its header",
            line=header_line,
            fix="Export it again from the service, or rename the column",
        )
    col = {name: i for i, name in enumerate(header)}
    return CsvRows(file=file, header=header, col=col, lines=lines, rows=rows)


@dataclass(slots=True)
class Member:
    """One file inside a folder or an archive."""

    name: str
    """The path inside the archive or folder (POSIX separators)."""
    display: str
    """How error messages name it: ``export.zip:Connections.csv``."""
    _read: object

    def read(self) -> bytes:
        return self._read()  # type: ignore[operator]


def _check_member(info: zipfile.ZipInfo, archive: str) -> bool:
    """False for entries to skip (folders, links); raises for unsafe ones."""
    if info.is_dir():
        return False
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return False
    p = PurePosixPath(info.filename.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", info.filename):
        raise UnsafeArchiveError(
            archive,
            f"holds an entry that escapes the archive ({info.filename!r})",
            fix="This is not a genuine export; do not import it",
        )
    return True


def iter_members(path: Path) -> Iterator[Member]:
    """The files of a zip archive, a folder (recursively) or a single file.

    Zip archives are checked before anything is read: total size, compression
    ratio (zip bombs) and entry names (path traversal) are refused; symlinks
    are skipped. Nothing is extracted to disk.
    """
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not p.is_symlink():
                rel = p.relative_to(path).as_posix()
                display = f"{path.name}/{rel}"
                yield Member(rel, display, functools.partial(_read_file, p, display))
        return
    if zipfile.is_zipfile(path):
        yield from _iter_zip(path)
        return
    if path.suffix.lower() == ".zip":
        raise InputError(
            str(path),
            "is not a readable zip archive (truncated or damaged)",
            fix="Download the export again, or unzip it and import the folder",
        )
    yield Member(path.name, str(path), functools.partial(_read_file, path, str(path)))


def _iter_zip(path: Path) -> Iterator[Member]:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(
            str(path),
            f"is not a readable zip archive ({e})",
            fix="Download the export again, or unzip it and import the folder",
        ) from e
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchiveError(
            str(path), f"holds {len(infos)} entries", fix="This is not a genuine export"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_ARCHIVE_TOTAL:
        raise UnsafeArchiveError(
            str(path),
            f"would expand to {total / 1024**3:.1f} GiB",
            fix="Refused as a likely zip bomb; unzip it yourself if you trust it",
        )
    for info in infos:
        if info.file_size > 1024**2 and info.file_size > MAX_MEMBER_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsafeArchiveError(
                str(path),
                f"entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}"
                " times its size",
                fix="Refused as a likely zip bomb; unzip it yourself if you trust it",
            )
    members = [i for i in infos if _check_member(i, str(path))]

    def reader(info: zipfile.ZipInfo):
        def read() -> bytes:
            check_size(info.file_size, f"{path.name}:{info.filename}")
            try:
                with zf.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
                raise InputError(
                    f"{path.name}:{info.filename}",
                    f"cannot be read from the archive ({e})",
                    fix="Download the export again",
                ) from e
            if len(data) > info.file_size:
                raise UnsafeArchiveError(
                    f"{path.name}:{info.filename}",
                    "is larger than the archive declares",
                    fix="This is not a genuine export; do not import it",
                )
            return data

        return read

    for info in members:
        name = info.filename.replace("\\", "/")
        yield Member(name, f"{path.name}:{name}", reader(info))
