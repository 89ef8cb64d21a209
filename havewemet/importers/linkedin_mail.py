"""LinkedIn invitation notification mail, turned into pending requests.

LinkedIn mails each invitation from ``invitations@linkedin.com`` with the header
``X-LinkedIn-Class: INVITE-MBR``: the subject names the requester ("Jane Doe
wants to connect"), the body gives their headline, their note if they wrote
one, the mutual connections, and a ``https://www.linkedin.com/comm/in/<slug>``
link. Unanswered invitations are mailed again as reminders ("Jane Doe's
invitation is waiting for your response"). All the mails about one person
become one :class:`~havewemet.models.Request` whose ``reminders`` counts the
reminders; the store merges it with the same request from Invitations.csv by
the profile slug (issue 4).
"""

from __future__ import annotations

import html
import re
from datetime import UTC
from email.message import EmailMessage, Message

from havewemet.models import Request
from havewemet.normalize import normalize_email, profile_slug

__all__ = ["is_invitation", "parse_invitation", "merge_requests"]

_SENDERS = {"invitations@linkedin.com", "invitations-noreply@linkedin.com"}
_SUBJECTS = (
    re.compile(r"^(?P<name>.+?)'s invitation is waiting for your response", re.I),
    re.compile(r"^(?P<name>.+?) is waiting for your response", re.I),
    re.compile(r"^Reminder(?: about your invitation)? from (?P<name>.+)$", re.I),
    re.compile(r"^(?P<name>.+?) wants to connect", re.I),
    re.compile(r"^(?P<name>.+?) has invited you to connect", re.I),
    re.compile(r"^Invitation(?: to connect)? from (?P<name>.+)$", re.I),
)
_REMINDER = re.compile(r"waiting for your response|^reminder\b", re.I)
_PROFILE = re.compile(r"https?://(?:[\w-]+\.)?linkedin\.com/(?:comm/)?in/([^/?#\s\"'<>]+)", re.I)
_MUTUALS = (
    re.compile(r"^(?P<n>\d+) mutual connections?:?\s*(?P<names>.*)$", re.I),
    re.compile(r"^mutual connections?:\s*(?P<names>.+)$", re.I),
    re.compile(
        r"^(?P<names>.+?) (?:and \d+ others? )?(?:are|is) (?:a )?mutual connections?\.?$", re.I
    ),
    re.compile(r"^(?P<names>.+?) and \d+ other mutual connections?\.?$", re.I),
)
_QUOTES = {"\u201c": "\u201d", '"': '"', "\u201e": "\u201c", "\u00ab": "\u00bb"}
_BOILERPLATE = re.compile(
    r"^(hi|hello|dear)\b|^i'd like to|^accept|^view profile|^ignore|https?://|^-{3,}|"
    r"wants to connect|waiting for your response|^reply\b|^\d+ mutual|mutual connection",
    re.I,
)


def is_invitation(linkedin_class: str, senders: list[str], subject: str) -> bool:
    """Whether a message is a LinkedIn invitation or reminder, from three headers.

    Args:
        linkedin_class: the ``X-LinkedIn-Class`` header (``INVITE-MBR``).
        senders: the ``From`` addresses.
        subject: the decoded subject.
    """
    if linkedin_class.strip().upper() == "INVITE-MBR":
        return True
    senders = [normalize_email(s) for s in senders]
    if any(s in _SENDERS for s in senders):
        return True
    return any(s.endswith("@linkedin.com") for s in senders) and any(
        p.match(subject) for p in _SUBJECTS
    )


def _text(msg: EmailMessage) -> tuple[str, str]:
    """The plain text (or the HTML turned into text) and the raw HTML of a message."""
    plain = htm = ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if part.is_multipart() or ctype not in ("text/plain", "text/html"):
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = part.get_payload(decode=True)  # bytes, or None when there is none
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        if ctype == "text/plain" and not plain:
            plain = content
        elif ctype == "text/html" and not htm:
            htm = content
    if not plain and htm:
        plain = re.sub(r"(?is)<(script|style).*?</\1>", "", htm)
        plain = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|td|h\d|li|table)>", "\n", plain)
        plain = html.unescape(re.sub(r"<[^>]+>", " ", plain))
    return plain, htm


def _display_name(msg: Message) -> str:
    for value in msg.get_all("From") or []:
        for addr in getattr(value, "addresses", ()):
            name = re.sub(r"\s+via LinkedIn$", "", addr.display_name or "", flags=re.I)
            if name and name.lower() != "linkedin":
                return " ".join(name.split())
    return ""


