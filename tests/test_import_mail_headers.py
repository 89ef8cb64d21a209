"""Mail header helpers (importers/_mail_headers.py): addresses, encodings, bulk mail."""

from __future__ import annotations

from email.parser import BytesHeaderParser

from hypothesis import given
from hypothesis import strategies as st

from havewemet.importers._mail_headers import (
    addresses,
    bulk_kind,
    decode_words,
    header_map,
    is_sent_name,
    looks_like_headers,
)

RAW = (
    b"From: =?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <Jose@Example.es>\r\n"
    b'To: "Doe, Jane" <jane@example.org>,\r\n bob@example.org, not an address\r\n'
    b"Subject: caf\xc3\xa9\r\n"
    b"X-Old: caf\xe9\r\n"
    b"\r\n"
    b"body\r\n"
)


def test_header_map_unfolds_and_decodes_8bit() -> None:
    headers = header_map(BytesHeaderParser().parsebytes(RAW))
    assert headers["subject"] == ["café"]  # UTF-8 bytes
    assert headers["x-old"] == ["café"]  # Windows-1252 bytes
    assert addresses(headers, "from") == [("jose@example.es", "José García")]
    assert addresses(headers, "to") == [
        ("jane@example.org", "Doe, Jane"),
        ("bob@example.org", ""),
    ]
    assert addresses(headers, "cc") == []


def test_bulk_kind_and_sent_folders() -> None:
    assert bulk_kind({"list-unsubscribe": ["<mailto:x@example.org>"]}, "a@example.org") == "list"
    assert bulk_kind({"precedence": [" Bulk "]}, "a@example.org") == "list"
    assert bulk_kind({}, "do-not-reply@example.org") == "noreply"
    assert bulk_kind({}, "noreplyer@example.org") == ""
    assert [is_sent_name(n) for n in ("Sent", "[Gmail].Sent Mail", "Consent", "INBOX")] == [
        True,
        True,
        False,
        False,
    ]


def test_looks_like_headers() -> None:
    assert looks_like_headers(RAW)
    assert not looks_like_headers(b"Subject: only one known header\r\n\r\n")
    assert not looks_like_headers(b"BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n")
    assert decode_words("=?UTF-8?Q?caf=C3=A9?=") == "café"


@given(st.binary(max_size=400))
def test_arbitrary_header_bytes_never_raise(data: bytes) -> None:
    looks_like_headers(data)
    headers = header_map(BytesHeaderParser().parsebytes(data))
    for name in ("from", "to", "cc"):
        for email, _display in addresses(headers, name):
            assert email.count("@") == 1 and email == email.lower()
    decode_words(data.decode("latin-1"))
