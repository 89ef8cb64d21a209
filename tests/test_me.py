"""Who "I" am (issue 12, item 8): the user's own addresses and profile are remembered
in the store, used by later mail and calendar imports, and the user is never their
own contact. Every source is written here in its real shape: LinkedIn's
``Email Addresses.csv`` / ``Profile.csv`` / ``PhoneNumbers.csv`` / ``messages.csv``,
an mbox as Thunderbird or Gmail Takeout writes it, an Apple Contacts vCard 3.0 and a
Google Calendar ``.ics``; each test has its near miss."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.importers import read_source
from havewemet.normalize import own_identifier
from havewemet.store import Store

ME = "ruth.calloway@westmere.gov.uk"
ME_SLUG = "ruth-calloway-7b2a19"
COLLEAGUE = "ruth.okafor@westmere.gov.uk"  # same domain, same given name: not the user
FAY = "fay.lee@example.net"
TOM = "tom@brennan.example"

runner = CliRunner()


def run(*args: object, ok: bool = True):
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue()


def write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def linkedin_export(folder: Path, *, emails: list[tuple[str, str]] | None = None) -> Path:
    """The user's part of a LinkedIn export, as LinkedIn writes it (UTF-8 with a BOM)."""
    rows = [[e, "Yes", primary, "1/4/19, 10:02 AM"] for e, primary in emails or [(ME, "Yes")]]
    write(
        folder / "Email Addresses.csv",
        csv_text(["Email Address", "Confirmed", "Primary", "Updated On"], rows),
        bom=True,
    )
    header = ["First Name", "Last Name", "Maiden Name", "Address", "Birth Date", "Headline"]
    header += ["Summary", "Industry", "Zip Code", "Geo Location", "Twitter Handles"]
    header += ["Websites", "Instant Messengers"]
    profile = ["Ruth", "Calloway", "Baines", "", "", "Senior Librarian at Westmere City Council"]
    profile += ["", "Libraries", "", "Westmere, England, United Kingdom", "[ruthreads]", "", ""]
    write(folder / "Profile.csv", csv_text(header, [profile]), bom=True)
    return folder


def mbox(path: Path, messages: list[tuple[str, str, str]]) -> Path:
    """An mbox without a sent folder, a ``Delivered-To`` or a label: nothing in it says
    whose mailbox it is (an old Thunderbird archive)."""
    out = []
    for i, (frm, to, subject) in enumerate(messages):
        out += [
            "From - Mon Mar  4 09:00:00 2024",
            f"From: {frm}",
            f"To: {to}",
            f"Subject: {subject}",
            f"Date: Mon, {4 + i} Mar 2024 09:00:00 +0000",
            f"Message-ID: <{i}.{abs(hash(subject)) % 10**8}@mail.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Hello",
            "",
        ]
    return write(path, "\n".join(out))


#: The user wrote to Fay twice and Fay wrote back once: the most frequent recipient is
#: Fay, so a mailbox guess alone takes Fay as the user.
THREAD = [
    (f"Ruth Calloway <{ME}>", f"Fay Lee <{FAY}>", "Reading list"),
    (f"Ruth Calloway <{ME}>", f"Fay Lee <{FAY}>", "Reading list, again"),
    (f"Fay Lee <{FAY}>", f"Ruth Calloway <{ME}>", "Re: Reading list"),
]


def vcard(path: Path, cards: list[tuple[str, str, str]]) -> Path:
    """Apple Contacts' vCard 3.0 export: (given, family, e-mail) per card."""
    lines = []
    for given_name, family, email in cards:
        lines += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "PRODID:-//Apple Inc.//macOS 14.2//EN",
            f"N:{family};{given_name};;;",
            f"FN:{given_name} {family}",
            "ORG:Westmere City Council;",
            f"item1.EMAIL;type=INTERNET;type=pref:{email}",
            "item1.X-ABLabel:_$!<Work>!$_",
            "END:VCARD",
        ]
    return write(path, "\r\n".join(lines) + "\r\n")


