"""vCard address books (``.vcf``): vCard 2.1, 3.0 and 4.0, many cards per file.

Each card becomes one :class:`~havewemet.models.Identity` and one ``contact``
interaction (``direction="out"``: the user saved them), dated by ``REV`` where the
card has one.

The file is split into cards, and the dialects' quirks that ``vobject`` does
not take (Apple, Android, Outlook; quoted-printable, photos, UTF-16) are smoothed
over, by :mod:`havewemet.importers._vcard_lines`; each card is then parsed by
``vobject`` here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from havewemet._lazy import lazy_module
from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import iter_members, parse_date
from havewemet.importers._vcard_lines import decode_vcard, iter_cards
from havewemet.importers.social import listing
from havewemet.models import FileReport, Identity, ImportBatch, Interaction, stable_id
from havewemet.normalize import (
    normalize_birthday,
    normalize_email,
    normalize_phone,
    profile_slug,
    social_handle,
)

if TYPE_CHECKING:
    import vobject
else:  # imported when an address book is read
    vobject = lazy_module("vobject")

log = logging.getLogger(__name__)

_FIX = (
    "Export the address book again; or open the file in a text editor, correct or "
    "delete that card (from BEGIN:VCARD to END:VCARD) and re-run the import"
)


def parse_rev(value: str) -> str | None:
    """``REV`` (``20210314T092838Z``, ``2012-03-05T13:32:54Z``, ``1997-11-15``) as ISO UTC.

    Examples:
        >>> parse_rev("20210314T092838Z")
        '2021-03-14T09:28:38'
        >>> parse_rev("2012-03-05T13:32:54.120Z")
        '2012-03-05T13:32:54'
    """
    value = (value or "").strip()
    m = re.fullmatch(
        r"(\d{4})-?(\d\d)-?(\d\d)(?:T(\d\d):?(\d\d):?(\d\d)(?:[.,]\d+)?"
        r"(Z|[+-]\d\d:?\d\d)?)?",
        value,
    )
    if not m:
        return parse_date(value)
    y, mo, d, h, mi, s, tz = m.groups()
    try:
        if h is None:
            return datetime(int(y), int(mo), int(d)).date().isoformat()
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
    except ValueError:
        return None
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        off = int(tz[1:3]) * 60 + int(tz[-2:])
        dt -= sign * timedelta(minutes=off)
    return dt.isoformat(timespec="seconds")


_IM_PROPS = {
    "x-aim": "aim",
    "x-jabber": "xmpp",
    "x-gtalk": "xmpp",
    "x-skype": "skype",
    "x-icq": "icq",
    "x-msn": "msnim",
    "x-yahoo": "ymsgr",
}


def _text(value: object) -> str:
    """A vobject value (a string, a list of strings, bytes) as one line of text."""
    if isinstance(value, list | tuple):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if value is None or isinstance(value, bytes):
        return ""
    return " ".join(str(value).split())


def _params(line: vobject.base.ContentLine, name: str = "TYPE") -> list[str]:
    values = list(line.params.get(name, []))
    if name == "TYPE":
        values += line.singletonparams  # vCard 2.1: EMAIL;WORK;PREF:...
    out: list[str] = []
    for v in values:
        out += [t.strip().lower() for t in str(v).split(",") if t.strip()]
    return out


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def card_identity(card: vobject.base.Component, source: str, file: str, line: int) -> Identity:
    """The identity one parsed vCard describes (its ``key`` chosen by :func:`card_key`)."""
    c = card.contents
    ident = Identity(source=source, key="", file=file, line=line)
    fn = _text(c["fn"][0].value) if c.get("fn") else ""
    built = ""
    if c.get("n") and isinstance(c["n"][0].value, vobject.vcard.Name):
        n = c["n"][0].value
        ident.first_name, ident.last_name = _text(n.given), _text(n.family)
        built = " ".join(p for p in (_text(n.given), _text(n.additional), _text(n.family)) if p)
    ident.name = fn or built
    email_types: dict[str, list[str]] = {}
    for prop in c.get("email", []):
        email = normalize_email(_text(prop.value))
        if email:
            _add(ident.emails, email)
            types = [t for t in _params(prop) if t not in ("internet", "pref", "x400")]
            if types:
                email_types.setdefault(email, types)
    for prop in c.get("tel", []):
        _add(ident.phones, normalize_phone(_text(prop.value), keep_raw=True))
    if c.get("org"):
        org = c["org"][0].value
        parts = [_text(p) for p in (org if isinstance(org, list) else [org])]
        ident.company = parts[0] if parts else ""
        if any(parts[1:]):
            ident.extra["department"] = ", ".join(p for p in parts[1:] if p)
    if c.get("title"):
        ident.title = _text(c["title"][0].value)
    for prop in c.get("nickname", []):
        for nick in _text(prop.value).split(","):
            _add(ident.nicknames, nick.strip())
    if c.get("bday"):
        birthday = normalize_birthday(_text(c["bday"][0].value))
        if birthday:
            ident.extra["birthday"] = birthday  # the matcher compares it (issue 12)
    _links(c, ident)
    if email_types:
        ident.extra["email_types"] = email_types
    cats = [t for prop in c.get("categories", []) for t in _text(prop.value).split(", ") if t]
    if cats:
        ident.extra["categories"] = cats
    if any(_text(p.value).upper() == "COMPANY" for p in c.get("x-abshowas", [])):
        ident.extra["organisation"] = True
    ident.key = card_key(card, ident)
    return ident


def _links(c: dict, ident: Identity) -> None:
    for prop in c.get("url", []):
        url = _text(prop.value).replace("\\:", ":")
        _add(ident.urls, url)
        _add(ident.handles, social_handle(url))
    for prop in c.get("x-socialprofile", []):
        url = _text(prop.value).replace("\\:", ":")
        service = (_params(prop) or [""])[0]
        user = _text(prop.params.get("X-USER", [""])[0])
        if "://" in url:
            _add(ident.urls, url)
        _add(ident.handles, social_handle(url) or social_handle(user, service or "twitter"))
    for prop in c.get("x-twitter", []):
        _add(ident.handles, social_handle(_text(prop.value), "twitter"))
    for prop in c.get("impp", []):
        _add(ident.handles, _text(prop.value).lower())
    for name, scheme in _IM_PROPS.items():
        for prop in c.get(name, []):
            value = _text(prop.value).lower()
            _add(ident.handles, f"{scheme}:{value}" if value else "")
    # LinkedIn profiles first: they are what the triage matches on.
    ident.urls.sort(key=lambda u: not profile_slug(u))


def card_key(card: vobject.base.Component, ident: Identity) -> str:
    """UID (or Apple's X-ABUID), else the first e-mail, else a hash of name and company."""
    for prop in ("uid", "x-abuid"):
        if card.contents.get(prop):
            uid = _text(card.contents[prop][0].value).replace("\\:", ":")
            if uid:
                return f"uid:{uid}"
    if ident.emails:
        return f"email:{ident.emails[0]}"
    extra = "" if ident.name or ident.company else ",".join(ident.phones + ident.handles)
    return "name:" + stable_id(ident.name.lower(), ident.company.lower(), extra)


def _rev(card: vobject.base.Component) -> str | None:
    for prop in card.contents.get("rev", []):
        value = prop.value
        if isinstance(value, datetime):
            return value.replace(tzinfo=None).isoformat(timespec="seconds")
        at = parse_rev(_text(value))
        if at:
            return at
    return None


def _why(e: Exception) -> str:
    text = re.sub(r"^At line \d+: ", "", str(e) or type(e).__name__)
    return text[:160] + ("..." if len(text) > 160 else "")


# The same language as vobject's ``line_re`` up to the value, without nested
# quantifiers over overlapping alternatives (see read_card).
_SAFE_LINE = re.compile(
    r'(?:[a-zA-Z0-9_-]+\.)?[a-zA-Z0-9_-]+;?(?:;[a-zA-Z0-9_-]+(?:[=,](?:"[^"]*"|[^";:,=]*))*)*:'
)


def read_card(
    start: int, card_text: str, file: str, source: str
) -> tuple[Identity, Interaction] | None:
    """One card (as :func:`iter_cards` gives it) as ``(identity, contact interaction)``.

    None for a card with nothing that tells who it is (no name, e-mail, phone,
    company or handle).

    Raises:
        InputError: vobject cannot read the card; names the line it begins on.
    """
    for logical in card_text.splitlines():
        # vobject's line pattern backtracks exponentially on a malformed parameter list
        # (60 characters took over a second, found by bench/fuzz_parsers.py, issue 6);
        # this equivalent pattern fails in linear time, so such a card is refused first.
        if logical.strip() and not _SAFE_LINE.match(logical):
            raise InputError(
                file,
                "the vCard that begins here cannot be read "
                f"(malformed line {_why(ValueError(logical))!r})",
                line=start,
                fix=_FIX,
            )
    try:
        card = vobject.readOne(card_text)
        ident = card_identity(card, source, file, start)
        at = _rev(card)
    except Exception as e:  # noqa: BLE001 - vobject raises many kinds; convert them here
        raise InputError(
            file, f"the vCard that begins here cannot be read ({_why(e)})", line=start, fix=_FIX
        ) from e
    if not (ident.name or ident.emails or ident.phones or ident.company or ident.handles):
        log.debug("%s, line %d: a card with no name, e-mail or phone, skipped", file, start)
        return None
    return ident, Interaction(source, ident.key, "contact", at, "out", "", file, start)


def parse_cards(text: str, file: str, source: str) -> Iterator[tuple[Identity, Interaction]]:
    """Each card of a vCard file's text as ``(identity, contact interaction)``.

    Raises:
        InputError: a card vobject cannot read, or a card cut short, naming the
            line the card begins on.
    """
    for start, card_text in iter_cards(text, file):
        pair = read_card(start, card_text, file, source)
        if pair is not None:
            yield pair


def _sniff(path: Path, head: bytes) -> int:
    names = listing(path, head)  # a folder or zip of .vcf files (one card per file)
    if names is not None:
        return 50 if any(n.lower().endswith((".vcf", ".vcard")) for n in names) else 0
    h = head[:4096].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").upper()
    if h.startswith(b"BEGIN:VCARD"):
        return 95
    if b"BEGIN:VCARD" in h:
        return 70
    return 60 if path.suffix.lower() in (".vcf", ".vcard") else 0


@register(
    "vcard", description="vCard address book (.vcf: Apple, Google, Outlook, Android)", sniff=_sniff
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read a ``.vcf`` file (or a folder or zip of them) into an import batch.

    Examples:
        >>> batch = load(Path("contacts.vcf"), ImportOptions())  # doctest: +SKIP
        >>> batch.source  # doctest: +SKIP
        'vcard:contacts'
    """
    source = options.source or f"vcard:{path.stem}"
    batch = ImportBatch(source=source, kind="vcard", path=str(path))
    for member in iter_members(path):
        single = member.display == str(path)
        if not single and not member.name.lower().endswith((".vcf", ".vcard")):
            if not PurePosixPath(member.name).name.startswith("."):
                batch.unknown_files.append(member.name)
            continue
        text = decode_vcard(member.read(), member.display)
        report = FileReport(file=member.name, kind="vcard")
        unreadable: list[InputError] = []
        for start, card_text in iter_cards(text, member.display):
            report.rows += 1
            try:
                pair = read_card(start, card_text, member.display, source)
            except InputError as e:  # one card does not sink the file (issue 13)
                unreadable.append(e)
                continue
            if pair is not None:
                batch.identities.append(pair[0])
                batch.interactions.append(pair[1])
                report.identities += 1
                report.interactions += 1
        if report.rows == 0:
            raise InputError(
                member.display,
                "holds no vCard (no BEGIN:VCARD line)",
                fix="Check that it is an address book exported as vCard (.vcf)",
            )
        if unreadable and len(unreadable) == report.rows:
            raise unreadable[0]  # nothing in it reads: not an address book vobject knows
        for error in unreadable:
            batch.warnings.append(f"{error} (this card is skipped; the others are imported)")
        notes = [f"{len(unreadable)} unreadable cards skipped"] if unreadable else []
        if report.rows - len(unreadable) > report.identities:
            skipped = report.rows - len(unreadable) - report.identities
            notes.append(f"{skipped} cards with no name, e-mail or phone skipped")
        report.note = "; ".join(notes)
        batch.files.append(report)
    return batch
