"""Contacts CSV readers: Google (old and 2023+ layouts), Outlook, Thunderbird."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source
from havewemet.importers.contacts_csv import (
    layout,
    load_google,
    load_outlook,
    load_thunderbird,
)
from havewemet.models import Identity, Interaction, stable_id
from havewemet.store import Store

GOOGLE_NEW_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Website 1 - Label",
    "Website 1 - Value",
]  # fmt: skip
GOOGLE_OLD_HEADER = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
    "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials",
    "Nickname", "Short Name", "Maiden Name", "Birthday", "Gender", "Location",
    "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby",
    "Sensitivity", "Priority", "Subject", "Notes", "Language", "Photo", "Group Membership",
    "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
    "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Title",
    "Website 1 - Type", "Website 1 - Value",
]  # fmt: skip
OUTLOOK_HEADER = [
    "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi",
    "Surname Yomi", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone",
    "Home Phone 2", "Business Phone", "Business Phone 2", "Mobile Phone", "Car Phone",
    "Other Phone", "Primary Phone", "Pager", "Business Fax", "Home Fax", "Other Fax",
    "Company Main Phone", "Callback", "Radio Phone", "Telex", "TTY/TDD Phone", "IMAddress",
    "Job Title", "Department", "Company", "Office Location", "Manager's Name",
    "Assistant's Name", "Assistant's Phone", "Company Yomi", "Business Street",
    "Business City", "Business State", "Business Postal Code", "Business Country/Region",
    "Home Street", "Home City", "Home State", "Home Postal Code", "Home Country/Region",
    "Other Street", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
    "Personal Web Page", "Spouse", "Schools", "Hobby", "Location", "Web Page", "Birthday",
    "Anniversary", "Notes", "Categories",
]  # fmt: skip
THUNDERBIRD_HEADER = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Work Phone,"
    "Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,Home City,"
    "Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,Work State,"
    "Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,Web Page 2,"
    "Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes,Screen Name"
).split(",")


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    """CSV as the services write it: every row as long as the header, CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(c, "") for c in header])
    return buf.getvalue()