def calendar(path: Path, *, me: str) -> Path:
    """A Google Calendar export of a shared calendar (its name is not an address), with
    past meetings organised by ``me``: two with Fay, one with Tom, who accepted."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Library team",
        "X-WR-TIMEZONE:Europe/London",
    ]
    for n, (day, who) in enumerate(((("20240305", FAY)), ("20240312", FAY), ("20240319", TOM))):
        lines += [
            "BEGIN:VEVENT",
            f"DTSTART:{day}T100000Z",
            f"DTEND:{day}T103000Z",
            f"DTSTAMP:{day}T090000Z",
            f"ORGANIZER;CN=Ruth Calloway:mailto:{me}",
            f"UID:ev{n}@google.com",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ruth Callo",
            f" way;X-NUM-GUESTS=0:mailto:{me}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;X-NUM-GUES",
            f" TS=0:mailto:{who}",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            f"SUMMARY:Cataloguing sync {n + 1}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return write(path, "\r\n".join(lines) + "\r\n")


def mail_rows(db: Path) -> list[tuple[str, str, int]]:
    """(identity e-mail, direction, count) of the store's mail interactions."""
    store = Store.open(db)
    ids = {i["id"]: i["emails"][0] for i in store.identities() if i["emails"]}
    rows = store.interactions_for(list(ids))
    store.close()
    return sorted(
        (ids[r["identity_id"]], r["direction"], r["count"]) for r in rows if r["kind"] == "mail"
    )


def emails_of(db: Path) -> set[str]:
    store = Store.open(db)
    found = {e for i in store.identities() for e in i["emails"]}
    store.close()
    return found


def check(name: str) -> dict:
    return json.loads(run("check", name, "--no-save", "--json").output)


# -- the LinkedIn export fills it ----------------------------------------------------


def test_the_export_says_who_the_user_is(tmp_path: Path) -> None:
    folder = linkedin_export(tmp_path / "export", emails=[("r.c@gmail.com", "No"), (ME, "Yes")])
    write(
        folder / "PhoneNumbers.csv",
        csv_text(["Extension", "Number", "Type"], [["", "+44 7700 900123", "Mobile"]]),
        bom=True,
    )
    batch = read_source(folder)
    got = [(o.kind, o.value, o.file, o.line, o.how, o.primary) for o in batch.own]
    assert got == [
        ("name", "Ruth Calloway", "Profile.csv", 2, "file", False),
        ("name", "Ruth Baines", "Profile.csv", 2, "file", False),
        ("handle", "@ruthreads", "Profile.csv", 2, "file", False),
        ("email", "r.c@gmail.com", "Email Addresses.csv", 2, "file", False),
        ("email", ME, "Email Addresses.csv", 3, "file", True),
        ("phone", "+447700900123", "PhoneNumbers.csv", 2, "file", False),
    ]


