"""Address books exported as CSV: Google Contacts, Outlook (and Windows), Thunderbird.

Each row becomes one identity and one ``contact`` interaction (``out``: the user
saved them; no date, since none of these exports carries one). The layout is
told from the header row:

* Google Contacts, old layout: ``Name,Given Name,Additional Name,Family Name,...,
  Group Membership,E-mail 1 - Type,E-mail 1 - Value,...``;
* Google Contacts, 2023+ layout: ``First Name,Middle Name,Last Name,...,Labels,
  E-mail 1 - Label,E-mail 1 - Value,...,Organization Name,Organization Title,...``.
  Several values in one cell are joined by `` ::: ``, and a ``*`` marks the
  primary one (``* Work``);
* Outlook: ``First Name,Middle Name,Last Name,Title,Suffix,...,E-mail Address,
  E-mail 2 Address,...,Company,Job Title,Business Phone,Mobile Phone,...``
  (``Title`` is the honorific), often in Windows-1252; Windows Address Book
  files share these column names;
* Thunderbird: ``First Name,Last Name,Display Name,Nickname,Primary Email,
  Secondary Email,...,Organization,Web Page 1,...``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import check_last_row, decode_text
from havewemet.importers.people_list import Table, read_table
from havewemet.models import FileReport, Identity, ImportBatch, Interaction, stable_id
from havewemet.normalize import (
    normalize_birthday,
    normalize_email,
    normalize_phone,
    social_handle,
)

MULTI = " ::: "
_NUMBERED = re.compile(r"^(email|phone|website|relation|im|address)(\d+)(value|type|label)$")


def _norm_col(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _header(head: bytes) -> set[str]:
    """The normalised columns of the first line of a CSV file's first bytes."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return {_norm_col(c) for c in first.split(",")}


def layout(columns: set[str]) -> str:
    """``google``, ``outlook``, ``thunderbird`` or ``""`` from a header's columns."""
    if "primaryemail" in columns and ("displayname" in columns or "secondaryemail" in columns):
        return "thunderbird"
    google = {
        "email1value",
        "phone1value",
        "groupmembership",
        "organizationname",
        "organization1name",
        "email1type",
        "email1label",
    }
    if google & columns:
        return "google"
    if "emailaddress" in columns and (
        {"firstname", "lastname", "company", "jobtitle", "email2address"} & columns
    ):
        return "outlook"
    return ""


def _sniffer(kind: str, score: int) -> Callable[[Path, bytes], int]:
    def sniff(path: Path, head: bytes) -> int:
        if path.is_dir() or path.suffix.lower() not in (".csv", ".txt", ""):
            return 0
        return score if layout(_header(head)) == kind else 0

    return sniff


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(MULTI) if v.strip()] if cell else []


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _numbered(row: dict[str, str], what: str) -> list[tuple[str, str]]:
    """``(value, label)`` pairs of Google's ``<What> N - Value`` / ``- Type|Label`` columns."""
    out: list[tuple[str, str]] = []
    nums = sorted(
        int(m.group(2))
        for c in row
        if (m := _NUMBERED.match(c)) and m.group(1) == what and m.group(3) == "value"
    )
    for n in nums:
        label = row.get(f"{what}{n}label") or row.get(f"{what}{n}type") or ""
        values, labels = _split(row.get(f"{what}{n}value", "")), label.split(MULTI)
        if len(labels) != len(values):
            labels = [label] * len(values)
        out += zip(values, labels, strict=True)
    return out


def _finish(
    ident: Identity, emails: list[tuple[str, str]], phones: list[str], urls: list[str]
) -> None:
    types: dict[str, list[str]] = {}
    for value, label in emails:
        email = normalize_email(value)
        if email:
            _add(ident.emails, email)
            kinds = [t.strip(" *").lower() for t in label.split(MULTI) if t.strip(" *")]
            if kinds:
                types.setdefault(email, kinds)
    if types:
        ident.extra["email_types"] = types
    for p in phones:
        _add(ident.phones, normalize_phone(p, keep_raw=True))
    for u in urls:
        _add(ident.urls, u.strip())
        _add(ident.handles, social_handle(u))
    if ident.emails:
        ident.key = f"email:{ident.emails[0]}"
    else:
        extra = "" if ident.name or ident.company else ",".join(ident.phones)
        ident.key = "name:" + stable_id(ident.name.lower(), ident.company.lower(), extra)


def _birthday(ident: Identity, raw: str) -> None:
    """Keep a birthday the matcher can compare (issue 12), as ``YYYY-MM-DD`` or
    ``--MM-DD``; one it cannot read stays out (an ambiguous ``6/7/1985``)."""
    birthday = normalize_birthday(raw)
    if birthday:
        ident.extra["birthday"] = birthday


