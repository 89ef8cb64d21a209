"""The people-list reader: attendee and member CSVs, header inference, --map, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source
from havewemet.importers.people_list import infer_mapping, load
from havewemet.models import Identity, Interaction, stable_id
from havewemet.store import Store

# The shape of an event platform's attendee export (Eventbrite-like): BOM, CRLF,
# quoted commas, a multi-line answer, extra columns the reader ignores.
ATTENDEES = (
    "\ufeffOrder #,Order Date,First Name,Last Name,Email,Ticket Type,Company,Job Title,"
    "LinkedIn Profile,Twitter Handle,What brings you here?\r\n"
    '1001,2024-04-01 10:00:00,Priya,Tanaka,Priya.Tanaka@Example.com,Full Pass,"Acme, Inc.",'
    'CTO,https://www.linkedin.com/in/priyatanaka/,@PriyaT,"Graph stuff,\r\nand tea"\r\n'
    "1002,2024-04-02 11:00:00,Oren,Yilmaz,,Speaker,Initech,,linkedin.com/in/oren-y,,\r\n"
    "1003,2024-04-02 12:00:00,Quinn,Xu,,Student,,,,,\r\n"
    "1004,2024-04-03 09:00:00,,,,Full Pass,,,,,\r\n"
)

SOCIETY = (
    "Member;Organisation;Mastodon;Member since\r\n"
    "Dr Rosa Petrov;Royal Society of Examples;@rosa@scholar.social;2019\r\n"
    "Kofi Urquhart;;https://mastodon.social/@kofi;2021\r\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_attendee_list_exact(tmp_path: Path) -> None:
    path = _write(tmp_path, "pycon-2024.csv", ATTENDEES)
    batch = load(path, ImportOptions(event="PyCon US 2024", event_date="2024-05-15"))
    f = str(path)
    assert batch.source == "event:pycon-us-2024"
    assert batch.identities == [
        Identity(
            source="event:pycon-us-2024", key="email:priya.tanaka@example.com", name="Priya Tanaka",
            first_name="Priya", last_name="Tanaka", emails=["priya.tanaka@example.com"],
            urls=["https://www.linkedin.com/in/priyatanaka/"], handles=["@priyat"],
            company="Acme, Inc.", title="CTO", file=f, line=2,
        ),
        Identity(
            source="event:pycon-us-2024", key="in/oren-y", name="Oren Yilmaz", first_name="Oren",
            last_name="Yilmaz", urls=["linkedin.com/in/oren-y"], company="Initech", file=f,
            line=4,
        ),
        Identity(
            source="event:pycon-us-2024", key="name:" + stable_id("quinn xu", ""), name="Quinn Xu",
            first_name="Quinn", last_name="Xu", file=f, line=5,
        ),
    ]  # fmt: skip
    assert batch.interactions == [
        Interaction(
            "event:pycon-us-2024", i.key, "event", "2024-05-15", "both", "PyCon US 2024", f, i.line
        )
        for i in batch.identities
    ]
    assert batch.files[0].note == "1 rows without a name or e-mail skipped"


def test_member_list_semicolons_and_mastodon(tmp_path: Path) -> None:
    path = _write(tmp_path, "society.csv", SOCIETY)
    batch = load(path, ImportOptions(list_kind="member"))
    assert batch.source == "members:society"
    assert [(i.key, i.name, i.company, i.handles) for i in batch.identities] == [
        ("handle:@rosa@scholar.social", "Dr Rosa Petrov", "Royal Society of Examples",
         ["@rosa@scholar.social"]),
        ("handle:@kofi@mastodon.social", "Kofi Urquhart", "", ["@kofi@mastodon.social"]),
    ]  # fmt: skip
    assert [(x.kind, x.at, x.direction, x.detail) for x in batch.interactions] == [
        ("member", None, "none", "society"),
        ("member", None, "none", "society"),
    ]


def test_mapping_override(tmp_path: Path) -> None:
    text = "Attendee,Contact,Notes\r\nAda Okafor,ada@x.example,hi\r\n"
    path = _write(tmp_path, "list.csv", text)
    batch = load(path, ImportOptions(mapping={"name": "Attendee", "email": "contact"}))
    (ident,) = batch.identities
    assert (ident.name, ident.emails, ident.key) == (
        "Ada Okafor",
        ["ada@x.example"],
        "email:ada@x.example",
    )


def test_unknown_field_and_column_list_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.csv", "Full Name,Email\r\nA B,a@b.example\r\n")
    with pytest.raises(InputError, match="--map phone=... names no field") as e:
        load(path, ImportOptions(mapping={"phone": "Email"}))
    assert "'Full Name', 'Email'" in e.value.fix
    with pytest.raises(InputError, match=r"list\.csv, line 1: has no column 'Nom'") as e:
        load(path, ImportOptions(mapping={"name": "Nom"}))
    assert "'Full Name', 'Email'" in e.value.fix


def test_missing_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "raw.csv", "\r\nAda Okafor,Acme\r\nBela Moreau,Initech\r\n")
    with pytest.raises(InputError, match=r"raw\.csv, line 2: has no column naming people") as e:
        load(path, ImportOptions())
    assert "'Ada Okafor', 'Acme'" in str(e.value) and "--map" in e.value.fix


def test_bad_options(tmp_path: Path) -> None:
    path = _write(tmp_path, "l.csv", "Name\r\nA\r\n")
    with pytest.raises(InputError, match="neither 'event' nor 'member'"):
        load(path, ImportOptions(list_kind="party"))
    with pytest.raises(InputError, match="is not a date"):
        load(path, ImportOptions(event_date="next tuesday"))


def test_cp1252_spreadsheet_export_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "l.csv", "Name,Company\r\nJosé Núñez,Café\r\n", "cp1252")
    assert load(path, ImportOptions()).identities[0].name == "José Núñez"


def test_sniffs_lowest(tmp_path: Path) -> None:
    path = _write(tmp_path, "pycon.csv", ATTENDEES)
    assert detect_format(path) == "people-list"
    google = _write(tmp_path, "g.csv", "First Name,Last Name,E-mail 1 - Value\r\nA,B,a@b.c\r\n")
    assert detect_format(google) == "google-csv"
    batch = read_source(path, options=ImportOptions(source="pycon"))
    assert {i.source for i in batch.identities} == {"pycon"}


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "pycon.csv", ATTENDEES)
    store = Store.open(":memory:")
    opts = ImportOptions(event_date="2024-05-15")
    first = store.save(load(path, opts))
    assert first.added["identities"] == 3 and first.added["interactions"] == 3
    second = store.save(load(path, opts))
    assert set(second.added.values()) == {0} and set(second.updated.values()) == {0}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Full Name", "E-mail", "Organization"], {"name": 0, "email": 1, "company": 2}),
        (["Given name", "Surname", "Affiliation", "Position"],
         {"first_name": 0, "last_name": 1, "company": 2, "title": 3}),
        (["Attendee Email", "Company Name", "LinkedIn URL"], {"email": 0, "company": 1, "url": 2}),
        (["Order #", "Ticket"], {}),
    ],
)  # fmt: skip
def test_infer_mapping(header: list[str], expected: dict[str, int]) -> None:
    assert infer_mapping(header) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_input_error(tmp_path_factory, body: str) -> None:
    path = tmp_path_factory.mktemp("p") / "p.csv"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    try:
        load(path, ImportOptions())
    except InputError:
        pass


def test_two_events_with_the_same_file_name_stay_two_sources(tmp_path: Path) -> None:
    for sub in "abc":
        (tmp_path / sub).mkdir()
    a = load(_write(tmp_path / "a", "attendees.csv", ATTENDEES), ImportOptions(event="LibCon 2024"))
    b = load(_write(tmp_path / "b", "attendees.csv", ATTENDEES), ImportOptions(event="LibCon 2025"))
    assert (a.source, b.source) == ("event:libcon-2024", "event:libcon-2025")
    assert load(_write(tmp_path / "c", "attendees.csv", ATTENDEES), ImportOptions()).source == (
        "event:attendees"
    )


@pytest.mark.parametrize(
    ("header", "want"),
    [
        (["Teilnehmer", "E-Mail-Adresse", "Firma"], {"name": 0, "email": 1, "company": 2}),
        (["Nom", "Prénom", "Courriel", "Société"], {"last_name": 0, "first_name": 1}),
        (["Nombre", "Apellidos", "Correo electrónico"], {"first_name": 0, "last_name": 1}),
        (["Registrant", "Email", "Organisation"], {"name": 0, "company": 2}),
        (["Given", "Family", "Email"], {"first_name": 0, "last_name": 1}),
        (["Nom", "Courriel"], {"name": 0, "email": 1}),
    ],
)
def test_name_columns_found_by_header_in_four_languages(header, want):
    """Issue 12: the headers the phrase lists' languages use."""
    got = infer_mapping(header)
    assert {k: got.get(k) for k in want} == want


def _list(tmp_path, text):
    path = tmp_path / "attendees.csv"
    path.write_text(text, encoding="utf-8")
    return load(path, ImportOptions(event="LibCon 2025"))


def test_a_name_column_found_by_content_when_no_header_fits(tmp_path):
    batch = _list(
        tmp_path,
        "Who,Contact,Org\nAmira Haddad,amira@eastvale.example,Eastvale\n"
        "Tom Brennan,tom@westmere.example,Westmere\nJane O'Neill,jane@x.example,X Corp\n",
    )
    assert [i.name for i in batch.identities] == ["Amira Haddad", "Tom Brennan", "Jane O'Neill"]
    assert "names read from column 'Who' by its content" in batch.files[0].note


def test_no_name_column_is_said_on_the_summary(tmp_path):
    """Near miss: a column of codes and an e-mail column are not names."""
    batch = _list(tmp_path, "Badge,Contact\nA-113,amira@eastvale.example\nB-7,tom@w.example\n")
    assert [i.name for i in batch.identities] == ["", ""]
    assert "no column of names found" in batch.files[0].note
