"""LinkedIn export files under other names: a second download ("Connections (1).csv"),
a file the user renamed, or a CSV that is not LinkedIn's at all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.errors import InputError
from havewemet.importers import detect_format, read_source
from havewemet.importers.linkedin.export import file_by_header
from tests.conftest import write_bytes
from tests.test_import_linkedin import (
    BASIC,
    CONNECTIONS_2023,
    CONNECTIONS_OLD,
    INVITATIONS_2023,
    MESSAGES,
    make_export,
)

ZIP = "Basic_LinkedInDataExport_11-20-2026.zip"


def _people(batch) -> list[tuple]:
    return [(i.id, i.name, i.company, i.line) for i in batch.identities]


@pytest.mark.parametrize(
    "name",
    ["Connections (1).csv", "Connections - Copy.csv", "connections copy 2.csv", "CONNECTIONS.CSV"],
)
def test_a_second_copys_name_is_still_connections(tmp_path, name):
    named = read_source(write_bytes(tmp_path / "a" / "Connections.csv", CONNECTIONS_2023))
    copy = read_source(write_bytes(tmp_path / "b" / name, CONNECTIONS_2023))
    assert _people(copy) == _people(named)
    assert [f.kind for f in copy.files] == ["connections"]


@pytest.mark.parametrize(
    "text,kind",
    [
        (CONNECTIONS_2023, "connections"),  # below the Notes: preamble
        (CONNECTIONS_OLD, "connections"),  # the header without URL
        (INVITATIONS_2023, "invitations"),
        (MESSAGES, "messages"),
    ],
)
def test_a_renamed_export_file_is_known_by_its_columns(tmp_path, text, kind):
    path = write_bytes(tmp_path / "linkedin_2024_mine.csv", text)
    assert detect_format(path) == "linkedin"
    batch = read_source(path)
    assert [(f.file, f.kind) for f in batch.files] == [("linkedin_2024_mine.csv", kind)]
    assert batch.unknown_files == []
    assert batch.identities or batch.requests


def test_inside_an_export_second_copies_are_read_other_names_are_not(tmp_path):
    renamed = dict(BASIC)
    renamed["Invitations (2).csv"] = renamed.pop("Invitations.csv")
    # LinkedIn's own other files with messages.csv's columns stay unknown.
    renamed["guide_messages.csv"] = MESSAGES
    as_sent = read_source(make_export(tmp_path / "a", BASIC))
    batch = read_source(make_export(tmp_path / "b", renamed))
    assert sorted((f.kind, f.rows) for f in batch.files) == sorted(
        (f.kind, f.rows) for f in as_sent.files
    )
    assert [i.id for i in batch.identities] == [i.id for i in as_sent.identities]
    assert [(r.name, r.sent_at) for r in batch.requests] == [
        (r.name, r.sent_at) for r in as_sent.requests
    ]
    assert sorted(batch.unknown_files) == ["Rich_Media.csv", "guide_messages.csv"]


def test_an_unknown_file_that_is_not_utf8_is_still_only_listed(tmp_path):
    folder = make_export(tmp_path, {"Connections.csv": CONNECTIONS_2023}, as_zip=False)
    (folder / "Ad_Targeting.csv").write_bytes("Member Age\r\nM\xfcnchen\r\n".encode("latin-1"))
    batch = read_source(folder)
    assert batch.unknown_files == ["Ad_Targeting.csv"]
    assert len(batch.identities) == 2


def test_a_csv_that_is_not_linkedins_is_refused_not_imported_empty(tmp_path, db_path):
    path = write_bytes(tmp_path / "addresses.csv", "Name,E-mail Address\r\nAna Silva,ana@x.org\r\n")
    with pytest.raises(InputError) as e:
        read_source(path, format="linkedin")
    assert "holds none of the LinkedIn export's files" in str(e.value)
    result = CliRunner().invoke(app, ["import", "--format", "linkedin", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: holds none of the LinkedIn export's files")
    assert "Get a copy of your data" in result.output
    # Nothing was imported: the store holds no source.
    assert CliRunner().invoke(app, ["sources", "--json"]).output.strip() == "[]"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_file_by_header_never_fails(text):
    assert file_by_header(text) in (
        None,
        "connections",
        "invitations",
        "messages",
        "endorsementreceivedinfo",
        "endorsementgiveninfo",
    )


def test_dates_no_shape_reads_are_a_warning_not_a_silent_loss(tmp_path, db_path):
    odd = CONNECTIONS_2023.replace("15 Jan 2024", "15 janv. 2024").replace(
        "09 Sep 2022", "9 sept. 2022"
    )
    odd_invitations = INVITATIONS_2023.replace('"3/1/23, 9:15 AM"', "le 1er mars")
    files = {"Connections.csv": odd, "Invitations.csv": odd_invitations}
    batch = read_source(make_export(tmp_path, files))
    assert batch.warnings == [
        f"{ZIP}:Connections.csv: 2 'Connected On' date(s) not understood (the first on line 5: "
        "'15 janv. 2024'); those rows are kept without a date",
        f"{ZIP}:Invitations.csv: 1 'Sent At' date(s) not understood (the first on line 2: "
        "'le 1er mars'); those rows are kept without a date",
    ]
    assert [i.name for i in batch.identities][:2] == ["José García", "Jane Doe, PhD"]
    assert [r.name for r in batch.requests] == ["Lena Vogt", "Jane Doe"]
    result = CliRunner().invoke(app, ["import", str(make_export(tmp_path / "cli", files))])
    assert result.exit_code == 0
    assert "Connections.csv: 2 'Connected On' date(s) not understood" in result.output
    # The shapes the export uses give no warning.
    assert read_source(make_export(tmp_path / "ok", BASIC)).warnings == []


def test_a_message_date_no_shape_reads_is_a_warning(tmp_path):
    odd = MESSAGES.replace("2025-04-01 08:00:00 UTC", "1 avril 2025")
    batch = read_source(make_export(tmp_path, {"messages.csv": odd}))
    assert batch.warnings == [
        f"{ZIP}:messages.csv: 1 'Date' date(s) not understood (the first on line 4: "
        "'1 avril 2025'); those rows are kept without a date"
    ]


def test_the_smaller_files_dates_warn_too_and_their_usual_shapes_do_not(tmp_path):
    header = (
        "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,"
        "Endorser Public Url,Endorsement Status\r\n"
    )
    usual = "2024/05/01 10:12:44 UTC,Cataloguing,Grace,Liang,www.linkedin.com/in/grace,ACCEPTED\r\n"
    odd = "hier,Archives,Tom,Brennan,www.linkedin.com/in/tom-b,ACCEPTED\r\n"
    positions = (
        "Company Name,Title,Description,Location,Started On,Finished On\r\n"
        "Westmere City Council,Librarian,,,Jan 2019,\r\n"
        "Harrow & Pike LLP,Solicitor,,,printemps 2013,Dec 2018\r\n"
    )
    files = {"Endorsement_Received_Info.csv": header + usual + odd, "Positions.csv": positions}
    batch = read_source(make_export(tmp_path, files))
    assert [(p["start"], p["end"]) for p in batch.positions] == [
        ("2019-01-01", ""),
        ("", "2018-12-01"),
    ]
    assert [(x.identity_key, x.at) for x in batch.interactions] == [
        ("in/grace", "2024-05-01T10:12:44"),
        ("in/tom-b", None),
    ]
    assert batch.warnings == [
        f"{ZIP}:Positions.csv: 1 'Started On' date(s) not understood (the first on line 3: "
        "'printemps 2013'); those rows are kept without a date",
        f"{ZIP}:Endorsement_Received_Info.csv: 1 'Endorsement Date' date(s) not understood "
        "(the first on line 3: 'hier'); those rows are kept without a date",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Connections", "Invitations", "messages", "Imported Contacts", "Profile"]),
    st.sampled_from([" (1)", "(12)", " - Copy", " copy", " Copy 2", " copy (3)", ""]),
    st.sampled_from([".csv", ".CSV"]),
)
def test_a_copys_name_normalises_to_the_files(stem, suffix, ext):
    from havewemet.importers.linkedin.export import known_file, norm_file

    assert norm_file(stem + suffix + ext) == norm_file(stem + ".csv")
    assert known_file(stem + suffix + ext)
