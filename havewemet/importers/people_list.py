"""Any CSV list of people: conference attendees, a professional society's directory.

Which column holds what is inferred from the header (``Name`` or ``First Name`` +
``Last Name``, ``Email``, ``Company``/``Organisation``, ``Job Title``, a LinkedIn
or profile URL, a Twitter or Mastodon handle) and can be set with
``ImportOptions.mapping`` (``--map name="Full Name"``). Each row becomes an
identity and one interaction: ``event`` (``list_kind="event"``: the user was at
that event; ``detail`` is the event's name, ``at`` its date) or ``member``
(``list_kind="member"``: on the same list; ``detail`` is the list's name).

This reader sniffs low (10) so that every more specific CSV format wins, and it
is the fallback for CSV files that none recognises.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import check_last_row, decode_text, parse_date
from havewemet.models import Direction, FileReport, Identity, ImportBatch, Interaction, stable_id
from havewemet.normalize import normalize_email, profile_slug, social_handle

log = logging.getLogger(__name__)

#: Fields a column can be mapped to, with the normalised header names that mean them.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "fullname",
        "attendeename",
        "attendee",
        "displayname",
        "participant",
        "participantname",
        "member",
        "membername",
        "contactname",
        "formattedname",
        "speaker",
        "registrant",
        "registrantname",
        "delegate",
        "guest",
        "person",
        "teilnehmer",
        "teilnehmerin",
        "teilnehmername",
        "vollstandigername",
        "nomcomplet",
        "participant",
        "nombre",
        "nombrecompleto",
        "nombreyapellidos",
        "asistente",
        "participante",
        "nominativo",
        "nome",
        "nomeecognome",
    ),
    "first_name": (
        "firstname",
        "givenname",
        "given",
        "first",
        "forename",
        "attendeefirstname",
        "vorname",
        "prenom",
        "nombrepila",
        "nomedibattesimo",
    ),
    "last_name": (
        "lastname",
        "surname",
        "familyname",
        "family",
        "last",
        "attendeelastname",
        "nachname",
        "familienname",
        "nom",
        "nomdefamille",
        "apellido",
        "apellidos",
        "cognome",
    ),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "workemail",
        "primaryemail",
        "attendeeemail",
        "emailaddress1",
        "email1",
        "courriel",
        "adressecourriel",
        "mel",
        "correo",
        "correoelectronico",
        "emailadresse",
    ),
    "company": (
        "company",
        "organisation",
        "organization",
        "employer",
        "affiliation",
        "institution",
        "companyname",
        "organizationname",
        "organisationname",
        "org",
        "firma",
        "unternehmen",
        "organisation",
        "entreprise",
        "societe",
        "organisme",
        "etablissement",
        "empresa",
        "organizacion",
        "institucion",
        "azienda",
    ),
    "title": ("title", "jobtitle", "position", "role", "headline", "jobrole"),
    "url": (
        "linkedin",
        "linkedinurl",
        "linkedinprofile",
        "linkedinprofileurl",
        "profileurl",
        "profile",
        "website",
        "url",
        "homepage",
    ),
    "handle": (
        "twitter",
        "twitterhandle",
        "x",
        "xhandle",
        "mastodon",
        "mastodonhandle",
        "fediverse",
        "handle",
        "bluesky",
        "socialhandle",
    ),
}
#: Substrings that mean a field when no header name matches exactly (first wins).
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("email", "email"),
    ("linkedin", "url"),
    ("twitter", "handle"),
    ("mastodon", "handle"),
    ("company", "company"),
    ("organi", "company"),
    ("jobtitle", "title"),
    ("firstname", "first_name"),
    ("lastname", "last_name"),
    ("fullname", "name"),
    ("title", "title"),
)
_NAME_FIELDS = ("name", "first_name", "last_name", "email")


def _norm(col: str) -> str:
    """A header name folded: lower-case ASCII letters and digits (``Prénom`` -> ``prenom``)."""
    plain = unicodedata.normalize("NFKD", col).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


_NAME_VALUE = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[\s\-'’][^\W\d_][^\W\d_'’.\-]*){1,3}$")


def _email_column(rows: list[list[str]], taken: set[int]) -> int | None:
    """The column most of whose non-empty cells are e-mail addresses."""
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
        if (
            i not in taken
            and cells
            and sum(bool(normalize_email(c)) for c in cells) > 0.6 * len(cells)
        ):
            return i
    return None


def name_column(rows: list[list[str]], taken: set[int]) -> int | None:
    """The column whose values read as people's names, when no header says so: two to
    four words of letters, each capitalised, no digits or ``@``, in at least 60% of
    its non-empty cells (and in more than one row), the best such column first.

    Examples:
        >>> name_column([["Ana Ruiz", "x@y.es", "Acme"], ["Li Wei", "l@w.cn", "Initech"]], set())
        0
    """
    best, best_share = None, 0.6
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        if i in taken:
            continue
        cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
        if len(cells) < 2:
            continue
        fits = sum(
            1
            for c in cells
            if _NAME_VALUE.match(c.strip())
            and all(w[:1].isupper() for w in c.split() if w[:1].isalpha())
        )
        share = fits / len(cells)
        if share > best_share:
            best, best_share = i, share
    return best


@dataclass(slots=True)
class Table:
    """A CSV file's original header and its rows, each with the line it starts on."""

    file: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_table(text: str, file: str) -> Table:
    """Parse CSV text (comma, semicolon or tab separated; the first non-empty row is the header)."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    fields: list[int] = []
    try:
        for raw in reader:
            if not any(c.strip() for c in raw):
                continue
            if header is None:
                header, header_line = [c.strip() for c in raw], reader.line_num
                continue
            start = reader.line_num - sum(c.count("\n") for c in raw)
            rows.append((start, [c.strip() for c in raw]))
            fields.append(len(raw))
    except csv.Error as e:
        raise InputError(
            file,
            f"is not valid CSV ({e})",
            line=reader.line_num,
            fix="Save it again as CSV from the spreadsheet",
        ) from e
    if header is None:
        raise InputError(file, "is empty", fix="Check that it is the right file")
    if rows:
        check_last_row(text, file, rows[-1][0], fields[-2:], len(header))
    return Table(file, header, header_line, rows)


def infer_mapping(header: list[str]) -> dict[str, int]:
    """Field -> column index, guessed from the header's names."""
    norms = [_norm(c) for c in header]
    found: dict[str, int] = {}
    for field, names in FIELDS.items():
        for i, n in enumerate(norms):
            if n in names and i not in found.values():
                found[field] = i
                break
    for sub, field in _CONTAINS:
        if field in found:
            continue
        for i, n in enumerate(norms):
            if sub in n and i not in found.values():
                found[field] = i
                break
    if "name" in found and "last_name" in found and "first_name" not in found:
        found["first_name"] = found.pop("name")  # Nombre + Apellidos, Name + Surname
    elif "last_name" in found and not ("name" in found or "first_name" in found):
        found["name"] = found.pop("last_name")  # "Nom" alone holds the whole name
    return found


