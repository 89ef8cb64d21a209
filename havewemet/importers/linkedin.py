"""The LinkedIn data export: a ``*.zip``, its unzipped folder, or single CSV files.

Each CSV in the export is handled by a transformer registered under its
*normalised* file name (lower case, without spaces, underscores, hyphens or the
``.csv`` suffix), because LinkedIn renamed files over the years
(``Messages.csv``/``messages.csv``, ``Imported Contacts.csv``/``ImportedContacts.csv``
/``Contacts.csv``). Unknown files are listed in the summary, never fatal.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path, PurePosixPath

from havewemet._gc import paused as gc_paused
from havewemet.errors import InputError
from havewemet.identity.handles import normalize_email, profile_slug
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import (
    CsvRows,
    Undated,
    decode_text,
    iter_members,
    norm_col,
    parse_date,
    read_csv_rows,
)
from havewemet.models import FileReport, Identity, ImportBatch, Interaction, Request, stable_id

SOURCE = "linkedin"

Transformer = Callable[[CsvRows, ImportBatch, FileReport], None]
_FILES: dict[str, tuple[int, Transformer, tuple[str, ...]]] = {}
# Normalised file name -> the normalised header columns that, all in one row near the
# top, tell that file apart from every other CSV (a renamed ``Connections.csv``).
_SIGNATURES: dict[str, frozenset[str]] = {}
# What browsers and file managers add to a second copy: "Connections (1).csv",
# "Connections - Copy.csv", "Connections copy 2.csv".
_COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|\s*-?\s*copy(?:\s*\(?\d+\)?)?)$", re.I)


def _norm_file(name: str) -> str:
    stem = PurePosixPath(name).name
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    return re.sub(r"[\s_\-]", "", _COPY_SUFFIX.sub("", stem).lower())


def export_file(
    *names: str, order: int = 50, markers: tuple[str, ...] = (), signature: tuple[str, ...] = ()
):
    """Register a transformer for the export files with these normalised names.

    ``order`` sets the processing order (the user's profile first, so that later
    files can tell the user's own rows apart); ``markers`` are header columns
    that locate the header row below any preamble; ``signature`` (optional) are
    header columns found in no other file, by which the file is recognised
    whatever its name.
    """

    def deco(fn: Transformer) -> Transformer:
        for n in names:
            _FILES[n] = (order, fn, markers)
        if signature:
            _SIGNATURES[names[0]] = frozenset(norm_col(c) for c in signature)
        return fn

    return deco


def known_file(name: str) -> bool:
    return _norm_file(name) in _FILES


def file_by_header(head: str) -> str | None:
    """The export file (normalised name) whose header is among the first ten rows
    of ``head``, by its signature columns; None if none is, or more than one."""
    found: set[str] = set()
    try:
        for row in itertools.islice(csv.reader(io.StringIO(head, newline="")), 10):
            cells = {norm_col(c) for c in row}
            found.update(k for k, sig in _SIGNATURES.items() if sig <= cells)
    except csv.Error:
        return None
    return found.pop() if len(found) == 1 else None


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
            _norm_file(path.name) in _FILES
            or file_by_header(head[:8192].decode("utf-8-sig", "replace"))
        ):
            # A file named as in the export, or with its header; above the generic
            # contact-CSV readers, whose headers (First Name, Last Name, ...) overlap.
            return 92
        return 0
    hits = sum(1 for n in names if known_file(n))
    core = {"connections", "invitations", "messages"}
    if any(_norm_file(n) in core for n in names):
        return 90
    return 40 if hits else 0


def _full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)


# The profile URL as LinkedIn writes it in every row; matched here without
# urlsplit (which was a third of the reader's time at 30,000 connections). The slug
# is word characters (accented letters too: "josé-garcía"), dots, tildes, hyphens:
# nothing urlsplit, unquote or strip would change. What this does not fully match
# goes to profile_slug, which gives the same slug.
_PLAIN_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.)?linkedin\.com/(?:comm/)?(?:in|pub)/([\w.~-]+)/?", re.I
)


# The commonest form of all, tried before the pattern (which, case-insensitive, costs
# several times more): the same slug when it applies, else the pattern decides.
_PROFILE_PREFIX = "https://www.linkedin.com/in/"
_SLUG_TEXT = re.compile(r"[\w.~-]+")


def _slug(url: str) -> str:
    text = url.strip()
    if text.startswith(_PROFILE_PREFIX):
        slug = text[len(_PROFILE_PREFIX) : -1 if text.endswith("/") else None]
        # Letters, digits and hyphens (nearly every slug): what ``\w`` and "-" accept,
        # as ``\w`` is str.isalnum() or "_"; checked without the pattern, which costs
        # five times more (issue 2). Anything else is left to the pattern.
        if slug.replace("-", "").isalnum() or _SLUG_TEXT.fullmatch(slug):
            return slug.lower()
    m = _PLAIN_PROFILE.fullmatch(text)
    return m.group(1).lower() if m else profile_slug(url)


def _person_key(url: str, name: str, extra: str = "") -> str:
    slug = _slug(url)
    if slug:
        return f"in/{slug}"
    if url.strip():
        return url.strip().lower()
    return "name/" + stable_id(" ".join(name.lower().split()), extra)


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
        norm, data = _norm_file(member.name), None
        is_csv = member.name.lower().endswith(".csv")
        if single and is_csv and norm not in _FILES:
            data = member.read()  # renamed? known by its header
            norm = file_by_header(data[:8192].decode("utf-8-sig", "replace")) or norm
        if norm not in _FILES or not is_csv:
            if not PurePosixPath(member.name).name.startswith("."):
                batch.unknown_files.append(member.name)
            continue
        order, fn, markers = _FILES[norm]
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


def _me(batch: ImportBatch) -> Identity:
    if batch.me is None:
        batch.me = Identity(source=SOURCE, key="me")
    return batch.me


def _require(table: CsvRows, *cols: str) -> None:
    missing = [c for c in cols if norm_col(c) not in table.header]
    if missing:
        raise InputError(
            table.file,
            f"has no column {', '.join(repr(m) for m in missing)}",
            line=1,
            fix="Export it again from LinkedIn (Settings > Data privacy > Get a copy of your data)",
        )


@export_file("profile", order=0, markers=("First Name", "Last Name"))
def _profile(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    for line, row in list(table.records())[:1]:
        me = _me(batch)
        me.first_name, me.last_name = row.get("firstname", ""), row.get("lastname", "")
        me.name = _full_name(me.first_name, me.last_name)
        me.title = row.get("headline", "")
        me.location = row.get("geolocation", "") or row.get("location", "")
        me.file, me.line = table.file, line
        if row.get("maidenname"):
            me.extra["maiden_name"] = row["maidenname"]
        for h in re.split(r"[,\s]+", row.get("twitterhandles", "")):
            if h.strip("[]@"):
                me.handles.append("@" + h.strip("[]@"))
        report.identities = 1


@export_file("emailaddresses", order=1, markers=("Email Address",))
def _emails(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    me = _me(batch)
    for _line, row in table.records():
        email = normalize_email(row.get("emailaddress", ""))
        if email and email not in me.emails:
            me.emails.append(email)


@export_file("positions", order=2, markers=("Company Name",))
def _positions(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    started, finished = Undated(table, "Started On"), Undated(table, "Finished On")
    for line, row in table.records():
        start, end = row.get("startedon", ""), row.get("finishedon", "")
        batch.positions.append(
            {
                "company": row.get("companyname", ""),
                "title": row.get("title", ""),
                "start": started.check(line, start, parse_date(start)) or "",
                "end": finished.check(line, end, parse_date(end)) or "",
                "file": table.file,
                "line": str(line),
            }
        )
    started.warn(batch)
    finished.warn(batch)


@export_file(
    "connections",
    order=10,
    markers=("First Name", "Last Name"),
    signature=("First Name", "Last Name", "Company", "Position", "Connected On"),
)
def _connections(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    _require(table, "First Name", "Last Name", "Company", "Position", "Connected On")
    file, identities, interactions = table.file, batch.identities, batch.interactions
    columns = ("firstname", "lastname", "url", "emailaddress", "company", "position")
    # Column-wise, positional records: 30,000 rows are the bulk of an export (issue 2).
    # Dates are parsed once per distinct text (30,000 connections fall on a few
    # thousand days).
    raw_dates = list(map(itemgetter(table.col["connectedon"]), table.rows))
    dates = {d: parse_date(d) for d in dict.fromkeys(raw_dates)}
    if any(d.strip() and not at for d, at in dates.items()):
        undated = Undated(table, "Connected On")
        for line, raw in zip(table.lines, raw_dates, strict=True):
            undated.check(line, raw.strip(), dates[raw])
        undated.warn(batch)
    before, hidden = len(identities), 0
    for line, raw_date, first, last, url, email, company, title in zip(
        table.lines, raw_dates, *map(table.column, columns), strict=True
    ):
        name = f"{first} {last}" if first and last else first or last
        if not name and not url:
            hidden += 1  # a hidden profile: LinkedIn gives only the date
            continue
        key = _person_key(url, name, company)
        email = normalize_email(email) if email else ""
        identities.append(
            Identity(
                SOURCE,
                key,
                name,
                first,
                last,
                [email] if email else [],
                [],
                [url] if url else [],
                [],
                [],
                company,
                title,
                "",
                file,
                line,
                {"connection": True},
            )
        )
        interactions.append(
            Interaction(SOURCE, key, "connected", dates[raw_date], "both", "", file, line)
        )
    report.identities += len(identities) - before
    report.interactions += len(identities) - before
    if hidden:
        report.note = f"{hidden} hidden profiles (date only) skipped"


def add_person(
    batch: ImportBatch,
    report: FileReport,
    ident: Identity,
    kind: str,
    at: str | None,
    direction: str,
    detail: str = "",
) -> None:
    """One person a file names and the one dated piece of evidence about them."""
    batch.identities.append(ident)
    batch.interactions.append(
        Interaction(SOURCE, ident.key, kind, at, direction, detail, ident.file, ident.line)
    )
    report.identities += 1
    report.interactions += 1


@export_file(
    "invitations",
    order=20,
    markers=("From", "To"),
    signature=("From", "To", "Sent At", "Direction"),
)
def _invitations(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    _require(table, "From", "To", "Sent At", "Direction")
    undated = Undated(table, "Sent At")
    for line, row in table.records():
        direction = row.get("direction", "").upper()
        raw = row.get("sentat", "")
        sent = undated.check(line, raw, parse_date(raw))
        note = row.get("message", "")
        if direction == "INCOMING":
            batch.requests.append(
                Request(
                    name=row.get("from", ""),
                    profile_url=row.get("inviterprofileurl", ""),
                    note=note,
                    sent_at=sent,
                    source=SOURCE,
                    file=table.file,
                    line=line,
                )
            )
            report.requests += 1
        elif direction == "OUTGOING":
            name, url = row.get("to", ""), row.get("inviteeprofileurl", "")
            key = _person_key(url, name)
            ident = Identity(
                SOURCE, key, name=name, urls=[url] if url else [], file=table.file, line=line
            )
            add_person(batch, report, ident, "invitation", sent, "out", note[:300])
    undated.warn(batch)


# The export's other files (messages; contacts, endorsements, recommendations,
# follows, events) register themselves from their own modules.
from havewemet.importers import _linkedin_messages, _linkedin_more  # noqa: E402, F401