GOOGLE_NEW_ROWS = [
    {
        "First Name": "Hana", "Middle Name": "M", "Last Name": "Varga", "Nickname": "Hani",
        "Organization Name": "Acme Corp", "Organization Title": "CTO",
        "Notes": "Met at the meetup,\nsecond line", "Labels": "* myContacts ::: Work",
        "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "Hana@Acme.example",
        "E-mail 2 - Label": "Home", "E-mail 2 - Value": "hana@home.example ::: hv@old.example",
        "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+36 20 123 4567 ::: 06 1 234 5678",
        "Website 1 - Label": "Profile",
        "Website 1 - Value": "https://www.linkedin.com/in/hana-varga",
    },
    {"Organization Name": "Globex, Inc.", "Phone 1 - Value": "+1 212 555 0134"},
    {"Notes": "an empty contact"},
]  # fmt: skip


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_google_new_layout_exact(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", "\ufeff" + csv_text(GOOGLE_NEW_HEADER, GOOGLE_NEW_ROWS))
    batch = load_google(path, ImportOptions())
    f = str(path)
    assert batch.source == "google:contacts" and batch.kind == "google-csv"
    assert batch.identities == [
        Identity(
            source="google:contacts", key="email:hana@acme.example", name="Hana M Varga",
            first_name="Hana", last_name="Varga",
            emails=["hana@acme.example", "hana@home.example", "hv@old.example"],
            phones=["+36201234567", "06 1 234 5678"],
            urls=["https://www.linkedin.com/in/hana-varga"], nicknames=["Hani"],
            company="Acme Corp", title="CTO", file=f, line=2,
            extra={"labels": ["* myContacts", "Work"],
                   "email_types": {"hana@acme.example": ["work"],
                                   "hana@home.example": ["home"], "hv@old.example": ["home"]}},
        ),
        Identity(
            source="google:contacts", key="name:" + stable_id("", "globex, inc.", ""),
            phones=["+12125550134"], company="Globex, Inc.", file=f, line=4,
        ),
    ]  # fmt: skip
    assert batch.interactions == [
        Interaction("google:contacts", "email:hana@acme.example", "contact", None, "out", "", f, 2),
        Interaction("google:contacts", batch.identities[1].key, "contact", None, "out", "", f, 4),
    ]
    assert batch.files[0].rows == 3 and batch.files[0].note == "1 empty rows skipped"


def test_google_old_layout(tmp_path: Path) -> None:
    rows = [{"Name": "Søren Lindqvist", "Given Name": "Søren", "Family Name": "Lindqvist",
             "Group Membership": "* My Contacts ::: Friends", "E-mail 1 - Type": "* Home",
             "E-mail 1 - Value": "soren@example.com", "Organization 1 - Name": "Initech",
             "Organization 1 - Title": "Analyst", "Website 1 - Type": "Profile",
             "Website 1 - Value": "https://twitter.com/SorenL"}]  # fmt: skip
    path = _write(tmp_path, "google.csv", csv_text(GOOGLE_OLD_HEADER, rows), "utf-16")
    (ident,) = read_source(path).identities  # UTF-16 with a BOM, as old Google exports
    assert (ident.name, ident.first_name, ident.last_name) == (
        "Søren Lindqvist",
        "Søren",
        "Lindqvist",
    )
    assert (ident.company, ident.title) == ("Initech", "Analyst")
    assert ident.handles == ["@sorenl"]
    assert ident.extra == {
        "labels": ["* My Contacts", "Friends"],
        "email_types": {"soren@example.com": ["home"]},
    }


def test_outlook_cp1252(tmp_path: Path) -> None:
    rows = [{"First Name": "Tomás", "Last Name": "Rossi", "Title": "Mr.", "Suffix": "Jr.",
             "E-mail Address": "tomas@rossi.example", "E-mail 2 Address": "",
             "Business Phone": "(111) 555-1111", "Mobile Phone": "+39 312 345 6789",
             "Job Title": "Director, Sales", "Department": "EMEA", "Company": "Wayne Enterprises",
             "Categories": "Customers;VIP", "Web Page": "www.rossi.example"}]  # fmt: skip
    path = _write(tmp_path, "outlook export.CSV", csv_text(OUTLOOK_HEADER, rows), "cp1252")
    assert detect_format(path) == "outlook-csv"
    batch = load_outlook(path, ImportOptions())
    (ident,) = batch.identities
    assert batch.source == "outlook:outlook export"
    assert ident == Identity(
        source="outlook:outlook export", key="email:tomas@rossi.example", name="Tomás Rossi Jr.",
        first_name="Tomás", last_name="Rossi", emails=["tomas@rossi.example"],
        phones=["+393123456789", "(111) 555-1111"], urls=["www.rossi.example"],
        company="Wayne Enterprises", title="Director, Sales", file=str(path), line=2,
        extra={"department": "EMEA", "categories": ["Customers", "VIP"]},
    )  # fmt: skip


def test_thunderbird(tmp_path: Path) -> None:
    rows = [{"First Name": "John", "Last Name": "Doe", "Display Name": "John Doe",
             "Primary Email": "john@doe.invalid", "Organization": "Doe Ltd",
             "Web Page 1": "https://mastodon.social/@jdoe"}]  # fmt: skip
    path = _write(tmp_path, "abook.csv", csv_text(THUNDERBIRD_HEADER, rows))
    assert detect_format(path) == "thunderbird-csv"
    (ident,) = load_thunderbird(path, ImportOptions()).identities
    assert (ident.key, ident.name, ident.company) == (
        "email:john@doe.invalid",
        "John Doe",
        "Doe Ltd",
    )
    assert ident.handles == ["@jdoe@mastodon.social"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (GOOGLE_NEW_HEADER, "google"),
        (GOOGLE_OLD_HEADER, "google"),
        (OUTLOOK_HEADER, "outlook"),
        (THUNDERBIRD_HEADER, "thunderbird"),
        (["Name", "Email", "Company"], ""),
    ],
)
def test_layout_from_header(header: list[str], expected: str) -> None:
    norm = {"".join(ch for ch in c.lower() if ch.isalnum()) for c in header}
    assert layout(norm) == expected


