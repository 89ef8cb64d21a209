"""Importers: each source format is a registered reader that turns a path into an
:class:`~havewemet.models.ImportBatch`.

A reader is registered with :func:`register` under a format name and a *sniff*
function that scores how sure it is that a path is in its format (0 = not at all,
100 = certain), from the file name and its first bytes. :func:`read_source`
picks the best-scoring reader unless ``format`` is forced. Readers never write:
the store saves the batch in one transaction.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from havewemet._gc import paused
from havewemet.errors import InputError, UnsupportedFormatError
from havewemet.importers._io import check_size
from havewemet.models import Identity, ImportBatch, Interaction, Request
from havewemet.normalize import normalize_email

__all__ = [
    "ImportOptions",
    "Reader",
    "detect_format",
    "fingerprint",
    "read_source",
    "readers",
    "register",
]


@dataclass(slots=True)
class ImportOptions:
    """Options that some readers take (keyword-only at the API)."""

    source: str | None = None
    """Name the source in the store (default: from the format and the file name)."""
    mapping: dict[str, str] = field(default_factory=dict)
    """For CSV lists of people: field -> column (``name=Full Name``)."""
    event: str | None = None
    """For attendee lists: the event's name (default: the file name)."""
    event_date: str | None = None
    """For attendee lists: the event's date (ISO)."""
    list_kind: str = "event"
    """For CSV lists of people: ``event`` (attendees: met) or ``member`` (a directory)."""
    me_emails: list[str] = field(default_factory=list)
    """The user's own addresses given now (``--me``): mail and calendar readers tell
    'from me' by them, and the store remembers them."""
    known_me: list[str] = field(default_factory=list)
    """The user's addresses the store remembers (``havewemet me``, issue 12): used as
    ``me_emails`` are, with a note saying so, when the source holds them."""
    not_me: list[str] = field(default_factory=list)
    """Addresses the user said are not theirs (``havewemet me --remove``): never guessed."""


Sniff = Callable[[Path, bytes], int]
Load = Callable[[Path, ImportOptions], ImportBatch]


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    description: str
    sniff: Sniff
    load: Load
    reads_me: bool = False
    """Whether it reads who the user is (``known_me``, ``not_me``: mail and calendars)."""


_READERS: dict[str, Reader] = {}

# Modules that register readers, imported on first use (not at package import).
_MODULES = (
    "linkedin",
    "vcard",
    "contacts_csv",
    "ical",
    "mail",
    "social",
    "social_mastodon",
    "social_x",
    "social_facebook",
    "social_bluesky",
    "people_list",
)


def register(
    name: str, *, description: str, sniff: Sniff, reads_me: bool = False
) -> Callable[[Load], Load]:
    """Register ``load`` as the reader for format ``name``; ``reads_me``: it tells the
    user's own messages and events by the addresses the store knows as theirs."""

    def deco(load: Load) -> Load:
        _READERS[name] = Reader(name, description, sniff, load, reads_me)
        return load

    return deco


def readers() -> dict[str, Reader]:
    """Every registered reader, by format name."""
    for mod in _MODULES:
        importlib.import_module(f"havewemet.importers.{mod}")
    return dict(_READERS)


def _head(path: Path) -> bytes:
    if path.is_dir():
        names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        return "\n".join(names).encode()
    with open(path, "rb") as fh:
        return fh.read(65536)


def detect_format(path: Path) -> str:
    """The name of the reader that best recognises ``path``."""
    head = _head(path)
    scored = sorted(((r.sniff(path, head), r.name) for r in readers().values()), reverse=True)
    if not scored or scored[0][0] <= 0:
        known = ", ".join(sorted(readers()))
        raise UnsupportedFormatError(
            str(path),
            "is not in a format havewemet recognises",
            fix=f"Give --format with one of: {known}",
        )
    return scored[0][1]