def _google(row: dict[str, str], ident: Identity) -> None:
    ident.first_name = row.get("firstname") or row.get("givenname", "")
    ident.last_name = row.get("lastname") or row.get("familyname", "")
    middle = row.get("middlename") or row.get("additionalname", "")
    ident.name = row.get("name") or _join(ident.first_name, middle, ident.last_name)
    if not ident.name:
        ident.name = row.get("fileas", "")
    ident.nicknames = _split(row.get("nickname", ""))
    ident.company = (row.get("organizationname") or row.get("organization1name", "")).split(MULTI)[
        0
    ]
    ident.title = (row.get("organizationtitle") or row.get("organization1title", "")).split(MULTI)[
        0
    ]
    labels = _split(row.get("labels") or row.get("groupmembership", ""))
    if labels:
        ident.extra["labels"] = labels
    _birthday(ident, row.get("birthday", ""))
    urls = [v for v, _label in _numbered(row, "website")]
    _finish(ident, _numbered(row, "email"), [v for v, _ in _numbered(row, "phone")], urls)


_OUTLOOK_PHONES = (
    "mobilephone",
    "businessphone",
    "businessphone2",
    "homephone",
    "homephone2",
    "primaryphone",
    "otherphone",
    "carphone",
    "companymainphone",
    "assistantsphone",
)


def _outlook(row: dict[str, str], ident: Identity) -> None:
    ident.first_name, ident.last_name = row.get("firstname", ""), row.get("lastname", "")
    ident.name = row.get("name") or _join(
        ident.first_name, row.get("middlename", ""), ident.last_name, row.get("suffix", "")
    )
    ident.nicknames = [row["nickname"]] if row.get("nickname") else []
    ident.company, ident.title = row.get("company", ""), row.get("jobtitle", "")
    if row.get("department"):
        ident.extra["department"] = row["department"]
    cats = [c.strip() for c in re.split(r"[;,]", row.get("categories", "")) if c.strip()]
    if cats:
        ident.extra["categories"] = cats
    _birthday(ident, row.get("birthday", ""))
    emails = [(row.get(c, ""), "") for c in ("emailaddress", "email2address", "email3address")]
    urls = [row.get(c, "") for c in ("webpage", "personalwebpage", "businesswebpage")]
    _finish(ident, emails, [row.get(c, "") for c in _OUTLOOK_PHONES], [u for u in urls if u])


def _thunderbird(row: dict[str, str], ident: Identity) -> None:
    ident.first_name, ident.last_name = row.get("firstname", ""), row.get("lastname", "")
    ident.name = row.get("displayname") or _join(ident.first_name, ident.last_name)
    ident.nicknames = [row["nickname"]] if row.get("nickname") else []
    ident.company, ident.title = row.get("organization", ""), row.get("jobtitle", "")
    if row.get("department"):
        ident.extra["department"] = row["department"]
    # Thunderbird writes the birthday in three columns ("Birth Day" is the day alone).
    year, month, day = (row.get(c, "").strip() for c in ("birthyear", "birthmonth", "birthday"))
    if month.isdigit() and day.isdigit():
        _birthday(ident, f"{year if year.isdigit() else '-'}-{month:0>2}-{day:0>2}")
    emails = [(row.get("primaryemail", ""), ""), (row.get("secondaryemail", ""), "")]
    phones = [row.get(c, "") for c in ("mobilenumber", "workphone", "homephone", "pagernumber")]
    urls = [row.get(c, "") for c in ("webpage1", "webpage2") if row.get(c)]
    _finish(ident, emails, phones, urls)


_LAYOUTS = {"google": _google, "outlook": _outlook, "thunderbird": _thunderbird}
_HEADERS = {
    "google": "First Name,Middle Name,Last Name,...,E-mail 1 - Value (Google Contacts)",
    "outlook": "First Name,Middle Name,Last Name,...,E-mail Address (Outlook)",
    "thunderbird": "First Name,Last Name,Display Name,...,Primary Email (Thunderbird)",
}


