"""Property tests across every importer and the name/matching functions (issue 6).

Every reader gets valid samples mutated byte by byte (flips, inserts, deletes,
duplicated spans, hostile strings spliced in) and arbitrary Unicode text; the
only exception allowed is :class:`~havewemet.errors.HaveWeMetError` (a clear
``Error:`` line). The long coverage-guided run is ``bench/fuzz_parsers.py``; these
stay fast (a few seconds per reader).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havewemet.errors import HaveWeMetError
from havewemet.evaluate.identity import pair_probability
from havewemet.identity.handles import handle_fit
from havewemet.identity.names import fold, given_names_match, parse_name, skeleton
from havewemet.importers import read_source, readers
from havewemet.importers._io import parse_date
from havewemet.normalize import normalize_email, profile_slug

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# format -> (file name, valid sample)
SAMPLES: dict[str, tuple[str, str]] = {
    "linkedin": (
        "Connections.csv",
        '\ufeffNotes:\r\n"When exporting, some have no email."\r\n'
        "\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        'Ada,"Lovelace, PhD",https://www.linkedin.com/in/ada-l,ada@example.org,'
        "Analytical,Eng,09 Sep 2022\r\n,,,,,,01 Jan 2020\r\n",
    ),
    "vcard": (
        "contacts.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada "
        "Lovelace\r\nEMAIL;TYPE=INTERNET:ada@example.org\r\nTEL;TYPE=CELL:+44 20 7946 "
        "0000\r\nNOTE:met at the\r\n  conference\r\nEND:VCARD\r\n",
    ),
    "google-csv": (
        "google.csv",
        "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - "
        "Value\nAda Lovelace,Ada,Lovelace,* Home,ada@example.org ::: a@x.org\n",
    ),
    "outlook-csv": (
        "outlook.csv",
        "First Name,Middle Name,Last Name,E-mail Address,Mobile "
        "Phone,Company\r\nBob,,Stone,bob@example.com,555,Acme\r\n",
    ),
    "thunderbird-csv": (
        "tb.csv",
        "First Name,Last Name,Display Name,Nickname,Primary Email"
        "\nCarol,Ng,Carol Ng,cn,carol@example.net\n",
    ),
    "contacts-csv": (
        "addressbook.csv",
        "Carol Ng,carol@example.net,+44 20 7946 0000\r\nDan Li,dan@example.org,\r\n",
    ),
    "ical": (
        "cal.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1@x\r\nDTSTART:20230301T090000Z\r\nDTEND:20230301T100000Z\r\nSUMMARY:Coffee"
        "\r\nORGANIZER;CN=Ruth:mailto:ruth@example.org\r\nATTENDEE;CN=Ada Lovelace;"
        "PARTSTAT=ACCEPTED:mailto:ada@example.org\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    ),
    "mbox": (
        "mail.mbox",
        "From ada@example.org Wed Mar  1 09:15:00 2023\nFrom: Ada Lovelace "
        "<ada@example.org>\nTo: Ruth <ruth@example.org>, bob@example.com\nDate: Wed, 01 "
        "Mar 2023 09:15:00 +0000\nSubject: Hello\nMessage-ID: <1@x>\n\nHi\n",
    ),
    "eml": (
        "one.eml",
        "From: invitations@linkedin.com\nX-LinkedIn-Class: INVITE-MBR\nTo: "
        "ruth@example.org\nDate: Wed, 01 Mar 2023 09:15:00 +0000\nSubject: Bob wants to "
        "connect\n\nBob Stone\nLibrarian\nhttps://www.linkedin.com/comm/in/bob-s\n",
    ),
    "mastodon-csv": (
        "following_accounts.csv",
        "Account address,Show boosts,Notify on new "
        "posts,Languages\nuser@example.com,true,false,\nada@m.social,true,true,"
        '"en,fr"\n',
    ),
    "x-archive": (
        "following.js",
        'window.YTD.following.part0 = [ {\n  "following" : {\n    '
        '"accountId" : "547842573"\n  }\n} ]',
    ),
    "facebook-json": (
        "your_friends.json",
        '{"friends_v2": [{"name": "Alice Nguyen", '
        '"timestamp": 1190678400}, {"name": "Bob \\u00c3\\u00a9", "timestamp":'
        " 1201824000}]}",
    ),
    "bluesky-json": (
        "follows.json",
        '{"records": [{"$type": "app.bsky.graph.follow", '
        '"subject": "did:plc:xyz", "createdAt": "2024-01-01T00:00:00Z"}]}',
    ),
    "people-list": (
        "attendees.csv",
        "Full Name,Email,Company\nAda Lovelace,ada@example.org,"
        'Analytical\n"Stone, Bob",bob@example.com,Acme\n',
    ),
}
HOSTILE = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b'"',
    b"\r",
    b"\n ",
    b"=\r\n",
    b",,,,",
    b"\xc3",
    "\u202e".encode(),
    b'=HYPERLINK("x")',
    b"[bold]",
    b"<script>",
    b"{",
    b"]",
    b"BEGIN:VCARD\r\n",
    b"END:VEVENT\r\n",
    b"From x\n",
    b"9" * 40,
    b";" * 30,
]
_counter = itertools.count()


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "hostile", "cut"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "dup":
            end = draw(st.integers(pos, min(len(data), pos + 200)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 20))
        elif op == "hostile":
            data[pos:pos] = draw(st.sampled_from(HOSTILE))
        else:
            data = data[:pos]
    return bytes(data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


def _read(scratch: Path, fmt: str, data: bytes) -> None:
    name = SAMPLES[fmt][0]
    folder = scratch / f"{fmt}-{next(_counter)}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    try:
        batch = read_source(path, format=fmt)
    except HaveWeMetError as e:
        assert str(e)  # a message, naming something
        return
    for rec in (*batch.identities, *batch.interactions, *batch.requests):
        assert rec.file, "every record keeps its provenance"


def test_every_reader_has_a_sample():
    assert set(SAMPLES) == set(readers()) - {"maildir"}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_samples_import(scratch, fmt):
    name, text = SAMPLES[fmt]
    path = scratch / f"ok-{fmt}" / name
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    batch = read_source(path, format=fmt)
    assert batch.identities or batch.requests, fmt


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_mutated_input_gives_a_batch_or_a_clear_error(scratch, fmt):
    @SETTINGS
    @given(data=mutated(SAMPLES[fmt][1].encode()))
    def run(data: bytes) -> None:
        _read(scratch, fmt, data)

    run()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_arbitrary_text_gives_a_batch_or_a_clear_error(scratch, fmt):
    @settings(SETTINGS, max_examples=15)
    @given(text=st.text(max_size=400))
    def run(text: str) -> None:
        _read(scratch, fmt, text.encode("utf-8", "surrogatepass"))

    run()


# -- names and matching --------------------------------------------------------------

NAMES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "Dr. Ada Lovelace, PhD",
            "José María García-López",
            "Ng",
            "O'Brien",
            "van der Berg, Anna",
            "李小龍",
            "Ахмед Ибрагим",
            "Bob",
            "  ",
            "Sir",
            "Mc Donald",
            "ß",
            "ǅemal",
            "\u0130stanbul",
            "A.B. C",
        ]
    ),
)


@SETTINGS
@given(NAMES)
def test_fold_is_idempotent_and_parse_name_never_fails(text):
    assert fold(fold(text)) == fold(text)
    parsed = parse_name(text)
    assert isinstance(parsed.full, str)
    for w in parsed.full.split():
        skeleton(w)


@settings(SETTINGS, max_examples=80)
@given(NAMES, NAMES)
def test_given_names_match_is_symmetric(a, b):
    assert given_names_match(a, b) == given_names_match(b, a)


@settings(SETTINGS, max_examples=80)
@given(NAMES, NAMES)
def test_pair_probability_is_symmetric_and_bounded(a, b):
    p_ab, _ = pair_probability(a, b)
    p_ba, _ = pair_probability(b, a)
    assert 0.0 <= p_ab <= 1.0
    assert p_ab == pytest.approx(p_ba, abs=1e-9)


@settings(SETTINGS, max_examples=80)
@given(NAMES, NAMES)
def test_pair_probability_is_bounded(a, b):
    assert 0.0 <= pair_probability(a, b)[0] <= 1.0


@SETTINGS
@given(NAMES)
def test_a_name_matches_itself_when_it_has_a_surname(name):
    parsed = parse_name(name)
    if parsed.first and parsed.last:
        assert pair_probability(name, name)[0] >= 0.5


@SETTINGS
@given(st.text(max_size=80), NAMES)
def test_handles_and_emails_never_fail(handle, name):
    score, _why = handle_fit(handle, name)
    assert 0.0 <= score <= 1.0
    e = normalize_email(handle)
    assert normalize_email(e) == e
    profile_slug(handle)


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "09 Sep 2022",
                "3/1/23, 9:15 AM",
                "2023-04-01 10:00:00 UTC",
                "Mar 2023",
                "2023",
                "31 Feb 2022",
                "2023-03-01T09:15:00+02:00",
                "99/99/99",
                "0000-00-00",
            ]
        ),
    )
)
def test_parse_date_is_total_and_idempotent(value):
    out = parse_date(value)
    if out is not None:
        assert parse_date(out) == out