def resolve_mapping(table: Table, overrides: dict[str, str]) -> dict[str, int]:
    """The inferred mapping with the user's ``field -> column`` overrides applied.

    Raises:
        InputError: an unknown field, a column not in the header, or no column
            that names a person; the message lists the header.
    """
    mapping = infer_mapping(table.header)
    cols = ", ".join(repr(c) for c in table.header)
    norms = [_norm(c) for c in table.header]
    for field, column in overrides.items():
        if field not in FIELDS:
            raise InputError(
                table.file,
                f"--map {field}=... names no field (the fields are {', '.join(FIELDS)})",
                fix=f"The columns are: {cols}",
            )
        if column in table.header:
            idx = table.header.index(column)
        elif _norm(column) in norms:
            idx = norms.index(_norm(column))
        else:
            raise InputError(
                table.file,
                f"has no column {column!r} for --map {field}",
                line=table.header_line,
                fix=f"The columns are: {cols}",
            )
        mapping = {f: i for f, i in mapping.items() if i != idx}
        mapping[field] = idx
    if not any(f in mapping for f in ("name", "first_name", "last_name")):
        # No header names people: a column whose values read as names (issue 12).
        sample = [raw for _line, raw in table.rows[:200]]
        col = name_column(sample, set(mapping.values()))
        if col is not None:
            mapping["name"] = col
        if "email" not in mapping:
            col = _email_column(sample, set(mapping.values()))
            if col is not None:
                mapping["email"] = col
    if not any(f in mapping for f in _NAME_FIELDS):
        raise InputError(
            table.file,
            "has no column naming people (Name, First Name/Last Name or Email) in its first "
            f"row: {cols}",
            line=table.header_line,
            fix='Add a header row, or say which column holds what with --map name="Full Name"',
        )
    return mapping


