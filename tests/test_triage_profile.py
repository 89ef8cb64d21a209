"""The fake-profile score from what a profile shows, and the signals read from a note
that are not phrases: links, contact bait, the reader's explained signals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havewemet.models import PendingRequest, ProfileFacts
from havewemet.triage.policy import load_policy, recommend
from havewemet.triage.profile import (
    THRESHOLD,
    address_randomness,
    facts_of,
    headline_emptiness,
    profile_score,
)
from havewemet.triage.signals import read_signals

TODAY = date(2026, 6, 1)


def test_nothing_known_is_not_fake():
    s = profile_score(ProfileFacts(name="Ann Lee"), today=TODAY)
    assert not s.fake and s.reasons == []


def test_what_a_page_shows_adds_up_with_its_reasons():
    facts = ProfileFacts(
        name="Ann Lee",
        profile_url="https://www.linkedin.com/in/xkqzvbt-20931",
        headline="Visionary | Entrepreneur | 🚀",
        has_photo=False,
        connections=4,
        created="2026-05-20",
    )
    s = profile_score(facts, today=TODAY)
    assert s.score > 0.99
    assert s.reasons == [
        "no profile photo",
        "an account created 12 days ago",
        "the profile address (xkqzvbt-20931) looks random ('xkqzvbt')",
        "only 4 connections",
        "a headline of buzzwords only",
    ]


def test_one_reason_alone_is_not_enough():
    assert not profile_score(ProfileFacts(has_photo=False), today=TODAY).fake
    assert not profile_score(ProfileFacts(connections=3), today=TODAY).fake
    assert profile_score(ProfileFacts(has_photo=False, connections=3), today=TODAY).fake


@pytest.mark.parametrize(
    "slug", ["jane-doe-1b2c3d4e", "jdoe84", "hirschfeld-anna", "brzeczyszczykiewicz", "j-l-m"]
)
def test_ordinary_addresses_are_not_random(slug):
    assert address_randomness(slug) == ""


@pytest.mark.parametrize(
    ("slug", "why"),
    [
        ("mkqwrtz", "looks random ('mkqwrtz')"),
        ("john-smith198745213", "a run of 9 digits"),
    ],
)
def test_random_addresses(slug, why):
    assert why in address_randomness(slug)


def test_a_collectors_count_and_a_mass_follower():
    big = profile_score(ProfileFacts(connections=30000, has_photo=False), today=TODAY)
    assert "30,000 connections (a collector's count)" in big.reasons and big.fake
    follow = profile_score(ProfileFacts(followers=12, following=2400), today=TODAY)
    assert follow.reasons == ["follows 2,400 accounts, followed by 12"]


def test_headlines_that_say_nothing():
    assert headline_emptiness("🚀🚀🔥") == "a headline of emoji or symbols only"
    assert headline_emptiness("CEO | Founder | Investor") == "a headline of buzzwords only"
    assert headline_emptiness("Founder of the Leeds Map Society") == ""


def test_the_extensions_facts_reach_the_signal_and_the_rule():
    """What the extension passes (photo, counts) with the request makes one signal with
    its reasons, which the recommendation's rule names."""
    req = PendingRequest(
        "r1",
        "Ann Lee",
        "https://www.linkedin.com/in/ann-lee-19283746",
        "ann-lee-19283746",
        headline="Entrepreneur | Visionary",
        facts=ProfileFacts(has_photo=False, connections=2),
    )
    facts = facts_of(req)
    assert (facts.has_photo, facts.connections, facts.headline) == (
        False,
        2,
        "Entrepreneur | Visionary",
    )
    sigs = read_signals(req, today=TODAY)
    fake = next(s for s in sigs if s.name == "fake_profile")
    assert fake.severity == 2 and fake.strength is not None and fake.strength >= 0.8
    assert fake.text.startswith("looks like a fake or automated profile: no profile photo; ")
    assert recommend("stranger", sigs, req, load_policy()) == (
        "ignore",
        "gatekeeper: ignore stranger, with a fake-looking profile "
        "(no profile photo, only 2 connections)",
    )
    sigs = read_signals(replace(req, reminders=2), today=TODAY)
    action, rule = recommend("stranger", sigs, req, load_policy())
    assert action == "report"
    assert "a fake-looking profile 2 (no profile photo, only 2 connections)" in rule


