"""The mail readers: mbox, Maildir, .eml, and LinkedIn invitation notification mail."""

from __future__ import annotations

import quopri
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source
from havewemet.importers.mail import parse_eml, parse_maildir, parse_mbox
from havewemet.models import ImportBatch, Request
from havewemet.store import Store

ME = "alex.example@gmail.com"


def msg(frm: str, to: str, date: str, subject: str, body: str = "Hi!\n", *extra: str) -> str:
    return "\n".join(
        [
            "Return-Path: <bounce@mx.example>",
            f"Delivered-To: {ME}",
            f"From: {frm}",
            f"To: {to}",
            f"Subject: {subject}",
            f"Date: {date}",
            f"Message-ID: <{abs(hash((frm, date))) % 10**12}@mail.example>",
            *extra,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
        ]
    )


def linkedin(name: str, slug: str, subject: str, date: str, plain: str, template: str) -> str:
    """An invitation mail as LinkedIn sends it: multipart/alternative, QP plain + HTML."""
    boundary = "----=_Part_3434566_1234567.1709288000123"
    qp = quopri.encodestring(plain.encode()).decode()
    html = (
        f'<html><body><table><tr><td><a href="https://www.linkedin.com/comm/in/{slug}?'
        f'midToken=AQGx&amp;trk=eml-{template}-hero-0-profile~photo">{name}</a></td></tr>'
        f"<tr><td><p>{plain.splitlines()[5] if len(plain.splitlines()) > 5 else ''}</p>"
        "</td></tr></table></body></html>"
    )
    return "\n".join(
        [
            "Return-Path: <s-2ab3c4d5e6f7@bounce.linkedin.com>",
            f"Delivered-To: {ME}",
            f"From: {name} <invitations@linkedin.com>",
            "Message-ID: <1234567890.1234.1709288000123@lva1-app12345.prod.linkedin.com>",
            f"Subject: {subject}",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
            f"To: Alex Example <{ME}>",
            f"Date: {date}",
            "X-LinkedIn-Class: INVITE-MBR",
            f"X-LinkedIn-Template: {template}",
            "X-LinkedIn-Id: 5d2ab-lt7x",
            "List-Unsubscribe: <https://www.linkedin.com/comm/psettings/email-unsubscribe?lipi=x>",
            "Feedback-ID: invitations:linkedin",
            "",
            f"--{boundary}",
            "Content-Type: text/plain;charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "Content-ID: text-body",
            "",
            qp,
            f"--{boundary}",
            "Content-Type: text/html;charset=UTF-8",
            "Content-Transfer-Encoding: 7bit",
            "Content-ID: html-body",
            "",
            html,
            f"--{boundary}--",
            "",
        ]
    )


FOOTER = (
    "\n-----------------------------------------\n\n"
    "This email was intended for Alex Example (Product Manager at Globex)\n"
    "Learn why we included this: https://www.linkedin.com/help/linkedin/answer/4788?lang=en\n"
    "You are receiving Invitation emails.\n\n"
    "Unsubscribe: https://www.linkedin.com/comm/psettings/email-unsubscribe?lipi=urn%3Ali\n"
    "© 2024 LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA 94085.\n"
)


def invite_plain(name: str, slug: str, headline: str, *middle: str) -> str:
    accept = (
        "https://www.linkedin.com/comm/mynetwork/discovery-see-all?usecase=PEOPLE_FOLLOWS"
        f"&followMember={slug}&midToken=AQGx&trk=eml-email_m2m_invite_single_01-hero-1"
        "-accept~cta&trkEmail=eml-email_m2m_invite_single_01-hero-1-accept~cta-null-abc"
    )
    return "\n".join(
        [
            "Hi Alex,",
            "",
            "I'd like to join your LinkedIn network.",
            "",
            name,
            headline,
            "Berlin, Germany",
            "",
            *middle,
            f"Accept: {accept}",
            "",
            f"View profile: https://www.linkedin.com/comm/in/{slug}?midToken=AQGx&midSig=0Abc"
            "&trk=eml-email_m2m_invite_single_01-hero-0-profile~photo",
            "",
            "Anna Schmidt, Markus Weber and 3 others are mutual connections",
            FOOTER,
        ]
    )


PRIYA = ("Priya Raman", "priya-raman-0b1c2d", "Head of Data Partnerships at Northwind Analytics")
TOM = ("Tom Becker", "tom-becker-7f", "Founder at Becker Ventures | Angel investor")
TOM_NOTE = (
    "Hi Alex, we met at the PyData Berlin speaker dinner last June – would be great "
    "to stay in touch!"
)


