"""The vCard reader: Apple, Google, Outlook and Android dialects, errors, re-import."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fixtures_addressbook import PHOTO_B64, apple_card, crlf, fold, generate_vcards
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source
from havewemet.importers.vcard import load, parse_cards, parse_rev
from havewemet.models import Identity, ImportBatch, Interaction, stable_id
from havewemet.normalize import normalize_phone
from havewemet.store import Store

APPLE = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//macOS 14.2//EN",
        "N:Okafor;Ada;;;",
        "FN:Ada Okafor",
        "NICKNAME:Ada O",
        "ORG:Globex\\, Inc.;Research",
        "TITLE:Principal Engineer",
        "item1.EMAIL;type=INTERNET;type=pref:Ada.Okafor@Globex.example",
        "EMAIL;type=INTERNET;type=HOME:ada@home.example",
        "TEL;type=CELL;type=VOICE;type=pref:+1 (415) 555-0101",
        "TEL;type=HOME;type=VOICE:555 0199",
        "item2.URL;type=pref:https\\://www.linkedin.com/in/ada-okafor-1a2b",
        "item2.X-ABLabel:LinkedIn",
        "X-SOCIALPROFILE;type=twitter;x-user=adaokafor:http\\://twitter.com/adaokafor",
        "X-SOCIALPROFILE;type=mastodon:https\\://hachyderm.io/@ada",
        "BDAY;value=date:1985-06-06",
        *fold("PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO_B64[:400]),
        "X-ABUID:5A1C2E0B-93C7-4B2D-9F0E-2B6D0E1C9A11\\:ABPerson",
        "UID:5A1C2E0B-93C7-4B2D-9F0E-2B6D0E1C9A11",
        "REV:2023-11-02T09:15:00Z",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:;;;;",
        "FN:Initech",
        "ORG:Initech;",
        "X-ABShowAs:COMPANY",
        "item1.URL;type=pref:http\\://initech.example",
        "item1.X-ABLabel:_$!<HomePage>!$_",
        "END:VCARD",
    ],
    eol="\r\r\n",  # iOS writes \r\r\n line ends
)

GOOGLE = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Bela Lindqvist",
        "N:Lindqvist;Bela;;;",
        "EMAIL;TYPE=INTERNET;TYPE=WORK:bela@corp.example",
        "EMAIL;TYPE=INTERNET:bela.l@gmail.example",
        "TEL;TYPE=CELL:+44 20 7946 0958",
        "ORG:Umbrella Labs",
        "TITLE:Head of Data",
        *fold("NOTE:" + "Met at PyCon; talked about entity resolution at length. " * 3),
        "item1.URL:https\\://www.linkedin.com/in/belalindqvist",
        "item1.X-ABLabel:PROFILE",
        "CATEGORIES:myContacts,Work",
        "END:VCARD",
    ]
)

OUTLOOK = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;LANGUAGE=en-us:Moreau;Chloé",
        "FN:Moreau, Chloé",
        "ORG:Initech;Sales",
        "TITLE:Director, Sales",
        "NOTE;ENCODING=QUOTED-PRINTABLE:Lunch in Lyon=0D=0A=",
        "second line of the note",
        "TEL;WORK;VOICE:(111) 555-1111",
        "TEL;CELL;VOICE:+33 6 12 34 56 78",
        "EMAIL;PREF;INTERNET:chloe.moreau@initech.example",
        "PHOTO;TYPE=JPEG;ENCODING=BASE64:",
        *[" " + PHOTO_B64[k : k + 72] for k in range(0, 216, 72)],
        "",
        "REV:20230105T101500Z",
        "END:VCARD",
    ]
)

ANDROID = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:N=C3=BA=C3=B1ez;Jos=C3=A9;;;",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 N=C3=BA=C3=B1ez",
        "TEL;CELL;PREF:0034 612 345 678",
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 =C3=91=C3=91=",
        "=80",  # Android cut a multi-byte character in two
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:2.1",
        "TEL;CELL:555 1234",
        "END:VCARD",
    ]
)

V4 = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
        "FN:Dara Nakamura",
        "N:Nakamura;Dara;;;",
        "TEL;VALUE=uri;TYPE=cell:tel:+81-3-1234-5678",
        "EMAIL;TYPE=work:dara@nakamura.example",
        "IMPP;PREF=1:xmpp:dara@jabber.example",
        "REV:20210314T092838Z",
        "END:VCARD",
    ]
)


def read(path: Path, **options) -> ImportBatch:
    """The reader itself (the registry test below goes through read_source)."""
    return load(path, ImportOptions(**options))


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _store_twice(batch) -> tuple:
    store = Store.open(":memory:")
    first = store.save(batch)
    second = store.save(batch)
    return first, second


def test_apple_cards(tmp_path: Path) -> None:
    batch = read(_write(tmp_path, "Ada and Initech.vcf", APPLE))
    f = str(tmp_path / "Ada and Initech.vcf")
    assert batch.source == "vcard:Ada and Initech"
    assert batch.identities == [
        Identity(
            source="vcard:Ada and Initech",
            key="uid:5A1C2E0B-93C7-4B2D-9F0E-2B6D0E1C9A11",
            name="Ada Okafor",
            first_name="Ada",
            last_name="Okafor",
            emails=["ada.okafor@globex.example", "ada@home.example"],
            phones=["+14155550101", "555 0199"],
            urls=[
                "https://www.linkedin.com/in/ada-okafor-1a2b",
                "http://twitter.com/adaokafor",
                "https://hachyderm.io/@ada",
            ],
            handles=["@adaokafor", "@ada@hachyderm.io"],
            nicknames=["Ada O"],
            company="Globex, Inc.",
            title="Principal Engineer",
            file=f,
            line=1,
            extra={
                "department": "Research",
                "email_types": {"ada@home.example": ["home"]},
                "birthday": "1985-06-06",  # BDAY;value=date:1985-06-06
            },
        ),
        Identity(
            source="vcard:Ada and Initech",
            key="name:" + stable_id("initech", "initech", ""),
            name="Initech",
            urls=["http://initech.example"],
            company="Initech",
            file=f,
            line=28,
            extra={"organisation": True},
        ),
    ]
    assert batch.interactions == [
        Interaction(
            "vcard:Ada and Initech",
            "uid:5A1C2E0B-93C7-4B2D-9F0E-2B6D0E1C9A11",
            "contact",
            "2023-11-02T09:15:00",
            "out",
            "",
            f,
            1,
        ),
        Interaction(
            "vcard:Ada and Initech", batch.identities[1].key, "contact", None, "out", "", f, 28
        ),
    ]
    assert batch.files[0].rows == 2 and batch.files[0].identities == 2


def test_google_card_key_is_first_email(tmp_path: Path) -> None:
    batch = read(_write(tmp_path, "contacts.vcf", GOOGLE))
    (ident,) = batch.identities
    assert ident.key == "email:bela@corp.example"
    assert ident.emails == ["bela@corp.example", "bela.l@gmail.example"]
    assert ident.phones == ["+442079460958"]
    assert ident.urls == ["https://www.linkedin.com/in/belalindqvist"]
    assert (ident.company, ident.title) == ("Umbrella Labs", "Head of Data")
    assert ident.extra == {
        "categories": ["myContacts", "Work"],
        "email_types": {"bela@corp.example": ["work"]},
    }
    assert batch.interactions[0].at is None


def test_outlook_21_cp1252_quoted_printable_and_bare_commas(tmp_path: Path) -> None:
    path = _write(tmp_path, "outlook.vcf", OUTLOOK, encoding="cp1252")
    batch = read(path)
    (ident,) = batch.identities
    assert ident.name == "Moreau, Chloé"  # vobject alone would keep "Moreau"
    assert (ident.first_name, ident.last_name) == ("Chloé", "Moreau")
    assert ident.title == "Director, Sales"
    assert ident.company == "Initech" and ident.extra["department"] == "Sales"
    assert ident.phones == ["(111) 555-1111", "+33612345678"]
    assert ident.key == "email:chloe.moreau@initech.example"
    assert batch.interactions[0].at == "2023-01-05T10:15:00"


def test_android_quoted_printable_and_phone_only_card(tmp_path: Path) -> None:
    batch = read(_write(tmp_path, "android.vcf", ANDROID))
    a, b = batch.identities
    assert (a.name, a.first_name, a.last_name) == ("José Núñez", "José", "Núñez")
    assert a.company == "Café ÑÑ\ufffd"
    assert a.phones == ["+34612345678"]
    assert b.name == "" and b.phones == ["555 1234"]
    assert b.key.startswith("name:") and a.key.startswith("name:") and a.key != b.key
    assert [i.line for i in batch.interactions] == [1, 9]


def test_vcard4_uid_tel_uri_impp(tmp_path: Path) -> None:
    batch = read(_write(tmp_path, "v4.vcf", V4))
    (ident,) = batch.identities
    assert ident.key == "uid:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert ident.phones == ["+81312345678"]
    assert ident.handles == ["xmpp:dara@jabber.example"]
    assert batch.interactions[0].at == "2021-03-14T09:28:38"


def test_utf16_without_bom(tmp_path: Path) -> None:
    batch = read(_write(tmp_path, "u16.vcf", V4, encoding="utf-16-be"))
    assert batch.identities[0].name == "Dara Nakamura"


def test_folder_of_vcards_and_source_option(tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    _write(folder, "a.vcf", GOOGLE)
    _write(folder, "b.vcf", V4)
    _write(folder, "readme.txt", "not a card")
    batch = read(folder, source="phone")
    assert [i.name for i in batch.identities] == ["Bela Lindqvist", "Dara Nakamura"]
    assert {i.source for i in (*batch.identities, *batch.interactions)} == {"phone"}
    assert batch.unknown_files == ["readme.txt"]


def test_registered_and_sniffed(tmp_path: Path) -> None:
    batch = read_source(_write(tmp_path, "x.vcf", GOOGLE))
    assert batch.kind == "vcard" and batch.source == "vcard:x"
    assert detect_format(_write(tmp_path, "x.vcf", GOOGLE)) == "vcard"
    assert detect_format(_write(tmp_path, "export.txt", "\ufeff" + V4)) == "vcard"


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "all.vcf", APPLE + GOOGLE + generate_vcards(30, seed=3))
    first, second = _store_twice(read(path))
    assert first.added["identities"] == 33 and first.added["interactions"] == 33
    again = Store.open(":memory:")
    again.save(read(path))
    result = again.save(read(path))
    assert result.added == {k: 0 for k in result.added}
    assert result.updated == {k: 0 for k in result.updated}
    assert second.added == {k: 0 for k in second.added}
    assert second.updated == {k: 0 for k in second.updated}


def test_generated_dialects_all_read() -> None:
    pairs = list(parse_cards(generate_vcards(9, seed=1), "gen.vcf", "vcard:gen"))
    assert len(pairs) == 9
    assert all(i.emails and i.name for i, _ in pairs)
    assert all(x.at and x.at.startswith("2023-01-") for _, x in pairs[::3])


def test_a_broken_card_is_skipped_with_a_warning_naming_its_first_line(tmp_path: Path) -> None:
    broken = GOOGLE + crlf(
        ["BEGIN:VCARD", "VERSION:3.0", "FN:X", "this line is damaged", "END:VCARD"]
    )
    path = _write(tmp_path, "broken.vcf", broken)
    batch = read(path)  # one card does not sink the file (issue 13)
    assert [i.name for i in batch.identities] == [
        i.name for i in read(_write(tmp_path, "good.vcf", GOOGLE)).identities
    ]
    (warning,) = batch.warnings
    assert warning.startswith(f"{path}, line 17: the vCard that begins here cannot be read")
    assert "this line is damaged" in warning and "END:VCARD" in warning
    assert warning.endswith("(this card is skipped; the others are imported)")
    assert batch.files[0].note == "1 unreadable cards skipped"


def test_a_file_of_nothing_but_broken_cards_is_refused(tmp_path: Path) -> None:
    card = crlf(["BEGIN:VCARD", "VERSION:3.0", "FN:X", "this line is damaged", "END:VCARD"])
    path = _write(tmp_path, "broken.vcf", card + card)
    with pytest.raises(InputError) as e:
        read(path)
    assert e.value.line == 1 and e.value.file == str(path)
    assert f"{path}, line 1: the vCard that begins here cannot be read" in str(e.value)


def test_card_cut_short(tmp_path: Path) -> None:
    path = _write(tmp_path, "cut.vcf", GOOGLE + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half")
    with pytest.raises(InputError, match=r"cut\.vcf, line 17: .*never ends") as e:
        read(path)
    assert "export the address book again" in e.value.fix


def test_bad_encoding_in_vcard3_fails_naming_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.vcf"
    path.write_bytes(GOOGLE.replace("Bela", "Béla").encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.vcf, line 3: is not UTF-8"):
        read(path)


def test_no_cards(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds no vCard"):
        read(_write(tmp_path, "empty.vcf", "hello\n"))


def test_empty_card_skipped_with_note(tmp_path: Path) -> None:
    text = (
        crlf(
            ["BEGIN:VCARD", "VERSION:2.1", "PHOTO;ENCODING=BASE64;JPEG:", "  AAAA", "", "END:VCARD"]
        )
        + V4
    )
    batch = read(_write(tmp_path, "p.vcf", text))
    assert [i.name for i in batch.identities] == ["Dara Nakamura"]
    assert batch.files[0].note == "1 cards with no name, e-mail or phone skipped"


def test_phone_and_rev_helpers() -> None:
    # A card keeps a number it cannot read (phone_key still compares it).
    assert normalize_phone("0049 30 1234567", keep_raw=True) == "+49301234567"
    assert normalize_phone("+1 2", keep_raw=True) == "+1 2"
    assert parse_rev("2023-01-05T10:15:00+02:00") == "2023-01-05T08:15:00"
    assert parse_rev("1997-11-15") == "1997-11-15"
    assert parse_rev("garbage") is None


_line = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, max_size=8))
def test_arbitrary_card_body_only_raises_input_error(body: list[str]) -> None:
    text = crlf(["BEGIN:VCARD", "VERSION:3.0", *body, "END:VCARD"])
    try:
        list(parse_cards(text, "h.vcf", "vcard:h"))
    except InputError as e:
        assert e.file == "h.vcf" and e.line == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_input_error(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("h") / "x.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\n" + data)
    try:
        read(path)
    except InputError:
        pass


def test_generator_is_deterministic() -> None:
    assert generate_vcards(5, seed=2) == generate_vcards(5, seed=2)
    assert apple_card(0, random.Random(1))[0] == "BEGIN:VCARD"


@pytest.mark.parametrize(
    ("line", "birthday"),
    [
        ("BDAY:19850624", "1985-06-24"),
        ("BDAY:--0624", "--06-24"),  # vCard 4 without the year
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-06-24", "--06-24"),
        ("BDAY:sometime in June", None),
    ],
)
def test_the_birthday_is_kept_for_the_matcher(tmp_path: Path, line: str, birthday: str | None):
    """Issue 12: the matcher compares an address book's birthdays."""
    card = crlf(["BEGIN:VCARD", "VERSION:3.0", "FN:Evie Dean", "N:Dean;Evie;;;", line, "END:VCARD"])
    (ident,) = read(_write(tmp_path, "evie.vcf", card)).identities
    assert ident.extra.get("birthday") == birthday
