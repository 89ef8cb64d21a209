"""Each risk signal, positive and negative, with its explanation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.models import PendingRequest, Request
from havewemet.triage.engine import Triager
from havewemet.triage.policy import load_policy
from havewemet.triage.signals import (
    _hits,
    phrase_lists,
    read_signals,
    slug_fits_name,
    template_groups,
)
from tests.fixtures_triage import TODAY, batch, li, person, request

BASE = {
    "name": "Ann Lee",
    "profile_url": li("ann-lee-4b2"),
    "headline": "Archivist at Kew",
    "note": "Hi, we met at the archives conference in Leeds last spring.",
}


def names(**over) -> list[str]:
    kw = {
        k: over.pop(k)
        for k in ("template_count", "earlier", "earlier_invitations", "extra_dirs")
        if k in over
    }
    return [s.name for s in read_signals(pending(**over), **kw)]


def pending(**over) -> PendingRequest:
    """BASE with ``over`` as the store would give it (its slug from its URL)."""
    return PendingRequest.of(Request(**{**BASE, **over}))


def test_a_clean_request_has_no_risk_signal_only_its_shared_context():
    signals = read_signals(pending())
    assert [(s.name, s.severity) for s in signals] == [("personal_note", 0)]
    assert "archives conference" in signals[0].text


# (signal, request fields that make it fire) - the negative is BASE itself.
POSITIVE = [
    ("no_note", {"note": ""}),
    ("no_note", {"note": "   "}),
    ("pitch", {"note": "I help councils grow revenue. Can we book a quick call?"}),
    ("pitch", {"note": "Hallo, ich biete eine kostenlose Beratung an."}),
    ("pitch", {"note": "Bonjour, nos services de prospection peuvent vous aider."}),
    ("job_seeking", {"note": "I am looking for a new role, could you refer me?"}),
    ("job_seeking", {"headline": "Open to work | Archives"}),
    ("recruiter", {"headline": "Senior Technical Recruiter at TalentBridge"}),
    ("open_networker", {"headline": "LION | 30K+ connections"}),
    ("open_networker", {"note": "I accept all invitations!"}),
    ("generic_headline", {"headline": "CEO"}),
    ("generic_headline", {"headline": "Entrepreneur."}),
    ("template", {"note": "I'd like to add you to my professional network."}),
    ("reminders", {"reminders": 2}),
    ("slug_mismatch", {"profile_url": li("xk-growth-bot-8841")}),
]


@pytest.mark.parametrize(
    ("signal", "fields"), POSITIVE, ids=[f"{s}-{i}" for i, (s, _) in enumerate(POSITIVE)]
)
def test_signal_fires(signal, fields):
    assert signal in names(**fields)


NEGATIVE = [
    ("pitch", {"note": "Thanks for the call last week about the catalogue."}),
    ("job_seeking", {"headline": "Jobs and careers editor at The Gazette"}),
    ("open_networker", {"note": "The lion exhibit at the museum was great."}),
    ("generic_headline", {"headline": "CEO at Westmere Libraries Trust"}),
    (
        "template",
        {
            "note": "Let's connect about the Leeds archives digitisation plan; "
            "your talk on metadata quality was excellent and I have questions."
        },
    ),
    ("slug_mismatch", {"profile_url": li("alee84")}),
    ("slug_mismatch", {"profile_url": li("ACoAAB3xYz0BqWhitRobT")}),
    ("reminders", {"reminders": 0}),
]


@pytest.mark.parametrize(
    ("signal", "fields"), NEGATIVE, ids=[f"{s}-{i}" for i, (s, _) in enumerate(NEGATIVE)]
)
def test_signal_stays_quiet(signal, fields):
    assert signal not in names(**fields)


def test_each_signal_explains_itself():
    sig = read_signals(pending(note="Can we book a quick call?", reminders=3))
    texts = {s.name: s.text for s in sig}
    assert texts["pitch"] == 'the note is a sales pitch ("book a quick call")'
    assert texts["reminders"] == "3 reminders sent"


def test_template_note_across_requesters():
    pitch = "Hi, I help law firms cut research costs by 40% with our AI platform. Call?"
    groups = template_groups(
        [
            ("a", pitch),
            ("b", "Hello! " + pitch),
            ("c", pitch.upper()),
            ("d", "We met at the Leeds conference, lovely to see you"),
        ]
    )
    assert groups == {"a": 2, "b": 2, "c": 2}
    assert "template" in names(template_count=2)
    sig = read_signals(pending(), template_count=2)
    assert sig[0].text == "the same note came from 2 other requesters"
    assert template_groups([("a", pitch)]) == {}


NOTE_WORDS = ["hi", "we", "help", "law", "firms", "cut", "costs", "by", "40%", "call", "met"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(NOTE_WORDS), min_size=0, max_size=14).map(" ".join),
        min_size=0,
        max_size=12,
    )
)
def test_template_counts_are_the_pairwise_comparison(notes):
    """Distinct notes are compared once, each copy counted: the same counts as
    comparing every pair of requests."""
    from rapidfuzz import fuzz

    from havewemet.triage.signals import _norm_note

    items = [(str(i), n) for i, n in enumerate(notes)]
    kept = [(rid, _norm_note(n)) for rid, n in items if n and len(n.strip()) >= 20]
    expected = {}
    for rid, a in kept:
        c = sum(
            1
            for other, b in kept
            if other != rid
            and fuzz.token_set_ratio(a, b, score_cutoff=88) > 0
            and abs(len(a) - len(b)) < 0.3 * max(len(a), len(b))
        )
        if c:
            expected[rid] = c
    assert template_groups(items) == (expected if len(kept) >= 2 else {})


EARLIER_IGNORE = {"decision": "ignore", "decided_at": "2026-01-10T09:00:00", "reason": "spam"}


def test_declined_before_and_repeat_after_ignore():
    sig = read_signals(pending(sent_at="2026-03-01T10:00"), earlier=[EARLIER_IGNORE])
    by = {s.name: s for s in sig}
    assert by["declined_before"].text == "declined before: you ignored them on 2026-01-10 (spam)"
    assert by["declined_before"].severity == 2
    assert by["repeat_request"].text == "asked again after you ignored them on 2026-01-10"


def test_reported_before_is_severe():
    rep = {**EARLIER_IGNORE, "decision": "report"}
    (s,) = [x for x in read_signals(pending(), earlier=[rep]) if x.name == "declined_before"]
    assert s.severity == 3


def test_no_history_no_history_signal():
    assert not {"declined_before", "repeat_request", "decided_before"} & set(names())


def test_accepted_before_is_context_not_risk():
    acc = {**EARLIER_IGNORE, "decision": "accept"}
    sig = read_signals(pending(), earlier=[acc])
    assert [(s.name, s.severity) for s in sig] == [("personal_note", 0), ("decided_before", 0)]


def test_repeat_request_from_earlier_invitations():
    assert "repeat_request" in names(earlier_invitations=1)
    assert "repeat_request" not in names(earlier_invitations=0)


def test_slug_fits_name():
    assert slug_fits_name("jane-doe-4a1b2c", "Jane Doe")
    assert slug_fits_name("jdoe", "Jane Doe")
    assert not slug_fits_name("xk-growth-bot-8841", "Emily Carter")


def test_user_phrase_file_extends_lists(tmp_path):
    (tmp_path / "signals_mine.txt").write_text("[pitch]\nwebinar invite\n", encoding="utf-8")
    note = {"note": "Please accept my webinar invite for next week."}
    assert "pitch" not in names(**note)
    assert "pitch" in names(**note, extra_dirs=(str(tmp_path),))
    assert "webinar invite" not in str(phrase_lists()["pitch"])


def test_policy_signal_files_reach_the_triage(tmp_path, store):
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "signals_extra.txt").write_text("[pitch]\nwebinar invite\n", encoding="utf-8")
    pol_file = tmp_path / "policy.toml"
    pol_file.write_text('signal_files = ["lists"]\n', encoding="utf-8")
    r = request(store, "Ann Lee", url=li("ann-lee"), note="Join my webinar invite list today")
    res = Triager(store, policy=load_policy(pol_file), today=TODAY).triage(r)
    assert "pitch" in [s.name for s in res.signals]


def test_namesake_positive_and_negative(store):
    b = batch()
    person(b, "in/sarah-mitchell-lib", "Sarah Mitchell", url=li("sarah-mitchell-lib"))
    person(b, "in/sara-roman-1", "Sara Román", url=li("sara-roman-1"))
    store.save(b)
    t = Triager(store, today=TODAY)
    fake = t.triage(request(store, "Sarah Mitchell", url=li("sarah-mitchell-sales-4f1e")))
    (ns,) = [s for s in fake.signals if s.name == "namesake"]
    assert ns.text.startswith(
        "has the name of Sarah Mitchell in your data (linkedin), but a "
        "different LinkedIn profile (sarah-mitchell-lib)"
    )
    other = t.triage(request(store, "Priya Raman", url=li("priya-raman-law")))
    assert "namesake" not in [s.name for s in other.signals]
    same = t.triage(request(store, "Sarah Mitchell", url=li("sarah-mitchell-lib")))
    assert "namesake" not in [s.name for s in same.signals]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["book a quick call", "Quick Call", "we help", "hiring", "LION", "lion", "open to work"]
            + ["recruiter", "CEO", "synergy", "hi", "the", "Book", "a", "call", ".", ",", "!"]
        )
        | st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=8),
        max_size=12,
    ).map(" ".join)
)
def test_phrase_prefilter_finds_what_every_pattern_finds(text):
    lists = phrase_lists()
    for section, pats in lists.items():
        assert _hits(section, text, lists) == [m.group(0) for p in pats if (m := p.search(text))]


@pytest.mark.parametrize("note", ["Hi!", "Hello", "Hi Ruth", "Hello there :)", "Bonjour Marie"])
def test_a_bare_greeting_is_a_generic_note(note):
    """Issue 12: a greeting with nothing after it says nothing about why."""
    sigs = read_signals(PendingRequest("r1", "Ann Lee", note=note))
    assert [s.name for s in sigs if s.name == "template"] == ["template"]
    assert any("bare greeting" in s.text for s in sigs)


@pytest.mark.parametrize("note", ["Hi Ruth, we met at LibCon in June", "Hi, I loved your talk"])
def test_a_greeting_with_a_reason_is_not_bare(note):
    sigs = read_signals(PendingRequest("r1", "Ann Lee", note=note))
    assert not any("bare greeting" in s.text for s in sigs)
