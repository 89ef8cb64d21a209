"""The LinkedIn export reader, on exports written here in their exact real shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import read_source
from havewemet.importers._io import parse_date, read_csv
from tests.conftest import write_bytes

CONNECTIONS_2023 = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of your connections '
    "don't have an email address. This is expected behavior.\"\r\n"
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    'José,García,https://www.linkedin.com/in/josegarcia,,"Acme, Inc.",Senior Engineer,'
    "15 Jan 2024\r\n"
    'Jane,"Doe, PhD",https://www.linkedin.com/in/jane-doe-4a1b2c3,jane@example.org,'
    'Globex,"Director, Operations",09 Sep 2022\r\n'
    ",,,,,,03 Feb 2024\r\n"
)
CONNECTIONS_OLD = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
    'Robert,Smith,,Westmere Council,Librarian,"3/1/18, 9:15 AM"\r\n'
)
INVITATIONS_2023 = (
    "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\r\n"
    'Lena Vogt,Ruth Calloway,"3/1/23, 9:15 AM","Hi Ruth, can we book a quick call?",'
    "INCOMING,https://www.linkedin.com/in/lena-vogt-91a2,https://www.linkedin.com/in/ruth\r\n"
    'Jane Doe,Ruth Calloway,"8/2/22, 10:05 PM",,INCOMING,'
    "https://www.linkedin.com/in/jane-doe-4a1b2c3,https://www.linkedin.com/in/ruth\r\n"
    'Ruth Calloway,Tom Brennan,"11/30/22, 12:01 AM",,OUTGOING,https://www.linkedin.com/in/ruth,'
    "https://www.linkedin.com/in/tom-brennan\r\n"
)
INVITATIONS_OLD = (
    "From,To,Sent At,Message,Direction\r\n"
    'Sam Seller,Ruth Calloway,"12/24/19, 6:00 AM",,INCOMING\r\n'
)
MESSAGES = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
    "SUBJECT,CONTENT,FOLDER\r\n"
    "c1,,Daniel Okafor,https://www.linkedin.com/in/daniel-okafor,Ruth Calloway,"
    'https://www.linkedin.com/in/ruth,2025-03-01 10:00:00 UTC,,"Hi, Ruth",INBOX\r\n'
    "c1,,Ruth Calloway,https://www.linkedin.com/in/ruth,Daniel Okafor,"
    "https://www.linkedin.com/in/daniel-okafor,2025-03-02 11:30:00 UTC,,Hello!,INBOX\r\n"
    "c2,,Sam Seller,https://www.linkedin.com/in/ACoAAsam,Ruth Calloway,"
    "https://www.linkedin.com/in/ruth,2025-04-01 08:00:00 UTC,,Buy now,INBOX\r\n"
    "c3,,Ruth Calloway,https://www.linkedin.com/in/ruth,Amira Haddad,"
    "https://www.linkedin.com/in/amira,2025-05-01 08:00:00 UTC,,Lunch?,SENT\r\n"
)
PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\r\n"
    'Ruth,Calloway,,,,Senior Librarian,,Libraries,,"Westmere, England",[ruthc],,\r\n'
)


def make_export(folder: Path, files: dict[str, str], *, as_zip: bool = True) -> Path:
    if as_zip:
        path = folder / "Basic_LinkedInDataExport_11-20-2026.zip"
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as zf:
            for name, text in files.items():
                zf.writestr(name, "\ufeff" + text)
        return path
    for name, text in files.items():
        write_bytes(folder / name, text)
    return folder


BASIC = {
    "Connections.csv": CONNECTIONS_2023,
    "Invitations.csv": INVITATIONS_2023,
    "messages.csv": MESSAGES,
    "Profile.csv": PROFILE,
    "Rich_Media.csv": "Date/Time\r\n",
}


def test_connections_2023_shape(tmp_path):
    batch = read_source(make_export(tmp_path, BASIC))
    conns = [i for i in batch.identities if i.connection]
    assert [(i.name, i.key, i.company, i.title, i.emails) for i in conns] == [
        ("José García", "in/josegarcia", "Acme, Inc.", "Senior Engineer", []),
        (
            "Jane Doe, PhD",
            "in/jane-doe-4a1b2c3",
            "Globex",
            "Director, Operations",
            ["jane@example.org"],
        ),
    ]
    connected = [(i.identity_key, i.at) for i in batch.interactions if i.kind == "connected"]
    assert connected == [("in/josegarcia", "2024-01-15"), ("in/jane-doe-4a1b2c3", "2022-09-09")]
    report = {f.file: f for f in batch.files}["Connections.csv"]
    assert report.note == "1 hidden profiles (date only) skipped"
    assert conns[0].line == 5  # provenance: the line below the preamble and header
    assert batch.unknown_files == ["Rich_Media.csv"]


def test_connections_old_shape(tmp_path):
    batch = read_source(make_export(tmp_path, {"Connections.csv": CONNECTIONS_OLD}))
    (ident,) = batch.identities
    assert (ident.name, ident.company, ident.urls) == ("Robert Smith", "Westmere Council", [])
    assert batch.interactions[0].at == "2018-03-01T09:15:00"


def test_invitations_both_generations(tmp_path):
    batch = read_source(make_export(tmp_path, {"Invitations.csv": INVITATIONS_2023}))
    assert [(r.name, r.profile_url, r.sent_at, r.note) for r in batch.requests] == [
        (
            "Lena Vogt",
            "https://www.linkedin.com/in/lena-vogt-91a2",
            "2023-03-01T09:15:00",
            "Hi Ruth, can we book a quick call?",
        ),
        ("Jane Doe", "https://www.linkedin.com/in/jane-doe-4a1b2c3", "2022-08-02T22:05:00", ""),
    ]
    outgoing = [(i.kind, i.direction, i.identity_key) for i in batch.interactions]
    assert outgoing == [("invitation", "out", "in/tom-brennan")]
    old = read_source(make_export(tmp_path / "old", {"Invitations.csv": INVITATIONS_OLD}))
    assert [(r.name, r.profile_url, r.sent_at) for r in old.requests] == [
        ("Sam Seller", "", "2019-12-24T06:00:00")
    ]


def test_pending_excludes_connections(tmp_path, store):
    store.save(read_source(make_export(tmp_path, BASIC)))
    assert [r.name for r in store.requests()] == ["Lena Vogt"]
    assert [r.name for r in store.requests(status="connected")] == ["Jane Doe"]


def test_messages_aggregated_per_person_and_direction(tmp_path):
    batch = read_source(make_export(tmp_path, BASIC))
    msgs = sorted(
        (i.identity_key, i.direction, i.count, i.at)
        for i in batch.interactions
        if i.kind == "message"
    )
    assert msgs == [
        ("in/acoaasam", "in", 1, "2025-04-01T08:00:00"),
        ("in/amira", "out", 1, "2025-05-01T08:00:00"),
        ("in/daniel-okafor", "in", 1, "2025-03-01T10:00:00"),
        ("in/daniel-okafor", "out", 1, "2025-03-02T11:30:00"),
    ]
    assert batch.me.name == "Ruth Calloway"
    assert batch.me.handles == ["@ruthc"]


@pytest.mark.parametrize("name", ["Imported Contacts.csv", "ImportedContacts.csv", "Contacts.csv"])
def test_imported_contacts_all_historical_names(tmp_path, name):
    text = (
        "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt,Addresses,"
        "Sites,InstantMessageHandles,FullName,Birthday,Location,BookmarkedAt,Profiles\r\n"
        'Outlook,Priya,Raman,Harrow & Pike LLP,Solicitor,"priya@hp.co.uk,p.raman@x.com",'
        ",2016-05-03 09:00:00 UTC,,,,Priya Raman,,London,,"
        "https://www.linkedin.com/in/priya-raman-law\r\n"
    )
    batch = read_source(make_export(tmp_path, {name: text}))
    (ident,) = batch.identities
    assert (ident.name, ident.emails, ident.urls, ident.company) == (
        "Priya Raman",
        ["priya@hp.co.uk", "p.raman@x.com"],
        ["https://www.linkedin.com/in/priya-raman-law"],
        "Harrow & Pike LLP",
    )
    assert [(i.kind, i.at) for i in batch.interactions] == [("contact", "2016-05-03T09:00:00")]


def test_endorsements_recommendations_positions_follows(tmp_path):
    files = {
        "Endorsement_Received_Info.csv": "Endorsement Date,Skill Name,Endorser First Name,"
        "Endorser Last Name,Endorser Public Url,Endorsement Status\r\n"
        "2024/05/01 10:12:44 UTC,Cataloguing,Grace,Liang,www.linkedin.com/in/grace-liang,"
        "ACCEPTED\r\n",
        "Recommendations_Received.csv": "First Name,Last Name,Company,Job Title,Text,"
        'Creation Date,Status\r\nPriya,Raman,Harrow & Pike LLP,Solicitor,"Great, thorough",'
        '"11/02/18, 03:20 PM",VISIBLE\r\n',
        "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\r\n"
        "Westmere City Council,Librarian,,Westmere,Jan 2019,\r\n",
        "Member_Follows.csv": 'Status,Date,FullName\r\nActive,"2/3/25, 4:20 PM",Marcus Fenwick\r\n',
    }
    batch = read_source(make_export(tmp_path, files))
    got = sorted((i.kind, i.direction, i.at, i.detail) for i in batch.interactions)
    assert got == [
        ("endorsement", "in", "2024-05-01T10:12:44", "Cataloguing"),
        ("follow", "out", "2025-02-03T16:20:00", "LinkedIn"),
        ("recommendation", "in", "2018-11-02T15:20:00", "Great, thorough"),
    ]
    assert batch.positions[0]["start"] == "2019-01-01" and batch.positions[0]["end"] == ""


def test_zip_folder_and_single_file_agree(tmp_path):
    z = read_source(make_export(tmp_path / "z", BASIC))
    f = read_source(make_export(tmp_path / "f", BASIC, as_zip=False))
    single = read_source(write_bytes(tmp_path / "s" / "Connections.csv", CONNECTIONS_2023))
    assert [i.id for i in z.identities] == [i.id for i in f.identities]
    assert [i.id for i in single.identities] == [i.id for i in z.identities][:2]


def test_reimport_changes_nothing(tmp_path, store):
    path = make_export(tmp_path, BASIC)
    first = store.save(read_source(path))
    counts = store.counts()
    again = store.save(read_source(path))
    assert first.added["identities"] == 6
    assert store.counts() == counts
    assert sum(again.added.values()) == 0 and sum(again.updated.values()) == 0


def test_newer_export_updates_and_adds(tmp_path, store):
    store.save(read_source(make_export(tmp_path / "a", BASIC)))
    newer = dict(BASIC)
    newer["Connections.csv"] = CONNECTIONS_2023.replace("Globex", "Initech") + (
        "Tom,Brennan,https://www.linkedin.com/in/tom-brennan,,Westmere,Manager,01 Nov 2026\r\n"
    )
    result = store.save(read_source(make_export(tmp_path / "b", newer)))
    assert result.added["identities"] == 0  # Tom was known from the outgoing invitation
    assert result.updated["identities"] == 2
    row = next(store._db.query("select company from identities where key = 'in/jane-doe-4a1b2c3'"))
    assert row["company"] == "Initech"


def test_truncated_zip_is_a_clear_error(tmp_path, store):
    path = make_export(tmp_path, BASIC)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as e:
        read_source(path)
    assert "Basic_LinkedInDataExport_11-20-2026.zip" in str(e.value)
    assert "Download the export again" in str(e.value)


def test_missing_column_names_file_and_fix(tmp_path):
    bad = CONNECTIONS_2023.replace(",Connected On", ",Joined")
    with pytest.raises(InputError) as e:
        read_source(make_export(tmp_path, {"Connections.csv": bad}))
    msg = str(e.value)
    assert "Connections.csv" in msg and "Connected On" in msg and "Export it again" in msg


def test_non_utf8_file_names_the_line(tmp_path):
    text = CONNECTIONS_OLD + "Zo\xeb,M\xfcller,,Acme,Clerk,01 Jan 2020\r\n"
    path = tmp_path / "Connections.csv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError) as e:
        read_source(path)
    assert e.value.line == 3
    assert "Connections.csv, line 3: is not UTF-8" in str(e.value)


def test_broken_import_leaves_store_unchanged(tmp_path, store):
    store.save(read_source(make_export(tmp_path / "good", BASIC)))
    before = {
        t: list(store._db.query(f"select * from [{t}] order by 1"))
        for t in ("identities", "interactions", "requests", "sources")
    }
    broken = dict(BASIC, **{"messages.csv": MESSAGES.replace("DATE", "WHEN")})
    with pytest.raises(InputError):
        store.save(read_source(make_export(tmp_path / "bad", broken)))
    after = {t: list(store._db.query(f"select * from [{t}] order by 1")) for t in before}
    assert after == before


def test_unknown_files_listed_not_fatal(tmp_path):
    files = dict(
        BASIC,
        **{
            "Jobs/Job Applications.csv": "Application Date\r\n",
            "Learning.csv": "Content Title\r\n",
        },
    )
    batch = read_source(make_export(tmp_path, files))
    assert sorted(batch.unknown_files) == [
        "Jobs/Job Applications.csv",
        "Learning.csv",
        "Rich_Media.csv",
    ]
    assert json.dumps(batch.unknown_files)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("09 Sep 2022", "2022-09-09"),
        ("3/1/23, 9:15 AM", "2023-03-01T09:15:00"),
        ("2023-04-01 10:00:00 UTC", "2023-04-01T10:00:00"),
        ("Mar 2023", "2023-03-01"),
        ("", None),
        ("not a date", None),
    ],
)
def test_parse_date_shapes(value, expected):
    assert parse_date(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_read_csv_never_crashes(text):
    try:
        table = read_csv(text, "x.csv", header_markers=("First Name",))
    except InputError as e:
        assert str(e).startswith("x.csv")
    else:
        assert "firstname" in table.header


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_date_never_crashes(text):
    out = parse_date(text)
    assert out is None or out[:4].isdigit()


# -- messages.csv: each person's first and last message (issue 2: found on the raw
# texts when every date has the file's own shape, parsed row by row otherwise) ---------

_MSG_HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER\r\n"
)


def _dated_messages(tmp_path: Path, dates: list[str]) -> list[tuple]:
    """One person writing to the user once per date (the user answers once, so that
    the user is told apart); the person's incoming interaction."""
    rows = [
        f"c1,,Dana Lee,https://www.linkedin.com/in/dana,Ruth Calloway,"
        f'https://www.linkedin.com/in/ruth,"{d}",,hi,INBOX\r\n'
        for d in dates
    ]
    rows.append(
        "c1,,Ruth Calloway,https://www.linkedin.com/in/ruth,Dana Lee,"
        "https://www.linkedin.com/in/dana,2024-01-01 00:00:00 UTC,,hello,SENT\r\n"
    )
    files = dict(BASIC, **{"messages.csv": _MSG_HEADER + "".join(rows)})
    batch = read_source(make_export(tmp_path, files))
    return [
        (i.count, i.at, i.detail)
        for i in batch.interactions
        if i.kind == "message" and i.direction == "in"
    ]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (  # the file's own shape, out of order
            ["2025-03-02 11:30:00 UTC", "2024-12-31 23:59:59 UTC", "2025-03-01 10:00:00 UTC"],
            (3, "2025-03-02T11:30:00", "first 2024-12-31T23:59:59"),
        ),
        (  # a day that does not exist would be the latest text: not a date, left out
            ["2025-02-30 10:00:00 UTC", "2025-02-01 10:00:00 UTC", "2025-01-01 09:00:00 UTC"],
            (3, "2025-02-01T10:00:00", "first 2025-01-01T09:00:00"),
        ),
        (  # another shape among them: every date parsed
            ["2025-03-01 10:00:00 UTC", "3/1/26, 9:15 AM", "1/2/19, 7:00 PM"],
            (3, "2026-03-01T09:15:00", "first 2019-01-02T19:00:00"),
        ),
        (  # no readable date at all
            ["", "not a date"],
            (2, None, ""),
        ),
    ],
)
def test_message_first_and_last_whatever_the_date_shapes(tmp_path, dates, expected):
    assert _dated_messages(tmp_path, dates) == [expected]


