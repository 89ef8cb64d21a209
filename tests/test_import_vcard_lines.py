"""vCard text before vobject (importers/_vcard_lines.py): decoding, unfolding, cleaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers._vcard_lines import decode_vcard, iter_cards


def test_cards_unfolded_photos_dropped_commas_escaped() -> None:
    text = (
        "junk before\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Doe, Jo\r\n hn\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n BBBB\r\nTEL:+1 415\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=\r\n=C3=B6rg\r\n"
        "END:VCARD\r\n"
    )
    assert list(iter_cards(text, "c.vcf")) == [
        (2, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Doe\\, John\r\nTEL:+1 415\r\nEND:VCARD\r\n"),
        (10, "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Müller;Jörg\r\nEND:VCARD\r\n"),
    ]


def test_card_cut_short_names_its_line() -> None:
    with pytest.raises(InputError) as e:
        list(iter_cards("BEGIN:VCARD\nFN:A\nEND:VCARD\n\nBEGIN:VCARD\nFN:B\n", "c.vcf"))
    assert e.value.line == 5 and "never ends" in str(e.value)


def test_decode_utf16_without_bom_and_cp1252_21() -> None:
    assert decode_vcard("BEGIN:VCARD".encode("utf-16-be"), "c.vcf") == "BEGIN:VCARD"
    cp = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:José\r\nEND:VCARD\r\n".encode("cp1252")
    assert "FN:José" in decode_vcard(cp, "c.vcf")
    with pytest.raises(InputError):  # not 2.1: Windows-1252 is not guessed
        decode_vcard(cp.replace(b"2.1", b"3.0"), "c.vcf")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_input_error(data: bytes) -> None:
    try:
        for line, card in iter_cards(decode_vcard(data, "c.vcf"), "c.vcf"):
            assert line >= 1 and card.startswith("BEGIN:VCARD\r\n")
    except InputError:
        pass
