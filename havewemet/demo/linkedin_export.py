"""Writing a LinkedIn data export in its real shape (used by the demo, tests and benches).

The writer reproduces what LinkedIn ships: a ``Basic_LinkedInDataExport_MM-DD-YYYY.zip``
with a BOM in every CSV, the ``Notes:`` preamble before the Connections header,
both header generations, ``09 Sep 2022`` and ``3/1/23, 9:15 AM`` dates, CRLF line
endings and quoted commas.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

CONNECTIONS_NOTE = (
    '"When exporting your connection data, you may notice that some of your connections '
    "don't have an email address. This is expected behavior.\""
)
CONNECTIONS_HEADER_2023 = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
CONNECTIONS_HEADER_OLD = [
    "First Name",
    "Last Name",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
INVITATIONS_HEADER_2023 = [
    "From",
    "To",
    "Sent At",
    "Message",
    "Direction",
    "inviterProfileUrl",
    "inviteeProfileUrl",
]
INVITATIONS_HEADER_OLD = ["From", "To", "Sent At", "Message", "Direction"]
PROFILE_HEADER = [
    "First Name",
    "Last Name",
    "Maiden Name",
    "Address",
    "Birth Date",
    "Headline",
    "Summary",
    "Industry",
    "Zip Code",
    "Geo Location",
    "Twitter Handles",
    "Websites",
    "Instant Messengers",
]
MESSAGES_HEADER = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "IS MESSAGE DRAFT",
]


def connected_on(d: datetime) -> str:
    """``09 Sep 2022``."""
    return d.strftime("%d %b %Y")


def sent_at(d: datetime) -> str:
    """``3/1/23, 9:15 AM`` (no leading zeros, as LinkedIn writes it)."""
    return f"{d.month}/{d.day}/{d:%y}, {int(d.strftime('%I'))}:{d:%M} {d:%p}"


def message_date(d: datetime) -> str:
    """``2023-04-01 10:00:00 UTC``."""
    return d.strftime("%Y-%m-%d %H:%M:%S UTC")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, preamble: str = "") -> str:
    buf = io.StringIO()
    if preamble:
        buf.write(preamble)
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def connections_csv(rows: Iterable[Sequence[object]], *, old: bool = False) -> str:
    """Connections.csv with its ``Notes:`` preamble (2023+ layout unless ``old``)."""
    pre = f"Notes:\r\n{CONNECTIONS_NOTE}\r\n\r\n"
    return csv_text(CONNECTIONS_HEADER_OLD if old else CONNECTIONS_HEADER_2023, rows, preamble=pre)


def write_export(
    folder: Path, files: dict[str, str], *, exported: datetime, as_zip: bool = True
) -> Path:
    """Write the export's CSV texts (UTF-8 with BOM) as a zip or a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"Basic_LinkedInDataExport_{exported:%m-%d-%Y}"
    if as_zip:
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for fname, text in files.items():
                zf.writestr(fname, "\ufeff" + text)
        return path
    path = folder / name
    for fname, text in files.items():
        target = path / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path
