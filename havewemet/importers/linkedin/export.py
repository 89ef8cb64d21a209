"""The LinkedIn data export's shared parts: the file registry, names, keys.

The LinkedIn data export: a ``*.zip``, its unzipped folder, or single CSV files.

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
from collections.abc import Callable
from pathlib import PurePosixPath

from havewemet.errors import InputError
from havewemet.importers._io import (
    CsvRows,
    norm_col,
)
from havewemet.models import Direction, FileReport, Identity, ImportBatch, Interaction, stable_id
from havewemet.normalize import profile_slug

SOURCE = "linkedin"

Transformer = Callable[[CsvRows, ImportBatch, FileReport], None]
FILES: dict[str, tuple[int, Transformer, tuple[str, ...]]] = {}
# Normalised file name -> the normalised header columns that, all in one row near the
# top, tell that file apart from every other CSV (a renamed ``Connections.csv``).
_SIGNATURES: dict[str, frozenset[str]] = {}
# What browsers and file managers add to a second copy: "Connections (1).csv",
# "Connections - Copy.csv", "Connections copy 2.csv".
_COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|\s*-?\s*copy(?:\s*\(?\d+\)?)?)$", re.I)


def norm_file(name: str) -> str:
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
            FILES[n] = (order, fn, markers)
        if signature:
            _SIGNATURES[names[0]] = frozenset(norm_col(c) for c in signature)
        return fn

    return deco


def known_file(name: str) -> bool:
    return norm_file(name) in FILES


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


def full_name(first: str, last: str) -> str:
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


def person_key(url: str, name: str, extra: str = "") -> str:
    slug = _slug(url)
    if slug:
        return f"in/{slug}"
    if url.strip():
        return url.strip().lower()
    return "name/" + stable_id(" ".join(name.lower().split()), extra)


def me_identity(batch: ImportBatch) -> Identity:
    if batch.me is None:
        batch.me = Identity(source=SOURCE, key="me")
    return batch.me


def require_columns(table: CsvRows, *cols: str) -> None:
    missing = [c for c in cols if norm_col(c) not in table.header]
    if missing:
        raise InputError(
            table.file,
            f"has no column {', '.join(repr(m) for m in missing)}",
            line=1,
            fix="Export it again from LinkedIn (Settings > Data privacy > Get a copy of your data)",
        )


def add_person(
    batch: ImportBatch,
    report: FileReport,
    ident: Identity,
    kind: str,
    at: str | None,
    direction: Direction,
    detail: str = "",
) -> None:
    """One person a file names and the one dated piece of evidence about them."""
    batch.identities.append(ident)
    batch.interactions.append(
        Interaction(SOURCE, ident.key, kind, at, direction, detail, ident.file, ident.line)
    )
    report.identities += 1
    report.interactions += 1