def mailbox_messages() -> list[tuple[str, str]]:
    """(From_ line, message) pairs of a Gmail Takeout style mbox."""
    return [
        (
            "From 1792000000000000001@xxx Fri Mar 01 10:00:00 +0000 2024",
            msg(
                '"Doe, Jane" <Jane.Doe@acme.example>',
                f"Alex Example <{ME}>",
                "Fri, 1 Mar 2024 10:00:00 +0100",
                "Lunch next week?",
                "Hi!\n",
                "X-Gmail-Labels: Inbox,Important",
            ),
        ),
        (
            "From 1792000000000000002@xxx Sat Mar 02 08:30:00 +0000 2024",
            msg(
                f"Alex Example <{ME}>",
                '"Doe, Jane" <jane.doe@acme.example>',
                "Sat, 2 Mar 2024 09:30:00 +0100",
                "Re: Lunch next week?",
                "Sure!\n",
                "X-Gmail-Labels: Sent",
            ),
        ),
        (
            "From 1792000000000000003@xxx Tue Mar 05 17:45:00 +0000 2024",
            msg(
                "Jane Doe <jane.doe@acme.example>",
                ME,
                "Tue, 05 Mar 2024 12:45:00 -0500",
                "Re: Re: Lunch next week?",
                "Great\n",
                "X-Gmail-Labels: Inbox",
            ),
        ),
        (
            "From 1792000000000000004@xxx Wed Mar 06 07:00:00 +0000 2024",
            msg(
                "Shop News <news@shop.example>",
                ME,
                "Wed, 6 Mar 2024 07:00:00 +0000",
                "50% off",
                "Deals\n",
                "List-Unsubscribe: <mailto:unsub@shop.example>",
                "Precedence: bulk",
            ),
        ),
        (
            "From 1792000000000000005@xxx Wed Mar 06 08:00:00 +0000 2024",
            msg(
                "GitHub <noreply@github.com>",
                ME,
                "Wed, 6 Mar 2024 08:00:00 +0000",
                "[GitHub] A new SSH key was added",
            ),
        ),
        (
            "From 1792000000000000006@xxx Thu Mar 07 09:00:00 +0000 2024",
            msg(
                "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@mueller.example>",
                ME,
                "Thu, 7 Mar 2024 09:00:00 +0100",
                "=?UTF-8?B?R3LDvMOfZQ==?=",
            ),
        ),
        # An 8-bit header: raw UTF-8 in the display name.
        (
            "From 1792000000000000007@xxx Fri Mar 08 09:00:00 +0000 2024",
            msg("Zoë Quinn <zoe@example.net>", ME, "Fri, 8 Mar 2024 09:00:00 +0000", "Hallo"),
        ),
        (
            "From 1792000000000000008@xxx Sat Mar 09 09:00:00 +0000 2024",
            msg(
                f"Alex Example <{ME}>",
                "Carol Nguyen <carol@globex.example>",
                "Sat, 9 Mar 2024 09:00:00 +0000",
                "Intro",
                "Hi\n",
                "Cc: Dan Ortiz <dan@acme.example>, Alex Example <" + ME + ">",
                "X-Gmail-Labels: Sent",
            ),
        ),
        (
            "From 1792000000000000009@xxx Fri Mar 01 10:13:20 +0000 2024",
            linkedin(
                PRIYA[0],
                PRIYA[1],
                "Priya Raman wants to connect",
                "Fri, 1 Mar 2024 10:13:20 +0000 (UTC)",
                invite_plain(*PRIYA),
                "email_m2m_invite_single_01",
            ),
        ),
        (
            "From 1792000000000000010@xxx Fri Mar 08 10:13:20 +0000 2024",
            linkedin(
                PRIYA[0],
                PRIYA[1],
                "Priya Raman's invitation is waiting for your response",
                "Fri, 8 Mar 2024 10:13:20 +0000 (UTC)",
                invite_plain(
                    PRIYA[0], PRIYA[1], PRIYA[2], "Priya Raman is waiting for your response.", ""
                ),
                "email_m2m_invite_reminder_01",
            ),
        ),
        (
            "From 1792000000000000011@xxx Sun Mar 10 18:00:00 +0000 2024",
            linkedin(
                TOM[0],
                TOM[1],
                "I want to connect",
                "Sun, 10 Mar 2024 18:00:00 +0000 (UTC)",
                invite_plain(*TOM, f"\u201c{TOM_NOTE}\u201d", ""),
                "email_m2m_invite_single_01",
            ),
        ),
    ]