def _code_hash() -> bytes:
    """A hash of havewemet's own code (every module): a new version may read a file
    differently, so what an older one read from it is no reason to skip it."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for f in sorted(root.rglob("*.py")):
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
        _CODE = h.digest()
    return _CODE


_CODE: bytes | None = None


def fingerprint(path: str | Path, *, format: str | None, options: ImportOptions) -> str:
    """What an import of ``path`` reads: the bytes of the file (or of every file of the
    folder, with their names), its name, the format and options asked for and
    havewemet's code. Two imports with the same fingerprint give the same batch, so
    the second has nothing to save."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "does not exist", fix="Check the path")
    if path.is_file():
        _refuse_empty_or_damaged(path)  # as read_source does, before guessing a format
    h = hashlib.sha256(_code_hash())
    opts = {k: sorted(v) if isinstance(v, list) else v for k, v in asdict(options).items()}
    given = {normalize_email(e) for e in options.me_emails}
    known = {normalize_email(e) for e in options.known_me}
    not_me = {normalize_email(e) for e in options.not_me}
    del opts["me_emails"], opts["known_me"], opts["not_me"]
    reader = readers().get(format or detect_format(path))
    if reader is not None and reader.reads_me:  # the addresses it takes as the user's
        opts["me"] = sorted((given | known) - not_me)
        opts["not_me"] = sorted(not_me)
    else:  # only what --me adds to what the store knows (it is remembered)
        opts["me"] = sorted(given - known)
    h.update(json.dumps([path.name, format, opts], sort_keys=True).encode())
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(b"\0" + f.relative_to(path).as_posix().encode() + b"\0" if f != path else b"\0")
        try:
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError as e:
            raise InputError(str(f), f"cannot be read ({e.strerror})", fix="Check it") from e
    return h.hexdigest()


def read_source(
    path: str | Path, *, format: str | None = None, options: ImportOptions | None = None
) -> ImportBatch:
    """Read one source (file, folder or zip) into an :class:`ImportBatch`.

    Examples:
        >>> batch = read_source("Basic_LinkedInDataExport_03-01-2026.zip")  # doctest: +SKIP
        >>> len(batch.identities)  # doctest: +SKIP
        1503
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "does not exist", fix="Check the path")
    options = options or ImportOptions()
    _check_me(options.me_emails)
    all_readers = readers()
    if path.is_file():
        _refuse_empty_or_damaged(path)
    if format is None:
        format = detect_format(path)
    elif format not in all_readers:
        raise UnsupportedFormatError(
            str(path),
            f"--format {format!r} is not a known format",
            fix=f"Use one of: {', '.join(sorted(all_readers))}",
        )
    if path.is_file() and format != "mbox" and not zipfile.is_zipfile(path):
        check_size(path.stat().st_size, str(path))  # read whole; mbox is streamed (issue 6)
    try:
        with paused():  # bulk allocation with no cycles: see havewemet._gc
            batch = all_readers[format].load(path, options)
    except (PermissionError, IsADirectoryError) as e:
        raise InputError(str(path), f"cannot be read ({e.strerror})", fix="Check it") from e
    if options.source:
        batch.source = options.source
        for rec in _records(batch):
            rec.source = options.source
    _files_inside(batch, path)
    return batch


def _check_me(given: list[str]) -> None:
    """Refuse a ``--me`` that is not an e-mail address: taken silently, it would
    leave the user's own mail counted as someone else's (issue 12)."""
    for text in given:
        if not normalize_email(text):
            raise InputError(
                "--me",
                f"{text!r} is not an e-mail address",
                fix="Give your own address, e.g. --me you@example.com (repeat --me for each)",
            )


# What a zip's first bytes are: a local file header, or the end record of an empty zip.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _refuse_empty_or_damaged(path: Path) -> None:
    """Refuse an empty file, and a zip that cannot be read, whatever their names and
    whatever --format says (issue 13: an empty file forced with --format mbox was an
    empty source; a damaged zip not named like LinkedIn's was "not a format")."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if not head:
        raise InputError(
            str(path),
            "is empty (0 bytes)",
            fix="Check that it is the right file, or download or export it again",
        )
    if (head in _ZIP_MAGIC or path.suffix.lower() == ".zip") and not zipfile.is_zipfile(path):
        raise InputError(
            str(path),
            "is not a readable zip archive (truncated or damaged)",
            fix="Download the export again, or unzip it and import the folder",
        )


def _records(batch: ImportBatch) -> list[Identity | Interaction | Request]:
    """The records of a batch, each naming its source and file."""
    return [*batch.identities, *batch.interactions, *batch.requests]


def _files_inside(batch: ImportBatch, path: Path) -> None:
    """Name each record's file by its path inside the zip or folder, without the
    zip's or the folder's own name, so that the same export imported as a zip and
    as its unzipped folder gives the same rows ("0 updated", issue 13): readers name
    members ``export.zip:Connections.csv`` and ``export/Connections.csv`` in their
    errors, and the records kept those names."""
    if path.is_dir():
        prefix = f"{path.name}/"
    elif zipfile.is_zipfile(path):
        prefix = f"{path.name}:"
    else:
        return
    cut = len(prefix)
    records = _records(batch)
    for rec in [*records, batch.me] if batch.me else records:
        if rec.file.startswith(prefix):
            rec.file = rec.file[cut:]
    for own in batch.own:
        if own.file.startswith(prefix):
            own.file = own.file[cut:]
    for pos in batch.positions:
        if pos.get("file", "").startswith(prefix):
            pos["file"] = pos["file"][cut:]
