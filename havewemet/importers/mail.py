"""Mail: an mbox file, a Maildir folder, or one ``.eml`` message.

Every correspondent becomes an identity keyed by their lower-cased address, and
their mail becomes at most two ``mail`` interactions: ``in`` (they wrote to the
user) and ``out`` (the user wrote to them), each with the message count, the
last date as ``at`` and ``first <date>`` as detail. Whether the user ever wrote
to someone is what matters, so mailing-list mail (``List-Id``,
``List-Unsubscribe``, ``Precedence: bulk``) and no-reply senders give nothing
but a count in the file report. LinkedIn invitation notifications become
pending requests (see :mod:`havewemet.importers.linkedin_mail`). Issue 4.

Only headers are parsed for ordinary mail (the body is never needed), which
keeps a 100,000-message mbox fast; LinkedIn mail is parsed whole.
Reading one message and summing them per correspondent is in
:mod:`havewemet.importers._mail_people`.
"""

from __future__ import annotations

import email.errors
import logging
import mailbox
import re
from collections.abc import Iterable, Iterator
from email.parser import BytesHeaderParser, BytesParser
from email.policy import default as _POLICY
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._mail_headers import (
    addresses,
    decode_words,
    header_map,
    is_sent_name,
    looks_like_headers,
)
from havewemet.importers._mail_people import _aggregate, _guess_me, _Mail, _Raw, _read_mail
from havewemet.importers._own import who_is_me
from havewemet.importers.linkedin_mail import is_invitation, merge_requests, parse_invitation
from havewemet.models import FileReport, ImportBatch

__all__ = [
    "parse_mbox",
    "parse_maildir",
    "parse_eml",
    "parse_eml_folder",
    "load_mbox",
    "load_maildir",
    "load_eml",
]

log = logging.getLogger(__name__)

# Ordinary mail is read header-only with the compat32 parser (see _mail_headers);
# LinkedIn mail, whose body matters, is parsed whole with policy=default.
_HEADERS = BytesHeaderParser()
_FULL = BytesParser(policy=_POLICY)
_MESSAGE_ERRORS = (
    ValueError,
    IndexError,
    TypeError,
    LookupError,
    AttributeError,
    email.errors.MessageError,
)


# -- sniffing and the registry -----------------------------------------------------


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _sniff_mbox(path: Path, head: bytes) -> int:
    if path.is_dir():
        return 0
    if head.startswith(b"From "):
        return 90
    return 60 if path.suffix.lower() in (".mbox", ".mbx") else 0


def _sniff_maildir(path: Path, head: bytes) -> int:
    if not path.is_dir():
        return 0
    if _is_maildir(path):
        return 95
    return 85 if any(_is_maildir(p) for p in path.iterdir() if p.is_dir()) else 0


def _eml_files(path: Path) -> list[Path]:
    """The saved messages (``*.eml``) of a folder and its subfolders, in name order."""
    return sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() == ".eml" and p.is_file() and not p.is_symlink()
    )


def _sniff_eml(path: Path, head: bytes) -> int:
    if path.is_dir():
        # A folder of saved messages (issue 13); a Maildir (cur/, new/) says more.
        names = head.decode(errors="replace").splitlines()
        return 75 if any(n.lower().endswith(".eml") for n in names) else 0
    if head.startswith(b"From "):
        return 0
    if looks_like_headers(head):
        return 80
    return 55 if path.suffix.lower() in (".eml", ".msg") else 0


def _options_me(options: ImportOptions) -> dict[str, list[str]]:
    """The ``me_emails``, ``known_me`` and ``not_me`` arguments of the parse functions."""
    return {
        "me_emails": list(options.me_emails),
        "known_me": list(options.known_me),
        "not_me": list(options.not_me),
    }


@register(
    "mbox",
    description="mbox mail file (Thunderbird, Gmail Takeout, mutt)",
    sniff=_sniff_mbox,
    reads_me=True,
)
def load_mbox(path: Path, options: ImportOptions) -> ImportBatch:
    """Read an mbox file (the registry's entry point)."""
    return parse_mbox(path, **_options_me(options), source=f"mbox:{path.name}")


@register(
    "maildir", description="Maildir mail folder (cur/new/tmp)", sniff=_sniff_maildir, reads_me=True
)
def load_maildir(path: Path, options: ImportOptions) -> ImportBatch:
    """Read a Maildir folder and its Maildir++ subfolders (the registry's entry point)."""
    return parse_maildir(path, **_options_me(options), source=f"maildir:{path.name}")