def mbox_bytes(blank_separator: bool = True) -> bytes:
    parts = []
    for n, (from_, body) in enumerate(mailbox_messages()):
        body = body.replace("\nFrom ", "\n>From ")
        # Roundcube/Thunderbird quirk: no blank line before one "From " line.
        sep = "\n" if blank_separator or n != 3 else ""
        parts.append(f"{from_}\n{body.rstrip(chr(10))}\n{sep}")
    return "".join(parts).encode()


EXPECTED_IDENTITIES = [
    ("carol@globex.example", "Carol Nguyen"),
    ("dan@acme.example", "Dan Ortiz"),
    ("jane.doe@acme.example", "Doe, Jane"),
    ("joerg@mueller.example", "Jörg Müller"),
    ("zoe@example.net", "Zoë Quinn"),
]
EXPECTED_INTERACTIONS = [
    ("carol@globex.example", "out", 1, "2024-03-09T09:00:00", "first 2024-03-09T09:00:00"),
    ("dan@acme.example", "out", 1, "2024-03-09T09:00:00", "first 2024-03-09T09:00:00"),
    ("jane.doe@acme.example", "in", 2, "2024-03-05T17:45:00", "first 2024-03-01T09:00:00"),
    ("jane.doe@acme.example", "out", 1, "2024-03-02T08:30:00", "first 2024-03-02T08:30:00"),
    ("joerg@mueller.example", "in", 1, "2024-03-07T08:00:00", "first 2024-03-07T08:00:00"),
    ("zoe@example.net", "in", 1, "2024-03-08T09:00:00", "first 2024-03-08T09:00:00"),
]


def records(batch):
    idents = sorted((i.key, i.name) for i in batch.identities)
    inters = sorted(
        (i.identity_key, i.direction, i.count, i.at, i.detail) for i in batch.interactions
    )
    assert {i.kind for i in batch.interactions} <= {"mail"}
    return idents, inters


EXPECTED_REQUESTS = [
    Request(
        name="Priya Raman",
        profile_url="https://www.linkedin.com/in/priya-raman-0b1c2d",
        headline=PRIYA[2],
        note="",
        sent_at="2024-03-01T10:13:20",
        mutuals=["Anna Schmidt", "Markus Weber"],
        reminders=1,
        mutual_count=5,
    ),
    Request(
        name="Tom Becker",
        profile_url="https://www.linkedin.com/in/tom-becker-7f",
        headline=TOM[2],
        note=TOM_NOTE,
        sent_at="2024-03-10T18:00:00",
        mutuals=["Anna Schmidt", "Markus Weber"],
        reminders=0,
        mutual_count=5,
    ),
]


def requests_of(batch):
    return [
        (r.name, r.profile_url, r.headline, r.note, r.sent_at, r.mutuals, r.reminders)
        + (r.mutual_count,)
        for r in batch.requests
    ]


def expected_requests():
    return [
        (r.name, r.profile_url, r.headline, r.note, r.sent_at, r.mutuals, r.reminders)
        + (r.mutual_count,)
        for r in EXPECTED_REQUESTS
    ]


@pytest.mark.parametrize("blank", [True, False])
def test_mbox_exact_records(tmp_path, blank):
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    path.write_bytes(mbox_bytes(blank))
    batch = parse_mbox(path, me_emails=[ME])
    assert records(batch) == (EXPECTED_IDENTITIES, EXPECTED_INTERACTIONS)
    assert requests_of(batch) == expected_requests()
    report = batch.files[0]
    assert (report.rows, report.identities, report.interactions, report.requests) == (11, 5, 6, 2)
    assert report.note == "1 mailing-list/bulk messages skipped; 1 no-reply messages skipped"
    assert not batch.warnings


def test_mbox_provenance_lines(tmp_path):
    path = tmp_path / "inbox.mbox"
    data = mbox_bytes()
    path.write_bytes(data)
    lines = data.decode().split("\n")
    batch = parse_mbox(path, me_emails=[ME])
    zoe = next(i for i in batch.identities if i.key == "zoe@example.net")
    assert lines[zoe.line - 2].startswith("From 1792000000000000007@xxx")
    tom = next(r for r in batch.requests if r.name == "Tom Becker")
    assert lines[tom.line - 2].startswith("From 1792000000000000011@xxx")