def test_a_date_that_is_not_a_date_is_not_known():
    f = ProfileFacts(name="A", created="soon")
    assert not profile_score(f, today=TODAY).fake
    assert profile_score(f, today=TODAY).reasons == []


@given(
    st.builds(
        ProfileFacts,
        name=st.text(max_size=30),
        profile_url=st.text(max_size=60),
        headline=st.text(max_size=80),
        has_photo=st.none() | st.booleans(),
        connections=st.none() | st.integers(0, 10**6),
        followers=st.none() | st.integers(0, 10**7),
        following=st.none() | st.integers(0, 10**5),
        bio_length=st.none() | st.integers(0, 3000),
        created=st.none() | st.dates().map(str) | st.text(max_size=12),
    )
)
def test_any_facts_give_a_score_between_0_and_1(facts):
    s = profile_score(facts, today=TODAY)
    assert 0.0 < s.score < 1.0
    assert s.fake == (s.score >= THRESHOLD)


# -- links and contact bait ---------------------------------------------------------


def _sig(note: str) -> dict:
    return {s.name: s for s in read_signals(PendingRequest("r1", "Ann Lee", note=note))}


def test_a_link_and_a_shortened_link():
    plain = _sig("Hi, my portfolio is at www.annlee-design.com if useful.")["link"]
    assert (plain.severity, plain.text) == (1, "a link in the note (www.annlee-design.com)")
    short = _sig("Hi! Have a look: https://bit.ly/3abcDEF.")["link"]
    assert short.severity == 2
    assert short.text == "a shortened link in the note (https://bit.ly/3abcDEF) hides where it goes"


@pytest.mark.parametrize(
    ("note", "why"),
    [
        ("Great to connect, DM me for details!", '"DM me"'),
        ("Message me on WhatsApp +44 7700 900123", '"WhatsApp"'),
        ("Call me: +44 7700 900123", "a phone number"),
        ("Write to ann.lee@example.org", "an e-mail address"),
        ("Écrivez-moi en MP pour en savoir plus", '"Écrivez-moi"'),
        ("Schreib mir einfach per PN", '"Schreib mir"'),
        ("Escríbeme por privado", '"Escríbeme"'),
    ],
)
def test_contact_bait(note, why):
    bait = _sig(note)["contact_bait"]
    assert why in bait.reasons and bait.text.startswith("asks to be contacted elsewhere: ")


@pytest.mark.parametrize(
    "note",
    [
        "Hi Ann, we met at the archives day in 2015, room 12.",
        "Lovely to meet you at LibCon; I'll message you about the slides.",
    ],
)
def test_no_link_no_bait_in_an_ordinary_note(note):
    assert not {"link", "contact_bait"} & set(_sig(note))


# -- the reader's signals explain themselves ------------------------------------------


def test_a_pitch_no_list_knows_is_read_and_explained():
    """No phrase of the lists is in it: the reader finds it, names its words and strength."""
    s = _sig("Hey, I just dropped my first album, give it a listen on Spotify and follow me!")
    pitch = s["pitch"]
    assert pitch.text.startswith("reads like self-promotion or a sales pitch (")
    assert pitch.strength is not None and f"strength {pitch.strength:.2f}" in pitch.text
    assert pitch.reasons and all(r.strip("'").lower() in pitch.text.lower() for r in pitch.reasons)


def test_a_personal_note_that_mentions_a_product_is_not_a_pitch():
    s = _sig("Hi Ann, thanks for showing me your new cataloguing software at the Bath fair.")
    assert "pitch" not in s
    assert s["personal_note"].severity == 0
