"""Bluesky follows given as JSON.

Bluesky's own export is a binary CAR repository; the follows reach havewemet as
JSON from the API or a tool, in one of these shapes (all read here):

- a list of profiles ``[{"did": ..., "handle": "alice.bsky.social", "displayName": ...}]``,
  or ``app.bsky.graph.getFollows`` output ``{"subject": {...}, "follows": [...]}``
  (``getFollowers`` gives ``"followers"``: follows *in*);
- ``app.bsky.graph.follow`` records ``{"$type": "app.bsky.graph.follow",
  "subject": "did:plc:...", "createdAt": ...}``, as a list or as
  ``com.atproto.repo.listRecords`` output ``{"records": [{"uri": ..., "value": {...}}]}``.

Each account is ``bsky/<did>`` (or ``bsky/<handle>`` where no DID is given) with
the handles ``@alice.bsky.social`` and the DID; a follow record's ``createdAt``
dates the ``follow``. A file whose name holds ``follower`` is read as follows in;
an account in both directions is one ``follow`` with direction ``both``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import decode_text, iter_members, parse_date
from havewemet.importers.social import Collector, JsonDoc, basename, is_single_file, listing
from havewemet.models import Direction, FileReport, ImportBatch

SOURCE = "bluesky"
_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%\-]+$")
_HANDLE = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)+)$")
_FIX = "Give the follows as JSON: a list of {did, handle} profiles or app.bsky.graph.follow records"


def _sniff(path: Path, head: bytes) -> int:
    names = listing(path, head)
    if names is None:
        return _sniff_text(head)
    # A folder or zip of follows: judged by the first JSON file named like follows.
    follows = sorted(n for n in names if n.lower().endswith(".json") and "follow" in basename(n))
    return min(_sniff_text(_peek(path, follows[0])), 80) if follows else 0


def _peek(path: Path, name: str) -> bytes:
    """The first 4 KiB of one file of a folder or zip (empty if it cannot be read)."""
    try:
        if path.is_dir():
            with open(path / name, "rb") as fh:
                return fh.read(4096)
        with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
            return fh.read(4096)
    except (OSError, KeyError, RuntimeError, zipfile.BadZipFile, NotImplementedError):
        return b""


def _sniff_text(head: bytes) -> int:
    text = head.decode("utf-8", errors="replace")
    if not text.lstrip("\ufeff \t\r\n").startswith(("[", "{")):
        return 0
    if "app.bsky.graph.follow" in text:
        return 95
    if re.search(r'"(did|subject)"\s*:\s*"did:(plc|web):', text):
        return 85
    if re.search(r'"handle"\s*:\s*"[^"]+\.bsky\.social"', text):
        return 80
    return 0


def _list(doc: JsonDoc, direction: str) -> tuple[list, str]:
    data = doc.data
    if isinstance(data, dict):
        for key, way in (("follows", "out"), ("followers", "in"), ("records", direction)):
            if isinstance(data.get(key), list):
                return data[key], way
        if "subject" in data and "createdAt" in data:
            return [data], direction  # one record
    if isinstance(data, list):
        return data, direction
    raise InputError(doc.file, "holds no list of follows", line=1, fix=_FIX)


def _account(entry: object) -> tuple[str, str, str, str | None]:
    """``(did, handle, display name, followed at)`` of one entry (empty when absent)."""
    if not isinstance(entry, dict):
        return "", "", "", None
    value = entry.get("value")
    record = value if isinstance(value, dict) else entry
    subject = record.get("subject")
    at = None
    if isinstance(subject, str | dict) and ("createdAt" in record or "$type" in record):
        created = record.get("createdAt")
        at = parse_date(created) if isinstance(created, str) else None
        profile = subject if isinstance(subject, dict) else {"did": subject}
    else:
        profile = record

    def text(key: str) -> str:
        v = profile.get(key)
        return v.strip() if isinstance(v, str) else ""

    return text("did"), text("handle").lstrip("@").lower(), text("displayName"), at


@register(
    "bluesky-json", description="Bluesky follows as JSON (profiles or follow records)", sniff=_sniff
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read Bluesky follows (and followers) from JSON."""
    batch = ImportBatch(source=SOURCE, kind="bluesky-json", path=str(path))
    people = Collector(SOURCE)
    seen: dict[str, tuple[set[str], str | None, str, int, FileReport]] = {}
    single = is_single_file(path)
    for member in iter_members(path):
        if not member.name.lower().endswith(".json") and not single:
            batch.unknown_files.append(member.name)
            continue
        doc = JsonDoc(decode_text(member.read(), member.display), member.display, fix=_FIX)
        entries, direction = _list(doc, "in" if "follower" in basename(member.name) else "out")
        report = FileReport(file=member.name, kind=f"follows {direction}", rows=len(entries))
        batch.files.append(report)
        for n, entry in enumerate(entries):
            line = doc.line_of(entry, doc.line_of_item(entries, n))
            did, handle, name, at = _account(entry)
            if did and not _DID.match(did):
                raise InputError(
                    doc.file, f"entry {n + 1}: {did[:80]!r} is not a DID", line=line, fix=_FIX
                )
            if handle and not _HANDLE.match(handle):
                raise InputError(
                    doc.file, f"entry {n + 1}: {handle[:80]!r} is not a handle", line=line, fix=_FIX
                )
            if not did and not handle:
                raise InputError(
                    doc.file, f"entry {n + 1} has neither a did nor a handle", line=line, fix=_FIX
                )
            key = f"bsky/{did or handle}"
            people.person(
                key,
                doc.file,
                line,
                report,
                name=name,
                handles=([f"@{handle}"] if handle else []) + ([did] if did else []),
                urls=[f"https://bsky.app/profile/{handle or did}"],
            )
            dirs, first_at, file, first_line, rep = seen.get(
                key, (set(), at, doc.file, line, report)
            )
            dirs.add(direction)
            seen[key] = (dirs, first_at or at, file, first_line, rep)
    if not batch.files:
        raise InputError(str(path), "holds no JSON file", fix=_FIX)
    for key, (dirs, at, file, line, report) in seen.items():
        way: Direction = "both" if len(dirs) == 2 else next(iter(dirs))  # type: ignore
        people.interact(key, "follow", way, file, line, report, at=at)
    return people.finish(batch)
