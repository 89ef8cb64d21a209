"""The name form a LinkedIn profile address carries (issue 12, Build item 2): a
romanised, anglicised, full or maiden name in the slug counts as a second form of the
requester's name, never when the slug is someone else's name, a company or a vanity
word, and never over a conflicting identifier."""

from __future__ import annotations

import json
import random
import string
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.demo import linkedin_export as lx
from havewemet.identity.handles import as_displayed, profile_form
from havewemet.identity.match import Matcher, Query
from havewemet.identity.names import given_level, parse_name, surname_level
from havewemet.triage.engine import SURE_MATCH

LI = "https://www.linkedin.com/in/"


def _filler(n: int = 2000, seed: int = 12) -> list[dict]:
    """An address book of ``n`` other people (made-up names of letters only): the
    store size sets the prior, so a match must be full to be sure."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8)))

    return [{"id": f"f{i}", "name": f"{word().title()} {word().title()}"} for i in range(n)]


FILLER = _filler()


def best(query: Query, name: str, **ident: object) -> tuple[float, list[str], bool]:
    """The match of ``query`` with the identity named ``name`` in the filler store."""
    m = Matcher([*FILLER, {"id": "target", "name": name, **ident}])
    found = [x for x in m.match(query, threshold=0.0, limit=50) if x.identity_id == "target"]
    if not found:
        return 0.0, [], False
    return found[0].probability, found[0].reasons, found[0].conflict


@pytest.mark.parametrize(
    ("requester", "url", "book", "label"),
    [
        ("Юлия Иванова", "yulia-ivanova-3b2a1", "Julia Ivanova", None),  # the script's own forms
        ("Юлия Иванова", "julia-ivanova-3b2a1", "Julia Ivanova", "julia-ivanova"),
        ("Siobhán Ní Bhriain", "joan-obrien-4a5b6c", "Joan O'Brien", "joan-obrien"),
        ("Kate Smith", "katherine-jones-smith", "Katherine Jones", "katherine-jones-smith"),
        ("Kate Smith", "katherine-jones-smith", "Katherine Smith", "katherine-jones-smith"),
        ("Bob Lee", "robert-lee-7a", "Robert Lee", "robert-lee"),
        ("Jane Smith", "jane-jones-1234", "Jane Jones", "jane-jones"),  # a maiden name
        ("Yulia Ivanova", "ivanova-yulia", "Yulia Ivanova", None),  # family name first
        ("Dr Jane Doe", "dr-jane-doe-phd", "Jane Doe", None),
    ],
)
def test_the_profile_address_form_matches_in_full(requester, url, book, label):
    p, reasons, conflict = best(Query(requester, profile_url=LI + url), book)
    assert p >= SURE_MATCH and not conflict, reasons
    said = f"name from the profile address: {label}"
    assert (said in reasons) if label else not any("profile address" in r for r in reasons)


def test_the_address_adds_what_the_name_alone_lacks():
    """Without the address the same requesters are at most possible matches."""
    for requester, url, book in [
        ("Kate Smith", "katherine-jones-smith", "Katherine Jones"),
        ("Jane Smith", "jane-jones-1234", "Jane Jones"),
        ("Siobhán Ní Bhriain", "joan-obrien-4a5b6c", "Joan O'Brien"),
    ]:
        alone, _, _ = best(Query(requester), book)
        with_url, _, _ = best(Query(requester, profile_url=LI + url), book)
        assert alone < with_url
        assert with_url >= SURE_MATCH


@pytest.mark.parametrize(
    ("requester", "url", "book"),
    [
        ("Jane Doe", "salesguru99", "Sales Guru"),  # a vanity slug
        ("Jane Doe", "john-smith-acme", "John Smith"),  # another person's name
        ("Jane Doe", "john-smith", "John Smith"),
        ("Jane Doe", "acme-consulting", "Acme Consulting"),  # a company
        ("Kate Smith", "katherine-jones", "Katherine Jones"),  # only a nickname ties them
        ("Zhang Wei", "david-zhang", "David Zhang"),  # only one word, in another place
        ("Jane Doe", "jdoe", "J Doe"),  # one word: not read as a name
        ("Jane Doe", "jane-x9-smith", "Jane Smith"),  # a word with a digit inside
    ],
)
def test_near_misses_make_no_match(requester, url, book):
    p, reasons, _ = best(Query(requester, profile_url=LI + url), book)
    assert p < 0.5, reasons
    assert not any("profile address" in r for r in reasons)


@pytest.mark.parametrize("slug", ["4a1b2c3d", "123456789", "jane-8f3e2a1b", "abcdef-123", "jane"])
def test_id_only_and_one_word_slugs_are_ignored(slug):
    assert profile_form(slug, parse_name("Jane Doe")) is None


def test_suffixes_are_dropped_and_the_extra_surname_read():
    form, label = profile_form("katherine-jones-smith-3b2a1", parse_name("Kate Smith"))
    assert (form.first, form.last, form.maiden, label) == (
        "katherine",
        "smith",
        "jones",
        "katherine-jones-smith",
    )
    # A word after the displayed surname is a company or a place, not a name.
    form, label = profile_form("janet-smith-acme", parse_name("Jane Smith"))
    assert (form.first, form.last, form.maiden, label) == ("janet", "smith", "", "janet-smith-acme")
    # The name as displayed says nothing new.
    assert profile_form("jane-smith-acme", parse_name("Jane Smith")) is None


def test_never_over_a_conflicting_identifier():
    """The identity has another LinkedIn profile: a namesake, however well the slug's
    name fits it."""
    p, reasons, conflict = best(
        Query("Kate Smith", profile_url=LI + "katherine-jones-smith"),
        "Katherine Jones",
        urls=[LI + "katherine-jones-77"],
    )
    assert conflict and p <= 0.05
    assert any("different LinkedIn profile" in r for r in reasons)


def test_a_stored_profile_address_carries_a_form_too():
    """A LinkedIn connection shown as "Kate Smith" whose address says
    katherine-jones-smith is found by her maiden name, typed by hand."""
    p, reasons, _ = best(
        Query("Katherine Jones"), "Kate Smith", urls=[LI + "katherine-jones-smith-9f"]
    )
    assert p >= SURE_MATCH
    assert "name from the profile address: katherine-jones-smith" in reasons
    # Near miss: the same connection is not Katherine Brown.
    p, _, _ = best(Query("Katherine Brown"), "Kate Smith", urls=[LI + "katherine-jones-smith"])
    assert p < 0.5


# Properties. Name words people have, to build slugs and names from.
GIVEN = ["jane", "john", "katherine", "kate", "robert", "bob", "yulia", "joan", "wei", "amira"]
FAMILY = ["doe", "smith", "jones", "lee", "ivanova", "obrien", "zhang", "haddad", "brennan"]
SUFFIX = st.sampled_from(["", "-3b2a1", "-7a", "-12345", "-4a1b2c3d", "-acme", "-phd"])
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(
    st.sampled_from(GIVEN),
    st.sampled_from(FAMILY),
    st.lists(st.sampled_from(GIVEN + FAMILY), min_size=1, max_size=3),
    SUFFIX,
    st.sampled_from(GIVEN),
    st.sampled_from(FAMILY),
)
def test_a_slug_form_never_turns_a_conflict_into_a_match(g, f, slug_words, suffix, g2, f2):
    slug = "-".join(slug_words) + suffix
    requester = f"{g.title()} {f.title()}"
    # Another LinkedIn profile named as the requester, as the slug's words, or otherwise.
    names = [requester, " ".join(w.title() for w in slug_words), f"{g2.title()} {f2.title()}"]
    m = Matcher(
        [{"id": str(i), "name": n, "urls": [f"{LI}other-{i}"]} for i, n in enumerate(names)]
    )
    for found in m.match(Query(requester, profile_url=LI + slug), threshold=0.0):
        assert found.conflict and found.probability <= 0.05


@PROPS
@given(st.lists(st.sampled_from(GIVEN + FAMILY), min_size=1, max_size=4), SUFFIX)
def test_the_shortcut_for_plain_addresses_changes_nothing(words, suffix):
    """Most addresses are the name as displayed: the string test that skips them
    before reading the slug agrees with the reading."""
    slug = "-".join(words) + suffix
    for name in ("Jane Doe", "Kate Smith", "Bob Lee", " ".join(w.title() for w in words[:2])):
        if as_displayed(slug, parse_name(name)):
            assert profile_form(slug, parse_name(name)) is None


def _related(word: str, name: str) -> bool:
    """Whether a word is a form of a name's given name or surname (the matcher's own
    levels, without the profile address)."""
    pn = parse_name(name)
    return given_level(word, pn.first)[0] in ("exact", "spelling", "variant", "fuzzy") or (
        surname_level(parse_name(f"x {word}"), pn)[0] in ("exact", "spelling", "part", "fuzzy")
    )


@PROPS
@given(
    st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=9), min_size=2, max_size=4),
    SUFFIX,
    st.sampled_from(["Jane Doe", "Kate Smith", "Юлия Иванова", "Siobhán Ní Bhriain", "Bob Lee"]),
)
def test_slugs_of_random_junk_never_match(words, suffix, requester):
    assume(not any(_related(w, requester) for w in words))
    slug = "-".join(words) + suffix
    # The worst case: the user's data holds someone named exactly by the junk's words.
    m = Matcher([{"id": "x", "name": " ".join(w.title() for w in words)}])
    for found in m.match(Query(requester, profile_url=LI + slug), threshold=0.0):
        assert found.probability < 0.5
        assert not any("profile address" in r for r in found.reasons)


# End to end, on generated files: the user's CLI.
runner = CliRunner()


def run(*args: object) -> str:
    res = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def vcard(path: Path, family: str, given: str) -> Path:
    path.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\nFN:{given} {family}\r\n"
        f"EMAIL;type=INTERNET:{given.lower()}@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    return path


def invitations(root: Path, rows: list[tuple[str, str]]) -> Path:
    out = [
        [name, "Ruth Calloway", "11/18/26, 9:00 AM", "", "INCOMING", LI + slug, LI + "ruth-c"]
        for name, slug in rows
    ]
    return lx.write_export(
        root,
        {"Invitations.csv": lx.csv_text(lx.INVITATIONS_HEADER_2023, out)},
        exported=datetime(2026, 11, 20),
    )


def test_inbox_knows_the_requester_by_the_name_in_her_profile_address(db_path, tmp_path):
    run("import", vcard(tmp_path / "julia.vcf", "Ivanova", "Julia"))
    run("import", vcard(tmp_path / "katherine.vcf", "Jones", "Katherine"))
    run("import", vcard(tmp_path / "john.vcf", "Smith", "John"))
    export = invitations(
        tmp_path / "li",
        [
            ("Юлия Иванова", "yulia-ivanova-3b2a1"),
            ("Kate Smith", "katherine-jones-smith"),
            ("Jane Doe", "john-smith-acme"),  # near miss: another person's name
        ],
    )
    run("import", export)
    items = {i["name"]: i for i in json.loads(run("inbox", "--json"))}
    assert items["Юлия Иванова"]["verdict"] in ("known", "met")
    assert items["Kate Smith"]["verdict"] in ("known", "met")
    assert items["Jane Doe"]["verdict"] == "stranger"
    shown = run("check", "Kate Smith", "--url", LI + "katherine-jones-smith", "--no-save", "--json")
    assert "name from the profile address: katherine-jones-smith" in shown