def test_the_users_profile_address_comes_from_their_own_messages(tmp_path: Path) -> None:
    header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO"]
    header += ["RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]
    me_url = f"https://www.linkedin.com/in/{ME_SLUG}"
    rows = []
    for n, (who, slug) in enumerate((("Fay Lee", "fay-lee"), ("Tom Brennan", "tombrennan"))):
        them = f"https://www.linkedin.com/in/{slug}"
        rows += [
            [f"c{n}", "", who, them, "Ruth Calloway", me_url, f"2024-03-0{n + 1} 10:00:00 UTC"]
            + ["", "Hello", "INBOX"],
            ["c" + str(n), "", "Ruth Calloway", me_url, who, them, f"2024-03-0{n + 2} 10:00:00 UTC"]
            + ["", "Hi!", "INBOX"],
        ]
    folder = linkedin_export(tmp_path / "export")
    write(folder / "messages.csv", csv_text(header, rows), bom=True)
    batch = read_source(folder)
    assert ("profile", ME_SLUG, "messages.csv", 3) in [
        (o.kind, o.value, o.file, o.line) for o in batch.own
    ]
    # Near miss: the people the user wrote to are not the user.
    assert not any(o.value in ("fay-lee", "tombrennan") for o in batch.own)


def test_a_broken_address_in_the_export_is_named_with_its_line(tmp_path: Path) -> None:
    folder = linkedin_export(tmp_path / "export", emails=[(ME, "Yes"), ("ruth at home", "No")])
    batch = read_source(folder)
    assert [o.value for o in batch.own if o.kind == "email"] == [ME]
    assert batch.warnings == [
        "export/Email Addresses.csv, line 3: 'ruth at home' is not an e-mail address; it is not "
        "taken as yours (havewemet me --add ADDRESS adds the right one)"
    ]


# -- mail and calendar imports use it -----------------------------------------------


def test_export_then_mail_without_me_gives_the_right_direction(
    tmp_path: Path, db_path: Path
) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    box = mbox(tmp_path / "archive.mbox", THREAD)
    out = " ".join(run("import", box).output.split())
    assert (
        f"{box}: taken as you, as remembered from earlier imports: {ME} (havewemet me "
        "lists them; --me ADDRESS adds one)" in out
    )
    assert "warning" not in out
    assert mail_rows(db_path) == [(FAY, "in", 1), (FAY, "out", 2)]
    assert ME not in emails_of(db_path)  # the user is not their own contact


def test_without_the_export_the_same_mail_is_read_the_wrong_way(
    tmp_path: Path, db_path: Path
) -> None:
    """The near miss of the test above: nothing remembered, the mailbox's own guess
    takes Fay (the most frequent recipient) as the user, and does not remember it."""
    box = mbox(tmp_path / "archive.mbox", THREAD)
    out = " ".join(run("import", box).output.split())
    assert f"{box}: taken as your address: {FAY} (guessed; --me ADDRESS chooses another)" in out
    assert mail_rows(db_path) == [(ME, "in", 2), (ME, "out", 1)]
    assert json.loads(run("me", "--json").output)["identifiers"] == []


def test_me_once_then_a_second_mail_import_without_it(tmp_path: Path, db_path: Path) -> None:
    first = mbox(tmp_path / "2023.mbox", THREAD)
    run("import", first, "--me", ME.upper())
    second = mbox(
        tmp_path / "2024.mbox",
        [("Tom Brennan <tom@brennan.example>", f"Ruth <{ME}>", "Conference"), *THREAD[:1]],
    )
    out = " ".join(run("import", second).output.split())
    assert f"taken as you, as remembered from earlier imports: {ME}" in out
    assert "warning" not in out
    assert mail_rows(db_path) == [  # one identity of Fay per mailbox
        (FAY, "in", 1),
        (FAY, "out", 1),
        (FAY, "out", 2),
        ("tom@brennan.example", "in", 1),
    ]
    shown = run("me").output
    assert f"e-mail   {ME}  from --me (importing mbox:2023.mbox)" in shown


def test_a_colleague_at_the_same_domain_is_not_the_user(tmp_path: Path, db_path: Path) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    box = mbox(
        tmp_path / "work.mbox",
        [
            (f"Ruth Okafor <{COLLEAGUE}>", f"Ruth Calloway <{ME}>", "Rota"),
            (f"Ruth Calloway <{ME}>", f"Ruth Okafor <{COLLEAGUE}>", "Re: Rota"),
        ],
    )
    out = json.loads(run("import", box, "--json").output)
    assert out["identities_found_to_be_you"] == 0  # near miss: the colleague is not you
    assert mail_rows(db_path) == [(COLLEAGUE, "in", 1), (COLLEAGUE, "out", 1)]
    assert emails_of(db_path) == {COLLEAGUE}
    assert json.loads(run("me", "--json").output)["identities_that_are_you"] == 0


def test_a_calendar_without_me_uses_the_remembered_address(tmp_path: Path, db_path: Path) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    ics = calendar(tmp_path / "team.ics", me=ME)
    out = " ".join(run("import", ics).output.split())
    assert f"{ics}: taken as you, as remembered from earlier imports: {ME}" in out
    assert emails_of(db_path) == {FAY, TOM}


def test_a_calendar_of_another_address_is_guessed_not_taken_from_memory(
    tmp_path: Path, db_path: Path
) -> None:
    """Near miss: the remembered address is not in this calendar (a personal one), so
    the calendar's own owner is guessed, and the summary says it is a guess."""
    run("import", linkedin_export(tmp_path / "export"))
    ics = calendar(tmp_path / "home.ics", me="ruth.home@example.org")
    out = " ".join(run("import", ics).output.split())
    assert "as remembered" not in out
    assert f"{ics}: taken as your address: ruth.home@example.org (guessed;" in out
    assert emails_of(db_path) == {FAY, TOM}


def test_a_sure_mail_guess_is_remembered_for_the_calendar(tmp_path: Path, db_path: Path) -> None:
    sent = mbox(tmp_path / "Sent.mbox", THREAD[:2])  # a sent folder: whose mailbox it is
    out = " ".join(run("import", sent).output.split())
    assert f"taken as your address: {ME} (guessed; remembered for later imports" in out
    ics = calendar(tmp_path / "team.ics", me=ME)
    assert "as remembered from earlier imports" in run("import", ics).output
    assert "guessed from mbox:Sent.mbox" in run("me").output


# -- the user is never their own contact ------------------------------------------------


def test_a_card_of_yourself_is_not_a_match(tmp_path: Path, db_path: Path) -> None:
    cards = [("Ruth", "Calloway", ME), ("Ruth", "Okafor", COLLEAGUE)]
    run("import", vcard(tmp_path / "contacts.vcf", cards))
    # Before the store knows the user, the card of herself counts as someone she met.
    assert check("Ruth Calloway")["verdict"] == "met"
    # An existing store learns who she is, and says what it changes.
    out = " ".join(run("import", linkedin_export(tmp_path / "export")).output.split())
    assert (
        "1 identity in your data is you (havewemet me lists your addresses): they no "
        "longer count as someone you know." in out
    )
    mirror = check("Ruth Calloway")  # a namesake, or someone posing as her
    assert (mirror["verdict"], mirror["matches"]) == ("stranger", [])
    assert check("Ruth Okafor")["verdict"] == "met"  # near miss: the colleague's card counts
    assert json.loads(run("me", "--json").output)["identities_that_are_you"] == 1


def test_me_remove_gives_the_card_back_and_add_takes_it_away(tmp_path: Path, db_path: Path) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    run("import", vcard(tmp_path / "contacts.vcf", [("Ruth", "Calloway", ME)]))
    assert check("Ruth Calloway")["verdict"] == "stranger"
    out = run("me", "--remove", ME).output
    assert out.splitlines()[:2] == [
        f"Removed e-mail {ME}: not taken as you, and never guessed again.",
        "  1 identity in your data counts as other people again.",
    ]
    assert check("Ruth Calloway")["verdict"] == "met"
    run("import", linkedin_export(tmp_path / "export"))  # a re-import keeps the removal
    assert check("Ruth Calloway")["verdict"] == "met"
    assert run("me", "--add", ME.title()).output.splitlines()[:2] == [
        f"Added e-mail {ME}: taken as you from now on.",
        "  1 identity in your data is you by it: no longer counted as someone you know.",
    ]
    assert check("Ruth Calloway")["verdict"] == "stranger"


def test_your_own_profile_on_an_attendee_list_is_not_a_match(tmp_path: Path, db_path: Path) -> None:
    run("me", "--add", f"https://www.linkedin.com/in/{ME_SLUG}/")
    attendees = csv_text(
        ["Name", "Organisation", "LinkedIn"],
        [
            ["Ruth Calloway", "Westmere City Council", f"https://www.linkedin.com/in/{ME_SLUG}"],
            ["Tom Brennan", "Eastvale Archives", "https://www.linkedin.com/in/tombrennan"],
        ],
    )
    run("import", write(tmp_path / "libcon.csv", attendees), "--event", "LibCon 2025")
    assert check("Ruth Calloway")["verdict"] == "stranger"
    assert check("Tom Brennan")["verdict"] == "met"  # near miss: another attendee counts


def test_forget_takes_back_what_the_source_said_not_what_you_said(
    tmp_path: Path, db_path: Path
) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    run("me", "--add", "ruth.home@example.org")
    run("import", vcard(tmp_path / "c.vcf", [("Ruth", "Calloway", ME)]))
    run("forget", "linkedin")
    kept = json.loads(run("me", "--json").output)
    assert [(r["value"], r["how"]) for r in kept["identifiers"]] == [
        ("ruth.home@example.org", "--me")
    ]
    assert kept["identities_that_are_you"] == 0
    assert check("Ruth Calloway")["verdict"] == "met"


def test_a_store_made_before_learns_the_user_from_its_profile(tmp_path: Path) -> None:
    """A store from before this change: its LinkedIn import kept the user's addresses
    only in ``profile``; opening it fills the new table and flags the card of herself."""
    db = tmp_path / "old.db"
    store = Store.open(db)
    store.save(read_source(vcard(tmp_path / "c.vcf", [("Ruth", "Calloway", ME)])))
    store.save(read_source(linkedin_export(tmp_path / "export")))
    store.close()
    conn = sqlite3.connect(db)  # back to the schema before m014
    conn.executescript(
        """drop index identities_own; alter table identities drop column own;
           drop table own_identifiers;
           delete from _migrations where name = 'm014_own_identifiers';"""
    )
    conn.commit()
    conn.close()
    store = Store.open(db)
    assert store.my_addresses() == [ME]
    assert len(store.own_identity_ids()) == 1
    store.close()


# -- the command ------------------------------------------------------------------------


def test_me_lists_what_is_remembered_and_where_from(tmp_path: Path, db_path: Path) -> None:
    assert run("me").output.startswith("havewemet does not know who you are yet")
    run("import", linkedin_export(tmp_path / "export"))
    run("me", "--add", "+44 20 7946 0000")
    assert run("me").output.splitlines() == [
        "You, as havewemet knows you:",
        f"  e-mail   {ME}  from linkedin: Email Addresses.csv, line 2 (primary)",
        "  phone    +442079460000                  from havewemet me --add",
        "  name     Ruth Baines                    from linkedin: Profile.csv, line 2",
        "  name     Ruth Calloway                  from linkedin: Profile.csv, line 2",
        "  handle   @ruthreads                     from linkedin: Profile.csv, line 2",
        "0 identities in your data are you: never counted as someone you know.",
        "Correct it: havewemet me --add ADDRESS, havewemet me --remove ADDRESS",
    ]


def test_me_refuses_what_is_not_an_identifier(db_path: Path) -> None:
    result = run("me", "--add", "Ruth Calloway", ok=False)
    assert result.stderr == (
        "Error: --add: 'Ruth Calloway' is not an e-mail address, a LinkedIn profile address "
        "or a phone number. Give one, e.g. --add you@example.com, --add "
        "https://www.linkedin.com/in/your-name or --add +44 20 7946 0000\n"
    )


@given(
    local=st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?", fullmatch=True),
    domain=st.from_regex(r"[a-z0-9-]{1,12}\.[a-z]{2,6}", fullmatch=True),
)
def test_any_address_is_an_email_identifier_in_lower_case(local: str, domain: str) -> None:
    text = f"  {local.upper()}@{domain} "
    assert own_identifier(text) == ("email", f"{local}@{domain}")
    assert own_identifier(f"{local} {domain}")[0] != "email"  # near miss: no @


def test_people_says_which_identity_is_you(tmp_path: Path, db_path: Path) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    cards = [("Ruth", "Calloway", ME), ("Ruth", "Okafor", COLLEAGUE)]
    run("import", vcard(tmp_path / "contacts.vcf", cards))
    found = json.loads(run("people", "Ruth", "--json").output)
    you = {i["name"]: i["you"] for p in found for i in p["identities"]}
    assert you == {"Ruth Calloway": True, "Ruth Okafor": False}
    out = run("people", "Ruth").output
    assert "  Ruth Calloway (you)  vcard:contacts  " in out
    assert "  Ruth Okafor  vcard:contacts  " in out
    assert "is you (your e-mail, phone or profile: havewemet me): never counted" in out


def test_an_x_archive_names_the_user_for_the_mail(tmp_path: Path, db_path: Path) -> None:
    """Another network's archive that names its owner (X's ``account.js``) is
    remembered as well: a later mail import needs no --me."""
    from tests.test_import_social import write_zip, x_files

    files = x_files()
    files["data/account.js"] = files["data/account.js"].replace("Ann@Example.com", ME)
    run("import", write_zip(tmp_path / "twitter-2024-03-01-abc.zip", files))
    shown = run("me").output
    assert f"e-mail   {ME}" in shown and "from x: data/account.js, line 2" in shown
    run("import", mbox(tmp_path / "archive.mbox", THREAD))
    assert mail_rows(db_path) == [(FAY, "in", 1), (FAY, "out", 2)]
    # Near miss: the accounts the user follows are not the user.
    assert [r["kind"] for r in json.loads(run("me", "--json").output)["identifiers"]] == [
        "email",
        "name",
        "handle",
        "handle",
    ]


def test_invitations_name_the_users_own_profile(tmp_path: Path) -> None:
    """Invitations.csv (2023+) names the user's profile in every row: as the invitee of
    an incoming invitation, the inviter of an outgoing one."""
    header = ["From", "To", "Sent At", "Message", "Direction"]
    header += ["inviterProfileUrl", "inviteeProfileUrl"]
    me_url = f"https://www.linkedin.com/in/{ME_SLUG}"
    rows = [
        ["Lena Vogt", "Ruth Calloway", "3/1/24, 9:15 AM", "", "INCOMING"]
        + ["https://www.linkedin.com/in/lena-vogt-3x", me_url],
        ["Ruth Calloway", "Tom Brennan", "2/1/24, 4:02 PM", "Hello Tom", "OUTGOING"]
        + [me_url, "https://www.linkedin.com/in/tombrennan"],
    ]
    folder = linkedin_export(tmp_path / "export")
    write(folder / "Invitations.csv", csv_text(header, rows), bom=True)
    batch = read_source(folder)
    profiles = [(o.value, o.file, o.line) for o in batch.own if o.kind == "profile"]
    assert profiles == [(ME_SLUG, "Invitations.csv", 2)]  # not Lena's, not Tom's


def test_me_with_an_import_adds_to_what_is_remembered(tmp_path: Path, db_path: Path) -> None:
    run("import", linkedin_export(tmp_path / "export"))
    home = "ruth.home@example.org"
    box = mbox(
        tmp_path / "both.mbox",
        [*THREAD, (f"Ruth <{home}>", f"Tom Brennan <{TOM}>", "From home")],
    )
    out = " ".join(run("import", box, "--me", home).output.split())
    assert f"also taken as you, as remembered from earlier imports: {ME}" in out
    assert mail_rows(db_path) == [(FAY, "in", 1), (FAY, "out", 2), (TOM, "out", 1)]
    kept = json.loads(run("me", "--json").output)["identifiers"]
    assert [(r["value"], r["how"]) for r in kept if r["kind"] == "email"] == [
        (ME, "file"),  # the primary first
        (home, "--me"),
    ]


def test_a_me_that_is_not_an_address_is_refused(tmp_path: Path, db_path: Path) -> None:
    box = mbox(tmp_path / "a.mbox", THREAD)
    result = run("import", box, "--me", "ruth.calloway", ok=False)
    assert result.stderr == (
        "Error: --me: 'ruth.calloway' is not an e-mail address. Give your own address, "
        "e.g. --me you@example.com (repeat --me for each)\n"
    )
    assert json.loads(run("sources", "--json").output) == []  # nothing imported


def test_mail_read_the_wrong_way_is_set_right_by_importing_it_again(
    tmp_path: Path, db_path: Path
) -> None:
    box = mbox(tmp_path / "archive.mbox", THREAD)
    run("import", box)  # nothing known: Fay is guessed to be the user
    assert check("Fay Lee")["verdict"] == "stranger"
    out = " ".join(run("import", linkedin_export(tmp_path / "export")).output.split())
    assert "1 identity in your data is you" in out  # Ruth's address in that mailbox
    assert (
        "Mail or a calendar imported before is read from your side when you import it again." in out
    )
    assert check("Ruth Calloway")["matches"] == []  # her own address no longer counts
    run("import", box)
    assert check("Fay Lee")["verdict"] == "known"  # both wrote: read from Ruth's side now


def test_messages_with_one_person_only_do_not_make_them_the_user(tmp_path: Path) -> None:
    """Near miss of the test above: without Profile.csv, two conversations with Fay make
    her as frequent as the user; her profile is not taken as the user's."""
    header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO"]
    header += ["RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]
    me_url, fay_url = f"https://www.linkedin.com/in/{ME_SLUG}", "https://www.linkedin.com/in/fay"
    rows = [
        [f"c{n}", "", "Fay Lee", fay_url, "Ruth Calloway", me_url, f"2024-03-0{n + 1} 10:00:00 UTC"]
        + ["", "Hello", "INBOX"]
        for n in range(2)
    ]
    path = write(tmp_path / "messages.csv", csv_text(header, rows), bom=True)
    assert [o for o in read_source(path).own if o.kind == "profile"] == []