@register(
    "eml",
    description="e-mail messages (.eml, RFC 822): one, or a folder of them",
    sniff=_sniff_eml,
    reads_me=True,
)
def load_eml(path: Path, options: ImportOptions) -> ImportBatch:
    """Read one ``.eml`` message or a folder of them (the registry's entry point)."""
    if path.is_dir():
        return parse_eml_folder(path, **_options_me(options), source=f"eml:{path.name}")
    return parse_eml(
        path.read_bytes(), str(path), **_options_me(options), source=f"eml:{path.name}"
    )


# -- the three containers ----------------------------------------------------------


def parse_mbox(
    path: str | Path,
    *,
    me_emails: Iterable[str] = (),
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
    source: str = "mbox",
) -> ImportBatch:
    """Parse an mbox file into correspondents, mail interactions and requests.

    Args:
        path: the mbox file (``mailbox`` needs a path, not a file object).
        me_emails: the user's addresses; guessed when empty.
        source: the source name records carry.

    Raises:
        InputError: the file does not start with a ``From`` line.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        first = fh.read(5)
    if first and first != b"From ":
        raise InputError(
            str(path),
            "is not an mbox file (it does not start with 'From ')",
            line=1,
            fix="Give --format eml if it is a single message, or export the folder again as mbox",
        )
    return _build(_iter_mbox(path), str(path), me_emails, source, "mbox", known_me, not_me)


def _iter_mbox(path: Path) -> Iterator[_Raw]:
    box = mailbox.mbox(path, create=False)
    try:
        keys = list(box.keys())
        toc = getattr(box, "_toc", {})
        lines = _line_numbers(path, [toc[k][0] for k in keys if k in toc])
        sent = is_sent_name(path.name)
        for k in keys:
            start = toc.get(k, (0, 0))[0]
            # +1: the message's headers start below its "From " line
            yield _Raw(str(path), lines.get(start, 0) + 1, box.get_bytes(k), sent, path.name)
    finally:
        box.close()


def _line_numbers(path: Path, offsets: list[int]) -> dict[int, int]:
    """The 1-based line of each byte offset, counted in one chunked pass."""
    out: dict[int, int] = {}
    todo = sorted(set(offsets))
    line, pos, i = 1, 0, 0
    with open(path, "rb") as fh:
        while i < len(todo):
            chunk = fh.read(1 << 22)
            if not chunk:
                break
            end = pos + len(chunk)
            at = 0  # count from the previous offset, not the chunk start (linear)
            while i < len(todo) and todo[i] <= end:
                line += chunk.count(b"\n", at, todo[i] - pos)
                at = todo[i] - pos
                out[todo[i]] = line
                i += 1
            line += chunk.count(b"\n", at)
            pos = end
    return out


def parse_maildir(
    path: str | Path,
    *,
    me_emails: Iterable[str] = (),
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
    source: str = "maildir",
) -> ImportBatch:
    """Parse a Maildir folder (and Maildir++ ``.Sent``-style subfolders)."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(
            str(path),
            "is not a Maildir folder",
            fix="Give the folder that holds cur/, new/ and tmp/",
        )
    return _build(_iter_maildir(path), str(path), me_emails, source, "maildir", known_me, not_me)


def _iter_maildir(path: Path) -> Iterator[_Raw]:
    folders = [p for p in [path, *sorted(path.rglob("*"))] if p.is_dir() and _is_maildir(p)]
    if not folders:
        raise InputError(
            str(path),
            "holds no Maildir (no cur/ and new/ folders)",
            fix="Give the folder that holds cur/, new/ and tmp/",
        )
    for folder in folders:
        box = mailbox.Maildir(folder, factory=None, create=False)
        rel = folder.relative_to(path).as_posix()
        sent = is_sent_name(rel) if rel != "." else False
        for key in sorted(box.keys()):
            # The file name, for provenance (a private method typeshed does not list).
            sub = box._lookup(key)  # type: ignore[attr-defined]  # noqa: SLF001
            display = f"{path.name}/{rel}/{sub}" if rel != "." else f"{path.name}/{sub}"
            with open(folder / sub, "rb") as fh:
                yield _Raw(
                    display, 1, fh.read(), sent, f"{path.name}/{rel}" if rel != "." else path.name
                )