def test_me_guessed_from_sent_mail(tmp_path):
    path = tmp_path / "takeout.mbox"
    path.write_bytes(mbox_bytes())
    batch = parse_mbox(path)
    assert records(batch) == (EXPECTED_IDENTITIES, EXPECTED_INTERACTIONS)
    assert batch.notes == [
        f"{path}: taken as your address: {ME} (guessed; remembered for later imports: "
        f"havewemet me --remove {ME} if it is not yours)"
    ]
    assert batch.warnings == []
    assert [(o.kind, o.value, o.how) for o in batch.own] == [("email", ME, "guessed")]


def write_maildir(root: Path) -> None:
    msgs = mailbox_messages()
    for sub in ("", ".Sent"):
        for d in ("cur", "new", "tmp"):
            (root / sub / d).mkdir(parents=True, exist_ok=True)
    for n, (_from, body) in enumerate(msgs):
        sent = "X-Gmail-Labels: Sent" in body
        body = body.replace("X-Gmail-Labels: Sent\n", "")
        folder = root / (".Sent" if sent else "") / ("cur" if n % 2 else "new")
        name = f"17092{n:05d}.M{n}P4242.mail.example,S=1234,W=1260" + (":2,S" if n % 2 else "")
        (folder / name).write_bytes(body.replace("\n", "\r\n").encode())


def test_maildir_with_sent_subfolder(tmp_path):
    root = tmp_path / "Mail"
    write_maildir(root)
    assert detect_format(root) == "maildir"
    batch = read_source(root)
    assert batch.source == "maildir:Mail"
    assert records(batch) == (EXPECTED_IDENTITIES, EXPECTED_INTERACTIONS)
    assert requests_of(batch) == expected_requests()
    assert sorted(f.file for f in batch.files) == ["Mail", "Mail/.Sent"]
    carol = next(i for i in batch.identities if i.key == "carol@globex.example")
    assert carol.file.startswith(".Sent/cur/") and carol.line == 1


def test_single_eml_with_leading_blank_line_and_crlf(tmp_path):
    body = msg(
        '"Thomas B." <thomas@roundcube.example>',
        f"Alex Example <{ME}>",
        "Fri, 23 May 2014 19:44:50 +0200",
        "Lines",
    )
    path = tmp_path / "Lines.eml"
    path.write_bytes(b" " * 40 + b"\r\n" + body.replace("\n", "\r\n").encode())
    assert detect_format(path) == "eml"
    batch = read_source(path, options=ImportOptions(me_emails=[ME]))
    assert records(batch) == (
        [("thomas@roundcube.example", "Thomas B.")],
        [("thomas@roundcube.example", "in", 1, "2014-05-23T17:44:50", "first 2014-05-23T17:44:50")],
    )
    assert batch.identities[0].line == 2


def test_sniffing(tmp_path):
    mbox = tmp_path / "x"
    mbox.write_bytes(mbox_bytes())
    assert detect_format(mbox) == "mbox"
    eml = tmp_path / "y"
    eml.write_bytes(mailbox_messages()[0][1].encode())
    assert detect_format(eml) == "eml"


def test_reimport_changes_nothing_and_merges_with_invitations_csv(tmp_path):
    path = tmp_path / "inbox.mbox"
    path.write_bytes(mbox_bytes())
    store = Store.open(":memory:")
    csv_request = Request(
        name="Priya Raman",
        sent_at="2024-03-01T10:13:00",
        source="linkedin",
        profile_url="https://www.linkedin.com/in/priya-raman-0b1c2d",
    )
    store.add_request(csv_request)
    first = store.save(parse_mbox(path, me_emails=[ME], source="mbox:inbox.mbox"))
    assert first.added["identities"] == 5 and first.added["interactions"] == 6
    assert first.added["requests"] == 1 and first.updated["requests"] == 1
    again = store.save(parse_mbox(path, me_emails=[ME], source="mbox:inbox.mbox"))
    assert sum(again.added.values()) == 0 and sum(again.updated.values()) == 0
    priya = next(r for r in store.requests() if r.name == "Priya Raman")
    assert priya.reminders == 1 and priya.headline == PRIYA[2]
    # The export again, after the mail (sources imported in turn): nothing changes,
    # whichever came last; the invitation keeps its later time of the two.
    export = ImportBatch("linkedin", "Invitations.csv", "linkedin")
    export.requests.append(csv_request)
    assert sum(store.save(export).updated.values()) == 0
    assert (
        sum(store.save(parse_mbox(path, me_emails=[ME], source="mbox:inbox.mbox")).updated.values())
        == 0
    )
    assert next(r for r in store.requests() if r.name == "Priya Raman").sent_at == max(
        csv_request.sent_at, priya.sent_at
    )