def parse_table(table: Table, kind: str, source: str) -> tuple[list[Identity], list[Interaction]]:
    """Identities and ``contact`` interactions of a parsed contacts CSV of layout ``kind``.

    Raises:
        InputError: the header is not that of a ``kind`` export (quotes its start).
    """
    header = [_norm_col(c) for c in table.header]
    if layout(set(header)) != kind:
        raise InputError(
            table.file,
            f"does not start with the header of a {kind.title()} contacts CSV (its first row "
            f"is: {', '.join(table.header[:6])})",
            line=table.header_line,
            fix=f"The first line must be the header the export writes ({_HEADERS[kind]}); "
            "export the contacts again, or import it with --format people-list",
        )
    identities, interactions = [], []
    for line, raw in table.rows:
        row = dict(zip(header, raw, strict=False))
        ident = Identity(source=source, key="", file=table.file, line=line)
        _LAYOUTS[kind](row, ident)
        if not (ident.name or ident.emails or ident.phones or ident.company):
            continue
        identities.append(ident)
        interactions.append(
            Interaction(source, ident.key, "contact", None, "out", "", table.file, line)
        )
    return identities, interactions


def _load(path: Path, options: ImportOptions, kind: str, prefix: str) -> ImportBatch:
    if path.is_dir():
        raise InputError(str(path), "is a folder", fix="Give the exported .csv file itself")
    source = options.source or f"{prefix}:{path.stem}"
    fallback = None if kind == "google" else "cp1252"  # Outlook/Thunderbird: Windows ANSI
    text = decode_text(path.read_bytes(), str(path), fallback=fallback)
    table = read_table(text, str(path))
    identities, interactions = parse_table(table, kind, source)
    batch = ImportBatch(source=source, kind=f"{kind}-csv", path=str(path))
    batch.identities, batch.interactions = identities, interactions
    skipped = len(table.rows) - len(identities)
    batch.files.append(
        FileReport(
            file=path.name,
            kind=f"{kind}-csv",
            rows=len(table.rows),
            identities=len(identities),
            interactions=len(interactions),
            note=f"{skipped} empty rows skipped" if skipped else "",
        )
    )
    return batch


@register(
    "google-csv", description="Google Contacts CSV (both layouts)", sniff=_sniffer("google", 90)
)
def load_google(path: Path, options: ImportOptions) -> ImportBatch:
    """Read a Google Contacts CSV export (source ``google:<file stem>``)."""
    return _load(path, options, "google", "google")


@register(
    "outlook-csv", description="Outlook / Windows contacts CSV", sniff=_sniffer("outlook", 85)
)
def load_outlook(path: Path, options: ImportOptions) -> ImportBatch:
    """Read an Outlook contacts CSV export (source ``outlook:<file stem>``)."""
    return _load(path, options, "outlook", "outlook")


@register(
    "thunderbird-csv", description="Thunderbird address book CSV", sniff=_sniffer("thunderbird", 85)
)
def load_thunderbird(path: Path, options: ImportOptions) -> ImportBatch:
    """Read a Thunderbird address book CSV export (source ``thunderbird:<file stem>``)."""
    return _load(path, options, "thunderbird", "thunderbird")


# -- address books exported without a header row (issue 13) ---------------------------------

#: Thunderbird's columns, in the order its exports before 3.x wrote them with no header.
THUNDERBIRD_COLUMNS = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Work Phone,"
    "Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,Home City,"
    "Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,Work State,"
    "Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,Web Page 2,"
    "Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes,Screen Name"
).split(",")
#: Palm Desktop's CSV export (no header): the name last name first, e-mail ninth.
PALM_COLUMNS = (
    "Last Name,First Name,Title,Company,Work,Home,Fax,Other,E-mail,Address,City,State,Zip,"
    "Country,Custom 1,Custom 2,Custom 3,Custom 4,Note,Private,Category"
).split(",")
_EMAILISH = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_PHONEISH = re.compile(r"^\+?[\d\s().\-/]{7,}$")
_WORDS = re.compile(r"^[^\d@:/]{1,60}$")