def parse_eml(
    data: bytes,
    file: str,
    *,
    me_emails: Iterable[str] = (),
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
    source: str = "eml",
) -> ImportBatch:
    """Parse one RFC 822 message.

    Raises:
        InputError: the bytes do not start with mail headers.
    """
    stripped = data.lstrip(b" \t\r\n")
    if not looks_like_headers(stripped[:65536]):
        raise InputError(
            file,
            "is not an e-mail message (no From:/To:/Date: headers at the top)",
            line=1,
            fix="Check that it is a saved .eml message",
        )
    line = data[: len(data) - len(stripped)].count(b"\n") + 1
    raw = _Raw(file, line, stripped, is_sent_name(file), Path(file).name)
    return _build(iter([raw]), file, me_emails, source, "eml", known_me, not_me)


def parse_eml_folder(
    path: str | Path,
    *,
    me_emails: Iterable[str] = (),
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
    source: str = "eml",
) -> ImportBatch:
    """Parse a folder of saved ``.eml`` messages (and its subfolders) as one mailbox,
    as a Maildir is read: a message that is not mail is skipped with a warning, and
    a subfolder named like a sent folder holds the user's own mail.

    Raises:
        InputError: the folder holds no ``.eml`` file.
    """
    path = Path(path)
    files = _eml_files(path)
    if not files:
        raise InputError(
            str(path),
            "holds no .eml message",
            fix="Give the folder of saved .eml messages, a Maildir folder or an mbox file",
        )
    batch = _build(
        _iter_eml_folder(path, files), str(path), me_emails, source, "eml", known_me, not_me
    )
    batch.unknown_files = sorted(
        p.relative_to(path).as_posix()
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() != ".eml" and not p.name.startswith(".")
    )
    return batch


def _iter_eml_folder(path: Path, files: list[Path]) -> Iterator[_Raw]:
    for p in files:
        rel = p.relative_to(path)
        display = f"{path.name}/{rel.as_posix()}"
        group = f"{path.name}/{rel.parent.as_posix()}" if rel.parent.parts else path.name
        data = p.read_bytes()
        stripped = data.lstrip(b" \t\r\n")
        if not looks_like_headers(stripped[:65536]):
            yield _Raw(display, 1, b"", False, group)  # counted, then skipped with a warning
            continue
        line = data[: len(data) - len(stripped)].count(b"\n") + 1
        yield _Raw(display, line, stripped, is_sent_name(rel.parent.as_posix()), group)


# -- turning messages into records -------------------------------------------------


def _build(
    raws: Iterator[_Raw],
    path: str,
    me_emails: Iterable[str],
    source: str,
    kind: str,
    known_me: Iterable[str] = (),
    not_me: Iterable[str] = (),
) -> ImportBatch:
    batch = ImportBatch(source=source, kind=kind, path=path)
    reports: dict[str, FileReport] = {}
    mails: list[_Mail] = []
    invitations = []
    for raw in raws:
        report = reports.setdefault(raw.group, FileReport(file=raw.group, kind=kind))
        report.rows += 1
        if not raw.data:
            batch.warnings.append(
                f"{raw.file}: is not an e-mail message (no From:/To:/Date: headers at the "
                "top); it is skipped"
            )
            continue
        if not re.search(rb"\r?\n\r?\n", raw.data) and raw.data.strip():
            batch.warnings.append(
                f"{raw.file}, line {raw.line}: the message ends inside its "
                "headers (a truncated file?); it is skipped"
            )
            continue
        try:
            headers = header_map(_HEADERS.parsebytes(raw.data))
            if is_invitation(
                headers.get("x-linkedin-class", [""])[0],
                [a for a, _ in addresses(headers, "from")],
                decode_words(headers.get("subject", [""])[0]),
            ):
                req = parse_invitation(_FULL.parsebytes(raw.data), raw.file, raw.line, source)
                if req is not None:
                    invitations.append((raw.group, req))
                    continue
            mails.append(_read_mail(headers, raw))
        except _MESSAGE_ERRORS as e:
            batch.warnings.append(
                f"{raw.file}, line {raw.line}: a message could not be read ({e}); it is skipped"
            )
    seen = {m.delivered_to for m in mails if m.delivered_to}
    for m in mails:
        if not m.bulk:
            seen.update(a for a, _name in ([m.sender] if m.sender else []) + m.recipients)
    me = who_is_me(
        batch,
        path,
        given=me_emails,
        known=known_me,
        refused=not_me,
        seen=seen,
        guess=lambda: _guess_me(mails),
        none_fix=", so every message is counted as written to you; import again with "
        "--me YOUR@ADDRESS",
    )
    _aggregate(batch, mails, me, reports)
    batch.requests = merge_requests([req for _group, req in invitations])
    groups = {req.file: group for group, req in invitations}
    for req in batch.requests:
        reports[groups[req.file]].requests += 1
    batch.files = list(reports.values())
    return batch