def parse_invitation(msg: EmailMessage, file: str, line: int, source: str) -> Request | None:
    """The request one invitation (or reminder) mail describes, or None if it names nobody.

    The request's ``reminders`` is 1 for a reminder mail and 0 otherwise;
    :func:`merge_requests` adds them up per person.
    """
    subject = " ".join(str(msg.get("Subject", "")).split())
    name = ""
    for pat in _SUBJECTS:
        m = pat.match(subject)
        if m:
            name = m.group("name").strip().strip("\"'")
            break
    name = name or _display_name(msg)
    plain, htm = _text(msg)
    lines = [" ".join(ln.split()) for ln in plain.splitlines()]
    reminder = bool(_REMINDER.search(subject)) or any(
        "waiting for your response" in ln.lower() for ln in lines[:20]
    )
    m = _PROFILE.search(plain) or _PROFILE.search(htm)
    url = f"https://www.linkedin.com/in/{m.group(1)}" if m else ""
    if not name and not url:
        return None
    date = msg.get("Date")
    dt = getattr(date, "datetime", None) if date is not None else None
    if dt is not None and dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    mutuals, mutual_count = _mutuals(lines)
    return Request(
        name=name,
        profile_url=url if profile_slug(url) else "",
        headline=_headline(lines, name),
        note=_note(lines),
        sent_at=dt.isoformat(timespec="seconds") if dt else None,
        mutuals=mutuals,
        mutual_count=mutual_count,
        reminders=1 if reminder else 0,
        source=source,
        file=file,
        line=line,
    )


def _headline(lines: list[str], name: str) -> str:
    """The line below the requester's name (LinkedIn prints name, then headline)."""
    key = name.lower()
    for i, ln in enumerate(lines):
        if key and ln.lower() == key:
            for nxt in lines[i + 1 : i + 4]:
                if nxt and not _BOILERPLATE.search(nxt) and nxt[:1] not in _QUOTES:
                    return nxt
                if nxt:
                    break
    return ""


def _note(lines: list[str]) -> str:
    """The requester's note: the first quoted passage of the body."""
    text = "\n".join(lines)
    for open_q, close_q in _QUOTES.items():
        m = re.search(rf"(?m)^{re.escape(open_q)}(.+?){re.escape(close_q)}\s*$", text, re.S)
        if m:
            return " ".join(m.group(1).split())
    return ""


def _mutuals(lines: list[str]) -> tuple[list[str], int]:
    """The mutual connections the mail names, and how many it says there are in all
    ("Amira Haddad, Tom Brennan and 12 others are mutual connections": the two names
    and 14; "23 mutual connections: ..." 23); the count is 0 when it gives none."""
    for ln in lines:
        for pat in _MUTUALS:
            m = pat.match(ln)
            if m and not m.group("names") and m.groupdict().get("n"):
                return [], int(m.group("n"))  # "23 mutual connections", no names
            if m and m.group("names"):
                parts = re.split(r",\s*|\s+and\s+", m.group("names"))
                names = [
                    p.strip()
                    for p in parts
                    if p.strip() and not re.match(r"^\d+ others?$", p.strip())
                ]
                if "n" in m.groupdict() and m.group("n"):
                    return names, int(m.group("n"))
                others = re.search(r"\band (\d+) others?\b|\band (\d+) other mutual", ln, re.I)
                if others:
                    return names, len(names) + int(others.group(1) or others.group(2))
                return names, 0
    return [], 0


def merge_requests(requests: list[Request]) -> list[Request]:
    """One request per person (profile slug, else name), reminders added up.

    The first mail gives the provenance; ``sent_at`` is the earliest invitation
    (not reminder) mail's date; headline and note come from the first mail that
    has them; mutual connections are unioned.
    """

    def norm(name: str) -> str:
        return " ".join(name.lower().split())

    slug_of = {
        norm(r.name): profile_slug(r.profile_url)
        for r in requests
        if r.name and profile_slug(r.profile_url)
    }
    merged: dict[str, tuple[Request, list[str]]] = {}
    for req in requests:
        key = profile_slug(req.profile_url) or slug_of.get(norm(req.name)) or norm(req.name)
        got = merged.get(key)
        if got is None:
            first = Request(
                req.name,
                req.profile_url,
                req.headline,
                req.note,
                None if req.reminders else req.sent_at,
                list(req.mutuals),
                req.reminders,
                req.source,
                req.file,
                req.line,
                req.mutual_count,
            )
            merged[key] = (first, [])
            continue
        into = got[0]
        into.reminders += req.reminders
        if (
            not req.reminders
            and req.sent_at
            and (into.sent_at is None or req.sent_at < into.sent_at)
        ):
            into.sent_at = req.sent_at
        into.name = into.name or req.name
        into.profile_url = into.profile_url or req.profile_url
        into.headline = into.headline or req.headline
        into.note = into.note or req.note
        into.mutuals += [m for m in req.mutuals if m not in into.mutuals]
        into.mutual_count = max(into.mutual_count, req.mutual_count)
    return [r for r, _ in merged.values()]