def _rows(text: str, file: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for raw in reader:
            line, end = end + 1, reader.line_num
            if any(c.strip() for c in raw):
                rows.append((line, [c.strip() for c in raw]))
    except csv.Error as e:
        raise InputError(
            file, f"is not valid CSV ({e})", line=reader.line_num, fix="Export it again"
        ) from e
    return rows


def _column_kinds(rows: list[list[str]]) -> list[str]:
    """What each column holds, by its content: ``email``, ``phone``, ``words`` or ``""``."""
    width = max((len(r) for r in rows), default=0)
    kinds = []
    for i in range(width):
        cells = [r[i] for r in rows if i < len(r) and r[i]]
        kind = ""
        for name, pattern in (("email", _EMAILISH), ("phone", _PHONEISH), ("words", _WORDS)):
            if cells and sum(bool(pattern.match(c)) for c in cells) * 2 > len(cells):
                kind = name
                break
        kinds.append(kind)
    return kinds


def headerless_layout(rows: list[list[str]]) -> tuple[str, list[str]]:
    """``(layout, column names)`` of rows with no header, told by their content:
    Thunderbird (the e-mail fifth, 36 or more columns), Palm (the e-mail ninth,
    about 21 columns), else a plain list whose columns are named by what they hold.
    ``("", [])`` when the first row is a header or nothing looks like contacts."""
    if not rows or any(norm in _KNOWN_HEADER_CELLS for norm in map(_norm_col, rows[0])):
        return "", []
    kinds = _column_kinds(rows)
    if "email" not in kinds and "phone" not in kinds:
        return "", []
    if len(kinds) >= 36 and kinds[4] == "email":
        return "thunderbird", [_norm_col(c) for c in THUNDERBIRD_COLUMNS]
    if 19 <= len(kinds) <= 23 and kinds[8] == "email":
        return "palm", [_norm_col(c) for c in PALM_COLUMNS]
    names: list[str] = []
    n_words = 0
    for kind in kinds:
        if kind == "words" and n_words < 2 and not any(n.startswith("email") for n in names):
            names.append(("firstname", "lastname")[n_words])
            n_words += 1
        else:
            names.append(f"{kind or 'other'}{len(names)}")
    if n_words == 1:
        names[names.index("firstname")] = "name"
    return "contacts", names


_KNOWN_HEADER_CELLS = {
    "firstname",
    "lastname",
    "name",
    "email",
    "emailaddress",
    "primaryemail",
    "displayname",
    "company",
}


def _palm(row: dict[str, str], ident: Identity) -> None:
    ident.first_name, ident.last_name = row.get("firstname", ""), row.get("lastname", "")
    ident.name = _join(ident.first_name, ident.last_name)
    ident.company, ident.title = row.get("company", ""), row.get("title", "")
    phones = [row.get(c, "") for c in ("work", "home", "other")]
    _finish(ident, [(row.get("email", ""), "")], phones, [])


def _plain(row: dict[str, str], ident: Identity) -> None:
    ident.first_name, ident.last_name = row.get("firstname", ""), row.get("lastname", "")
    ident.name = row.get("name") or _join(ident.first_name, ident.last_name)
    emails = [(v, "") for k, v in row.items() if k.startswith("email")]
    _finish(ident, emails, [v for k, v in row.items() if k.startswith("phone")], [])


def _sniff_headerless(path: Path, head: bytes) -> int:
    if path.is_dir() or path.suffix.lower() not in (".csv", ".txt"):
        return 0
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    try:
        rows = [r for r in csv.reader(io.StringIO(text[: text.rfind("\n") + 1] or text)) if any(r)]
    except csv.Error:
        return 0
    return 50 if len(rows[0] if rows else []) >= 2 and headerless_layout(rows[:20])[0] else 0


@register(
    "contacts-csv",
    description="address book CSV with no header row (older Thunderbird, Palm, a plain list)",
    sniff=_sniff_headerless,
)
def load_headerless(path: Path, options: ImportOptions) -> ImportBatch:
    """Read an address book exported without a header row; its columns are told by
    their content (source ``<layout>:<file stem>``)."""
    if path.is_dir():
        raise InputError(str(path), "is a folder", fix="Give the exported .csv file itself")
    text = decode_text(path.read_bytes(), str(path), fallback="cp1252")
    rows = _rows(text, str(path))
    layout_name, names = headerless_layout([r for _line, r in rows[:50]])
    if not layout_name:
        raise InputError(
            str(path),
            "is not an address book without a header (no column of e-mail addresses or "
            "phone numbers, or its first row is a header)",
            line=1,
            fix="Import it without --format (a file with a header is recognised by it), or "
            "with --format people-list",
        )
    if rows:
        check_last_row(text, str(path), rows[-1][0], [len(r) for _l, r in rows[-2:]], len(names))
    source = options.source or f"{layout_name}:{path.stem}"
    fill = {"thunderbird": _thunderbird, "palm": _palm, "contacts": _plain}[layout_name]
    batch = ImportBatch(source=source, kind=f"{layout_name}-csv", path=str(path))
    for line, cells in rows:
        ident = Identity(source=source, key="", file=str(path), line=line)
        fill(dict(zip(names, cells, strict=False)), ident)
        if ident.name or ident.emails or ident.phones:
            batch.identities.append(ident)
            batch.interactions.append(
                Interaction(source, ident.key, "contact", None, "out", "", str(path), line)
            )
    batch.files.append(
        FileReport(
            file=path.name,
            kind=f"{layout_name}-csv",
            rows=len(rows),
            identities=len(batch.identities),
            interactions=len(batch.interactions),
            note="no header row: columns told by their content",
        )
    )
    return batch
