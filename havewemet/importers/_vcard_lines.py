"""vCard text before ``vobject`` sees it: decoding, unfolding, cleaning (issue 4).

A ``.vcf`` file is split into cards here, line by line, so that every card keeps
the line it begins on and a broken card is reported there. The dialects' quirks
that ``vobject`` does not take are smoothed over on the way:

* Apple (iOS) writes ``\\r\\r\\n`` line ends; macOS/Apple and Outlook write
  base64 ``PHOTO`` blocks, which are dropped unparsed (a photo is never stored);
* Android and Outlook (vCard 2.1) write ``ENCODING=QUOTED-PRINTABLE`` values with
  ``=`` soft line breaks, and unescaped commas (``FN:Doe, John``), which
  ``vobject`` would cut at the first comma;
* Outlook may write a 2.1 file in Windows-1252, and some tools write UTF-16
  without a byte-order mark.
"""

from __future__ import annotations

import logging
import quopri
import re
from collections.abc import Iterator

from havewemet.errors import InputError
from havewemet.importers._io import decode_text

__all__ = ["decode_vcard", "iter_cards"]

log = logging.getLogger(__name__)

#: Binary or nested properties that are dropped before parsing (never stored).
_SKIPPED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY", "AGENT"})
#: Single-valued text properties in which a bare comma is text, not a separator.
_ESCAPE_COMMAS = frozenset(
    {
        "FN",
        "TITLE",
        "ROLE",
        "NICKNAME",
        "URL",
        "EMAIL",
        "TEL",
        "UID",
        "REV",
        "IMPP",
        "X-SOCIALPROFILE",
        "X-ABUID",
        "X-TWITTER",
    }
)
_BASE64_BODY = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_LINE_BREAK = re.compile(r"\r*\n|\r")


def decode_vcard(data: bytes, file: str) -> str:
    """Text of a vCard file: UTF-8 (BOM or not), UTF-16, or a Windows-1252 vCard 2.1.

    Raises:
        InputError: the bytes are none of these, naming the file.

    Examples:
        >>> decode_vcard("FN:José".encode("utf-16-le"), "c.vcf")
        'FN:José'
    """
    if len(data) >= 2 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 without a byte-order mark: "\x00B\x00E..." or "B\x00E\x00..."
        enc = (
            "utf-16-be"
            if data[0] == 0 and data[1]
            else "utf-16-le"
            if data[1] == 0 and data[0]
            else ""
        )
        if enc:
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise InputError(
                    file,
                    f"is not valid {enc.upper()} text",
                    fix="Export the address book again as UTF-8",
                ) from e
    try:
        return decode_text(data, file)
    except InputError:
        versions = set(re.findall(rb"(?im)^VERSION:[ \t]*([0-9.]+)", data))
        if versions != {b"2.1"}:
            raise
    log.info("%s: not UTF-8; read as Windows-1252 (a vCard 2.1 file)", file)
    return decode_text(data, file, fallback="cp1252")


def _split_line(line: str) -> tuple[str, str, str]:
    """(property name without group, upper-cased; the part before the value; the value)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head = line[:i]
            name = head.split(";", 1)[0].rsplit(".", 1)[-1].strip().upper()
            return name, head, line[i + 1 :]
    return "", line, ""


def _escape_commas(value: str) -> str:
    return re.sub(r"\\.|,", lambda m: "\\," if m.group(0) == "," else m.group(0), value)


def iter_cards(text: str, file: str) -> Iterator[tuple[int, str]]:
    """Each card of a vCard file as ``(line it begins on, card text for vobject)``.

    Lines are unfolded, quoted-printable soft breaks joined, binary properties
    dropped and bare commas escaped. Text outside cards is ignored.

    Raises:
        InputError: a card without ``END:VCARD``, naming its first line.

    Examples:
        >>> list(iter_cards("BEGIN:VCARD\\nFN:Doe, J\\n ohn\\nEND:VCARD\\n", "c.vcf"))
        [(1, 'BEGIN:VCARD\\r\\nFN:Doe\\\\, John\\r\\nEND:VCARD\\r\\n')]
    """
    start = 0
    depth = 0
    skipping = False
    logical: list[str] = []
    qp_open = False
    for lineno, line in enumerate(_LINE_BREAK.split(text), 1):
        if not start:
            if line.strip().upper() == "BEGIN:VCARD":
                start, logical, skipping, qp_open, depth = lineno, [], False, False, 0
            continue
        if qp_open:
            if not skipping:
                logical[-1] = logical[-1][:-1] + line
            qp_open = line.endswith("=")
            continue
        if line[:1] in (" ", "\t"):
            if not skipping and logical:
                logical[-1] += line[1:]
            continue
        stripped = line.strip().upper()
        if depth:  # inside a card nested in AGENT (vCard 2.1)
            depth += (stripped == "BEGIN:VCARD") - (stripped == "END:VCARD")
            continue
        if skipping and ":" not in line and _BASE64_BODY.match(line):
            continue  # the body of a vCard 2.1 base64 PHOTO, or its closing blank line
        skipping = False
        if not stripped:
            continue
        if stripped == "END:VCARD":
            yield start, _card_text(logical)
            start = 0
            continue
        if stripped == "BEGIN:VCARD":
            depth, skipping = 1, True
            continue
        name, head, value = _split_line(line)
        if name in _SKIPPED:
            skipping = True
        else:
            logical.append(line)  # a line without a colon too: vobject judges it
        qp_open = "QUOTED-PRINTABLE" in head.upper() and line.endswith("=")
    if start:
        raise InputError(
            file,
            "has a vCard that begins here but never ends (no END:VCARD)",
            line=start,
            fix="The file is cut short: export the address book again",
        )


def _card_text(lines: list[str]) -> str:
    out = ["BEGIN:VCARD"]
    for line in lines:
        name, head, value = _split_line(line)
        if "QUOTED-PRINTABLE" in head.upper():
            head, value = _decode_qp(head, value)
            line = f"{head}:{value}"
        if name in _ESCAPE_COMMAS:
            line = f"{head}:{_escape_commas(value)}"
        out.append(line)
    out.append("END:VCARD")
    return "\r\n".join(out) + "\r\n"


def _decode_qp(head: str, value: str) -> tuple[str, str]:
    """Decode a vCard 2.1 quoted-printable value here, tolerating bad bytes.

    Android cuts multi-byte characters in two (``=C3=91=\\n=80``), which vobject's
    own decoding rejects; a replacement character is kinder than a failed import.
    """
    params = head.split(";")
    charset = "utf-8"
    kept = [params[0]]
    for p in params[1:]:
        key, _, val = p.partition("=")
        if key.strip().upper() == "CHARSET":
            charset = val.strip().strip('"') or charset
        elif p.strip().upper() not in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE"):
            kept.append(p)
    raw = quopri.decodestring(value.encode("utf-8", "replace"))
    try:
        text = raw.decode(charset, "replace")
    except (LookupError, ValueError):  # unknown charset, or one holding a NUL (fuzz, issue 6)
        text = raw.decode("utf-8", "replace")
    return ";".join(kept), _LINE_BREAK.sub("\\\\n", text)