def _sniff(path: Path, head: bytes) -> int:
    if path.is_dir() or path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return 0
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    header = next(csv.reader([first], delimiter=_delimiter(first)), [])
    return 10 if any(f in infer_mapping(header) for f in _NAME_FIELDS) else 0


def _identity(
    cells: dict[str, str], source: str, file: str, line: int, service: str
) -> Identity | None:
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    name = cells.get("name") or " ".join(p for p in (first, last) if p)
    email = normalize_email(cells.get("email", ""))
    url = cells.get("url", "")
    handle = cells.get("handle", "")
    handle = social_handle(handle, service) or (handle.lower() if handle.startswith("@") else "")
    if not (name or email):
        return None
    ident = Identity(
        source=source,
        key="",
        name=name,
        first_name=first,
        last_name=last,
        emails=[email] if email else [],
        company=cells.get("company", ""),
        title=cells.get("title", ""),
        file=file,
        line=line,
    )
    if url:
        ident.urls.append(url)
        if social_handle(url):
            ident.handles.append(social_handle(url))
    if handle and handle not in ident.handles:
        ident.handles.append(handle)
    slug = profile_slug(url)
    if email:
        ident.key = f"email:{email}"
    elif slug:
        ident.key = f"in/{slug}"
    elif ident.handles:
        ident.key = f"handle:{ident.handles[0]}"
    else:
        ident.key = "name:" + stable_id(name.lower(), ident.company.lower())
    return ident


@register(
    "people-list",
    description="Any CSV of people: event attendees, a member directory",
    sniff=_sniff,
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read a CSV list of people (source ``event:<event or stem>`` or ``members:<stem>``).

    Examples:
        >>> opts = ImportOptions(event="PyCon US 2024", event_date="2024-05-15")
        >>> batch = load(Path("attendees.csv"), opts)  # doctest: +SKIP
        >>> batch.interactions[0].detail  # doctest: +SKIP
        'PyCon US 2024'
    """
    file = str(path)
    if path.is_dir():
        raise InputError(file, "is a folder", fix="Give the .csv file itself")
    kind = options.list_kind
    if kind not in ("event", "member"):
        raise InputError(
            file,
            f"list kind {kind!r} is neither 'event' nor 'member'",
            fix="Use --list-kind event (attendees) or --list-kind member",
        )
    at = None
    if kind == "event" and options.event_date:
        at = parse_date(options.event_date)
        if at is None:
            raise InputError(
                file,
                f"the event date {options.event_date!r} is not a date",
                fix="Give it as YYYY-MM-DD",
            )
    detail = options.event or path.stem
    # Named after the event when given, so two conferences' "attendees.csv" stay two
    # sources (and `forget` removes only the one meant).
    label = re.sub(r"[^a-z0-9]+", "-", options.event.lower()).strip("-") if options.event else ""
    source = options.source or f"{'event' if kind == 'event' else 'members'}:{label or path.stem}"
    table = read_table(decode_text(path.read_bytes(), file, fallback="cp1252"), file)
    mapping = resolve_mapping(table, options.mapping)
    by_content = ""
    if "name" in mapping and "name" not in infer_mapping(table.header) | options.mapping:
        by_content = f"names read from column {table.header[mapping['name']]!r} by its content"
    hcol = mapping.get("handle")
    service = (
        "mastodon" if hcol is not None and "mastodon" in _norm(table.header[hcol]) else "twitter"
    )
    batch = ImportBatch(source=source, kind="people-list", path=file)
    direction: Direction = "both" if kind == "event" else "none"
    for line, raw in table.rows:
        cells = {f: raw[i] if i < len(raw) else "" for f, i in mapping.items()}
        ident = _identity(cells, source, file, line, service)
        if ident is None:
            continue
        batch.identities.append(ident)
        batch.interactions.append(
            Interaction(source, ident.key, kind, at, direction, detail, file, line)
        )
    skipped = len(table.rows) - len(batch.identities)
    notes = [f"{skipped} rows without a name or e-mail skipped" if skipped else "", by_content]
    if not any(f in mapping for f in ("name", "first_name", "last_name")):
        notes.append(
            "no column of names found: people kept by e-mail only, so they match no "
            'name; say which column holds names with --map name="COLUMN"'
        )
    batch.files.append(
        FileReport(
            file=path.name,
            kind=f"people-list ({kind})",
            rows=len(table.rows),
            identities=len(batch.identities),
            interactions=len(batch.interactions),
            note="; ".join(n for n in notes if n),
        )
    )
    return batch