_DATES = st.one_of(
    st.builds(
        "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d} UTC".format,
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 24),
        st.integers(0, 60),
        st.integers(0, 60),
    ),
    st.sampled_from(["", "3/1/23, 9:15 AM", "2025-03-01", "٢٠٢٥-03-01 10:00:00 UTC", "x"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_DATES, min_size=1, max_size=8))
def test_message_first_and_last_are_the_parsed_extremes(tmp_path_factory, dates):
    parsed = [d for d in map(parse_date, dates) if d]
    got = _dated_messages(tmp_path_factory.mktemp("m"), dates)
    first = f"first {min(parsed)}" if parsed else ""
    assert got == [(len(dates), max(parsed) if parsed else None, first)]


def test_the_user_is_told_apart_the_same_way_in_every_process(tmp_path):
    """Two participants in as many conversations, no Profile.csv: the first to appear
    is taken for the user, whatever the process's string hashes (a set's order)."""
    rows = []
    for conv in ("c1", "c2", "c3", "c4"):
        for who, url in (("Ann Vo", "ann"), ("Bea Ruiz", "bea")):
            rows.append(
                f"{conv},,{who},https://www.linkedin.com/in/{url},Cy Lam,"
                f"https://www.linkedin.com/in/cy,2025-03-01 10:00:00 UTC,,hi,INBOX\r\n"
            )
    export = make_export(tmp_path, {"messages.csv": _MSG_HEADER + "".join(rows)})
    code = (
        "import sys; from havewemet.importers import read_source; "
        "b = read_source(sys.argv[1]); "
        "print(sorted((i.identity_key, i.direction) for i in b.interactions))"
    )
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        out = subprocess.run(
            [sys.executable, "-c", code, str(export)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        seen.add(out.stdout.strip())
    assert seen == {"[('in/bea', 'in'), ('in/cy', 'out')]"}


_SLUG_CHARS = st.text(
    st.one_of(st.sampled_from("-._~/%?#Aa0 "), st.characters(codec="utf-8")), max_size=12
)


@settings(max_examples=400)
@given(_SLUG_CHARS, st.sampled_from(["", "/", "?x=1", " "]))
def test_a_profile_urls_key_is_its_slug_as_profile_slug_gives_it(slug: str, tail: str) -> None:
    from havewemet.importers.linkedin.export import _slug
    from havewemet.normalize import profile_slug

    url = f"https://www.linkedin.com/in/{slug}{tail}"
    assert _slug(url) == (profile_slug(url) or "")
