"""Mail headers as the mail reader needs them: fast, forgiving, never raising on text.

Ordinary mail needs only From/To/Cc/Date/List headers: they are read with the
compat32 header parser and :mod:`email.utils`, ten times faster than
``policy=default``'s header registry (issue 4). 8-bit headers are decoded as
UTF-8, else Windows-1252; RFC 2047 encoded words are decoded where they can be.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from functools import lru_cache

from havewemet.normalize import normalize_email

__all__ = [
    "addresses",
    "bulk_kind",
    "decode_words",
    "header_map",
    "is_sent_name",
    "looks_like_headers",
]

_NOREPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|bounces?)([-+._]|$)", re.I
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:", re.M)
_MAIL_HEADERS = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"received",
    b"return-path",
    b"delivered-to",
    b"message-id",
    b"mime-version",
    b"cc",
    b"x-original-to",
}
_BULK = ("bulk", "list", "junk")
_SURROGATE = re.compile("[\udc80-\udcff]")


def looks_like_headers(head: bytes) -> bool:
    """Whether bytes start with a mail header block (two or more well-known headers).

    Examples:
        >>> looks_like_headers(b"From: a@example.org\\r\\nTo: b@example.org\\r\\n\\r\\nHi")
        True
        >>> looks_like_headers(b"Name,Email\\r\\nAda,a@example.org\\r\\n")
        False
    """
    block = head.lstrip(b" \t\r\n").split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    first = block.split(b"\n", 1)[0]
    if not _HEADER_LINE.match(first):
        return False
    names = {m.group(0)[:-1].lower() for m in _HEADER_LINE.finditer(block)}
    return len(names & _MAIL_HEADERS) >= 2


def is_sent_name(name: str) -> bool:
    """Whether a folder or file name is a sent-mail folder (in a few languages).

    Examples:
        >>> is_sent_name(".Sent Items"), is_sent_name("Gesendet.mbox"), is_sent_name("Inbox")
        (True, True, False)
    """
    return re.search(r"(^|[/._ \[-])(sent|gesendet|envoy|enviad|inviat)", name, re.I) is not None


def header_map(msg: Message) -> dict[str, list[str]]:
    """Raw header values by lower-cased name (8-bit bytes decoded, lines unfolded)."""
    out: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        text = _clean(value if isinstance(value, str) else str(value))
        out.setdefault(name.lower(), []).append(re.sub(r"\r?\n[ \t]*", " ", text))
    return out


def bulk_kind(headers: dict[str, list[str]], sender: str) -> str:
    """``"list"`` for mailing-list or bulk mail, ``"noreply"`` for a no-reply sender, else ``""``.

    Examples:
        >>> bulk_kind({"list-id": ["<news.example.org>"]}, "ada@example.org")
        'list'
        >>> bulk_kind({}, "no-reply@example.org"), bulk_kind({}, "ada@example.org")
        ('noreply', '')
    """
    precedence = headers.get("precedence", [""])[0].strip().lower()
    if "list-id" in headers or "list-unsubscribe" in headers or precedence in _BULK:
        return "list"
    if sender and _NOREPLY.match(sender.split("@")[0]):
        return "noreply"
    return ""


def _clean(text: str) -> str:
    """Undo surrogate escapes left by 8-bit headers (UTF-8, else Windows-1252)."""
    if not _SURROGATE.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def decode_words(text: str) -> str:
    """RFC 2047 encoded words (``=?UTF-8?B?...?=``) decoded; the text as is if broken.

    Examples:
        >>> decode_words("=?UTF-8?B?Sm9zw6k=?= Garcia"), decode_words("=?bogus?=")
        ('José Garcia', '=?bogus?=')
    """
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def addresses(headers: dict[str, list[str]], name: str) -> list[tuple[str, str]]:
    """``(email, display name)`` of an address header, with email.utils (fast).

    Examples:
        >>> addresses({"to": ['"Doe, Jane" <Jane@Example.org>, bob@example.org']}, "to")
        [('jane@example.org', 'Doe, Jane'), ('bob@example.org', '')]
    """
    out: list[tuple[str, str]] = []
    for value in headers.get(name, ()):
        out += _parse_addresses(value)
    return out


@lru_cache(maxsize=65536)  # the same From/To values come back again and again
def _parse_addresses(value: str) -> tuple[tuple[str, str], ...]:
    out = []
    for display, addr in getaddresses([value]):
        email_ = normalize_email(addr)
        if not email_ or any(c.isspace() for c in email_) or email_.count("@") != 1:
            continue
        display = " ".join(decode_words(display).strip("'\" ").split())
        out.append((email_, "" if normalize_email(display) == email_ else display))
    return tuple(out)
