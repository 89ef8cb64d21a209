"""Who is who in triage (issue 12): initials against one or several people."""

from __future__ import annotations

from havewemet.triage.engine import Triager
from havewemet.triage.evidence import KNOWN_OF, STRANGER
from tests.fixtures_triage import TODAY, batch, did, person, request


def _store_with(store, *names: str) -> None:
    b = batch("mail")
    for i, name in enumerate(names):
        key = person(b, f"email:p{i}@example.org", name, emails=[f"p{i}@example.org"])
        did(b, key, "mail", "2026-03-01", "both", count=14, file="mail.mbox", line=10 + i)
    store.save(b)


def test_an_initial_against_one_person_is_possibly_and_asks(store):
    _store_with(store, "Daniel Okafor")
    for written in ("D. Okafor", "D Okafor"):
        t = Triager(store, today=TODAY).triage(request(store, written))
        assert t.verdict == KNOWN_OF
        assert t.action == "ask"
        assert any(e.text.startswith("possibly:") for e in t.evidence)


def test_an_initial_against_several_people_gives_no_evidence_and_says_why(store):
    _store_with(store, "Daniel Okafor", "Dora Okafor")
    t = Triager(store, today=TODAY).triage(request(store, "D. Okafor"))
    assert t.verdict == STRANGER
    assert not any(e.text.startswith("possibly:") for e in t.evidence)
    why = [e.text for e in t.evidence if e.kind == "initial"]
    assert why == [
        "the initial D. fits 2 people in your data (Daniel Okafor, Dora Okafor): no evidence"
    ]


def test_an_initial_with_another_surname_is_no_match(store):
    _store_with(store, "Daniel Okafor")
    t = Triager(store, today=TODAY).triage(request(store, "D. Okoro"))
    assert t.verdict == STRANGER


NOTE = "I came across your profile and would love to add you to my professional network."


def test_check_compares_the_note_with_the_stored_requests(store):
    """Issue 12: `check` finds a template note across stored requests, not only inbox."""
    from havewemet.models import Request

    for name in ("Ann Lee", "Bo Chan"):
        store.add_request(Request(name, note=NOTE))
    mine = store.get_request(store.add_request(Request("Cy Diaz", note=NOTE.upper())))
    t = Triager(store, today=TODAY).check(mine)
    assert "the same note came from 2 other requesters" in [s.text for s in t.signals]
    other = store.get_request(store.add_request(Request("Di Eko", note="We met at LibCon 2025.")))
    t = Triager(store, today=TODAY).check(other)
    assert not any(s.name == "template" and "same note" in s.text for s in t.signals)


def test_the_matched_note_gives_the_best_matchs_own_reasons(store):
    """The "[matched: ...]" note says why the best match is the requester: its reasons
    only, not the first two of every match (another identity's would mislead)."""
    from havewemet.identity.match import Match
    from havewemet.models import stable_id

    b = batch()
    person(b, "a", "Jo Park", company="Acme")
    person(b, "b", "Joanna Park")
    did(b, "a", "message", "2026-01-05T10:00:00", "out")
    store.save(b)
    t = Triager(store, today=TODAY)
    weak = Match(stable_id("linkedin", "b"), 0.6, ["Jo is a form of Joanna", "same surname"])
    best = Match(stable_id("linkedin", "a"), 0.97, ["same organisation (Acme)"])
    rows = t._interactions([weak, best])
    (first, *_rest) = t._evidence([weak, best], rows)
    assert first.text.endswith("[matched: same organisation (Acme)]")