def test_truncated_mbox_imports_the_rest_with_a_warning(tmp_path):
    data = mbox_bytes()
    cut = data.rindex(b"Subject: I want to connect")
    path = tmp_path / "inbox.mbox"
    path.write_bytes(data[:cut])
    batch = parse_mbox(path, me_emails=[ME])
    line = data[: data.rindex(b"From 1792000000000000011")].count(b"\n") + 2
    assert batch.warnings == [
        f"{path}, line {line}: the message ends inside its headers (a truncated file?); "
        "it is skipped"
    ]
    assert records(batch) == (EXPECTED_IDENTITIES, EXPECTED_INTERACTIONS)
    assert [r.name for r in batch.requests] == ["Priya Raman"]


def test_undecodable_header_bytes_are_read_safely():
    raw = msg("B\xe9atrice Dupont <bea@example.fr>", ME, "Mon, 4 Mar 2024 10:00:00 +0100", "Salut")
    batch = parse_eml(raw.encode("latin-1"), "salut.eml", me_emails=[ME])
    assert [(i.key, i.name) for i in batch.identities] == [("bea@example.fr", "Béatrice Dupont")]


def test_not_mail_is_an_input_error(tmp_path):
    path = tmp_path / "inbox.mbox"
    path.write_bytes(b"Subject: hi\nTo: a@b.c\n\nbody\n")
    with pytest.raises(InputError) as err:
        parse_mbox(path)
    assert err.value.line == 1 and "--format eml" in str(err.value)
    with pytest.raises(InputError) as err:
        parse_eml(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "scan.eml")
    assert str(err.value).startswith("scan.eml, line 1: is not an e-mail message")
    with pytest.raises(InputError):
        parse_maildir(tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_input_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "box.mbox"
        for blob in (data, b"From x Mon Jan  1 00:00:00 2024\n" + data):
            path.write_bytes(blob)
            try:
                parse_mbox(path)
            except InputError:
                pass
        try:
            parse_eml(data, "m.eml")
        except InputError:
            pass


_HEADER = st.sampled_from(
    [
        "From: ",
        "To: ",
        "Cc: ",
        "Date: ",
        "Subject: ",
        "List-Id: ",
        "X-LinkedIn-Class: INVITE-MBR",
        "From: invitations@linkedin.com",
        "Content-Type: multipart/alternative; boundary=b",
        "Content-Transfer-Encoding: quoted-printable",
        "--b",
        "",
        "From x Mon Jan  1 00:00:00 2024",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_HEADER, st.text(max_size=30)), max_size=16))
def test_header_soup_raises_only_input_error(parts):
    text = "\n".join(h + v for h, v in parts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "box.mbox"
        path.write_bytes(
            ("From x Mon Jan  1 00:00:00 2024\n" + text).encode("utf-8", "surrogatepass")
        )
        try:
            batch = parse_mbox(path)
        except InputError:
            return
        assert all(i.kind == "mail" and i.count >= 1 for i in batch.interactions)


@pytest.mark.parametrize(
    ("line", "names", "count"),
    [
        ("Amira Haddad, Tom Brennan and 12 others are mutual connections", 2, 14),
        ("Amira Haddad and Tom Brennan are mutual connections", 2, 0),
        ("Amira Haddad is a mutual connection", 1, 0),
        ("Amira Haddad and 1 other mutual connection", 1, 2),
        ("23 mutual connections", 0, 23),
    ],
)
def test_mutuals_from_mail_keep_the_count(line, names, count):
    """Issue 12: "X, Y and N others" keeps N + 2 with the two names; a line that
    names every mutual gives no separate count (near miss)."""
    from havewemet.importers.linkedin_mail import _mutuals

    got_names, got_count = _mutuals(["Hi Alex,", line])
    assert (len(got_names), got_count) == (names, count)


def test_the_mutual_count_reaches_the_evidence(store):
    from havewemet.triage.engine import Triager
    from tests.fixtures_triage import TODAY

    rid = store.add_request(
        Request("Priya Raman", mutuals=["Anna Schmidt", "Markus Weber"], mutual_count=14)
    )
    t = Triager(store, today=TODAY).triage(store.get_request(rid))
    (line,) = [e.text for e in t.evidence if e.kind == "mutuals"]
    assert line.startswith("14 mutual connections (2 named), 0 found in your data")
