"""Outreach check: shared context, whether to send, the note, the outgoing audit."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.store import Store
from havewemet.triage.engine import Mutual
from havewemet.triage.evidence import Evidence
from havewemet.triage.outreach import NOTE_LIMIT, audit_outgoing, check_note, outreach
from tests.fixtures_triage import TODAY, batch, did, li, person

EVENT = [
    Evidence("met", "event", "also at Open Data Day", "Events.csv", "2025-06-12", "Open Data Day")
]


def _store(store):
    b = batch()
    k = person(b, "in/ann-lee", "Ann Lee", url=li("ann-lee"))
    did(b, k, "event", "2025-06-12", "both", detail="Open Data Day", file="Events.csv")
    k = person(b, "in/tom-b", "Tom Brennan", url=li("tom-b"))
    did(b, k, "connected", "2020-01-01", "both", file="Connections.csv")
    did(b, k, "message", "2026-01-01", "in", count=5)
    did(b, k, "message", "2026-01-02", "out", count=5)
    k = person(b, "in/cold", "Cole Dempsey", url=li("cold"))
    did(b, k, "invitation", "2025-01-01", "out", file="Invitations.csv", line=9)
    k = person(b, "in/warm", "Wanda Marsh", url=li("warm"))
    did(b, k, "meeting", "2024-12-01", "both", detail="Budget", file="cal.ics")
    did(b, k, "invitation", "2025-01-01", "out", file="Invitations.csv", line=10)
    k = person(b, "in/late", "Lara Tate", url=li("late"))
    did(b, k, "invitation", "2025-01-01", "out", file="Invitations.csv", line=11)
    did(b, k, "meeting", "2025-05-01", "both", detail="after", file="cal.ics")
    store.save(b)
    return store


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("", "no note: add one that says where you met or what you share"),
        ("Hi Ann, let's connect!", "generic: it could be sent to anyone; say why this person"),
        (
            "Hi Ann, our platform can grow your business, book a quick call?",
            "reads as a sales pitch",
        ),
        (
            "Hi Ann, I would like to discuss metadata standards with you soon.",
            "does not name what you share",
        ),
        (
            "Hi Ann, great to see you at Open Data Day. " + "x" * NOTE_LIMIT,
            f"characters: LinkedIn allows {NOTE_LIMIT}",
        ),
    ],
)
def test_note_problems(note, problem):
    assert any(problem in p for p in check_note(note, evidence=EVENT))


def test_a_good_note_passes():
    assert (
        check_note(
            "Hi Ann, it was good to talk at Open Data Day about catalogues; "
            "I'd like to keep in touch.",
            evidence=EVENT,
        )
        == []
    )
    assert (
        check_note(
            "Hi Bo, Amira Haddad suggested I write about the archives project.",
            mutuals=[Mutual("Amira Haddad", "Amira Haddad", 0.8)],
        )
        == []
    )


def test_no_shared_context_at_all():
    assert any(
        p.startswith("no shared context in your data")
        for p in check_note("Hi Bo, I would be glad to add you to my network, thanks.")
    )


def test_outreach_to_someone_met(store):
    r = outreach(_store(store), "Ann Lee", note="Hi Ann, let's connect", today=TODAY)
    assert (r.verdict, r.appropriate, r.connected) == ("met", True, False)
    assert r.opening == (
        "Hi Ann, we were both at Open Data Day in June 2025. I'd be glad to stay in touch here."
    )
    assert any(p.startswith("generic") for p in r.note_problems)


def test_outreach_by_url_to_a_connection(store):
    r = outreach(_store(store), li("tom-b"), today=TODAY)
    assert (r.name, r.connected, r.appropriate) == ("Tom Brennan", True, False)
    assert r.advice == "already a LinkedIn connection: send a message instead"
    assert r.note_problems == []


def test_outreach_to_a_stranger(store):
    r = outreach(_store(store), "Xavier Quill", today=TODAY)
    assert (r.verdict, r.appropriate) == ("stranger", False)
    assert r.advice.startswith("not yet: your data shows nothing you share")


def test_outreach_to_someone_already_invited(store):
    """The pending invitation the user sent is not shared context: no second request."""
    r = outreach(_store(store), "Cole Dempsey", note="Hi Cole, let's connect", today=TODAY)
    assert (r.verdict, r.appropriate, r.connected) == ("stranger", False, False)
    assert r.advice == (
        "you invited them on 2025-01-01 and they have not accepted: do not send "
        "another; a second request reads as pressure"
    )
    assert [e.kind for e in r.evidence] == ["invitation"]
    assert any(p.startswith("no shared context in your data") for p in r.note_problems)
    r = outreach(store, "Wanda Marsh", today=TODAY)
    assert (r.verdict, r.appropriate) == ("met", False)
    assert r.opening.startswith("Hi Wanda, ")


def test_audit_counts_invitations_to_strangers(store):
    a = audit_outgoing(_store(store), today=TODAY)
    assert (a.total, a.strangers) == (3, 2)
    got = {x["name"]: (x["verdict"], x["source"]) for x in a.invitations}
    assert got == {
        "Cole Dempsey": ("stranger", "Invitations.csv, line 9"),
        "Wanda Marsh": ("met", "Invitations.csv, line 10"),
        "Lara Tate": ("stranger", "Invitations.csv, line 11"),
    }  # met only after


def test_audit_counts_context_from_earlier_the_same_day(store):
    """A meeting that morning counts for an invitation sent that afternoon, one that
    evening does not; an event known only by its day counts on that day."""
    b = batch()
    k = person(b, "in/morning", "Mona Reyes", url=li("morning"))
    did(b, k, "meeting", "2025-03-04T09:00:00", "both", detail="Budget", file="cal.ics")
    did(b, k, "invitation", "2025-03-04T16:30:00", "out", file="Invitations.csv", line=2)
    k = person(b, "in/evening", "Eve Norris", url=li("evening"))
    did(b, k, "meeting", "2025-03-04T18:00:00", "both", detail="Dinner", file="cal.ics")
    did(b, k, "invitation", "2025-03-04T16:30:00", "out", file="Invitations.csv", line=3)
    k = person(b, "in/day", "Dai Evans", url=li("day"))
    did(b, k, "event", "2025-03-04", "both", detail="Library Camp", file="attendees.csv")
    did(b, k, "invitation", "2025-03-04T20:00:00", "out", file="Invitations.csv", line=4)
    store.save(b)
    got = {x["name"]: x["verdict"] for x in audit_outgoing(store, today=TODAY).invitations}
    assert got == {"Mona Reyes": "met", "Eve Norris": "stranger", "Dai Evans": "met"}


def test_cli_outreach(db_path):
    _store(Store.open(db_path)).close()
    runner = CliRunner()
    res = runner.invoke(app, ["outreach", "Ann Lee", "--note", "Hi", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["verdict"] == "met"
    res = runner.invoke(app, ["outreach", "--audit"])
    assert res.output.splitlines()[0] == (
        "You sent 3 invitations; 2 (67%) went to people your data shows no shared context with."
    )
    res = runner.invoke(app, ["outreach"])
    assert res.exit_code == 1
    assert res.output.strip() == "Error: give a NAME or profile URL, or --audit"


def test_cli_outreach_as_the_user_reads_it(db_path):
    """A note naming a talk is a reason to write; a connection is "already connected"."""
    _store(Store.open(db_path)).close()
    runner = CliRunner()
    note = "Hi Xavier, I enjoyed your talk on linked data at the Leeds archives day."
    out = runner.invoke(app, ["outreach", "Xavier Quill", "--note", note]).output.splitlines()
    assert out[0] == "Xavier Quill  stranger  send a request: not now"
    assert "  note: fine" in out and not any("name the reason" in line for line in out)
    bare = runner.invoke(
        app, ["outreach", "Xavier Quill", "--note", "Hi Xavier, happy to add you here."]
    )
    assert (
        "  ! note: no shared context in your data: name the reason you are writing (their "
        "work, a talk, a common interest)" in bare.output.splitlines()
    )
    out = runner.invoke(app, ["outreach", li("tom-b")]).output.splitlines()
    assert out[:2] == [
        "Tom Brennan  known  already connected",
        "  already a LinkedIn connection: send a message instead",
    ]
    assert not any("send a request" in line or "note:" in line for line in out)