def test_sniffing_prefers_google(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", csv_text(GOOGLE_NEW_HEADER, GOOGLE_NEW_ROWS))
    assert detect_format(path) == "google-csv"
    assert read_source(path).kind == "google-csv"


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", csv_text(GOOGLE_NEW_HEADER, GOOGLE_NEW_ROWS))
    store = Store.open(":memory:")
    first = store.save(load_google(path, ImportOptions()))
    assert first.added["identities"] == 2 and first.added["interactions"] == 2
    second = store.save(load_google(path, ImportOptions()))
    assert set(second.added.values()) == {0} and set(second.updated.values()) == {0}


def test_google_bad_encoding_fails_naming_line(tmp_path: Path) -> None:
    rows = [{"First Name": "Ann"}, {"First Name": "José", "E-mail 1 - Value": "j@x.example"}]
    path = _write(tmp_path, "c.csv", csv_text(GOOGLE_NEW_HEADER, rows), "latin-1")
    with pytest.raises(InputError, match=r"c\.csv, line 3: is not UTF-8") as e:
        load_google(path, ImportOptions())
    assert "UTF-8" in e.value.fix


def test_missing_header_is_an_error_naming_the_columns(tmp_path: Path) -> None:
    text = "Hana,,Varga,hana@acme.example\r\nBela,,Moreau,bela@x.example\r\n"
    path = _write(tmp_path, "noheader.csv", text)
    with pytest.raises(
        InputError,
        match=r"noheader\.csv, line 1: does not start with the "
        "header of a Google contacts CSV",
    ) as e:
        load_google(path, ImportOptions())
    assert "Hana, , Varga, hana@acme.example" in str(e.value) and "people-list" in e.value.fix


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_input_error(tmp_path_factory, body: str) -> None:
    path = tmp_path_factory.mktemp("g") / "g.csv"
    path.write_text(
        ",".join(GOOGLE_NEW_HEADER) + "\r\n" + body, encoding="utf-8", errors="surrogatepass"
    )
    for load in (load_google, load_outlook):
        try:
            load(path, ImportOptions())
        except InputError:
            pass


@pytest.mark.parametrize(
    ("header", "row", "loader", "birthday"),
    [
        (GOOGLE_NEW_HEADER, {"Birthday": "1985-06-24"}, load_google, "1985-06-24"),
        (GOOGLE_NEW_HEADER, {"Birthday": " --06-24"}, load_google, "--06-24"),
        (OUTLOOK_HEADER, {"Birthday": "6/24/1985"}, load_outlook, "1985-06-24"),
        (OUTLOOK_HEADER, {"Birthday": "6/7/1985"}, load_outlook, None),  # which is the month?
        (OUTLOOK_HEADER, {"Birthday": "0/0/00"}, load_outlook, None),
        (THUNDERBIRD_HEADER, {"Birth Year": "1985", "Birth Month": "6", "Birth Day": "24"},
         load_thunderbird, "1985-06-24"),
        (THUNDERBIRD_HEADER, {"Birth Month": "6", "Birth Day": "24"}, load_thunderbird,
         "--06-24"),
    ],
)  # fmt: skip
def test_the_birthday_is_kept_for_the_matcher(
    tmp_path: Path, header: list[str], row: dict[str, str], loader, birthday: str | None
) -> None:
    """Issue 12: an address book's birthday tells two of its contacts apart, or together."""
    mail = "evie@dean.example"
    person = {"First Name": "Evie", "Last Name": "Dean", "E-mail Address": mail,
              "E-mail 1 - Value": mail, "Primary Email": mail}  # fmt: skip
    path = _write(tmp_path, "contacts.csv", csv_text(header, [person | row]))
    (ident,) = loader(path, ImportOptions()).identities
    assert ident.extra.get("birthday") == birthday
