"""Verdict levels, sourced evidence strongest first, and mutuals weighed by tie."""

from __future__ import annotations

import pytest

from havewemet.identity.match import Query
from havewemet.network.ties import describe_tie
from havewemet.triage.engine import Mutual, Triager, mutual_evidence
from havewemet.triage.evidence import (
    CONNECTED,
    KNOWN,
    KNOWN_OF,
    MET,
    STRANGER,
    Evidence,
    from_interactions,
    headline_company,
    strongest_first,
    verdict_of,
)
from tests.fixtures_triage import TODAY, batch, did, li, person, request


def _triage(store, name, setup, **req):
    b = batch()
    key = person(
        b, f"in/{name.lower().replace(' ', '-')}", name, url=li(name.lower().replace(" ", "-"))
    )
    setup(b, key)
    store.save(b)
    r = request(store, name, url=li(name.lower().replace(" ", "-")), **req)
    return Triager(store, today=TODAY).triage(r)


CASES = [
    (
        "two-way thread",
        lambda b, k: (
            did(b, k, "message", "2026-01-02", "in", line=3),
            did(b, k, "message", "2026-01-03", "out", line=4),
        ),
        KNOWN,
        "you messaged each other 2 times (1 from you), last 2026-01-03",
    ),
    (
        "two meetings",
        lambda b, k: (
            did(b, k, "meeting", "2025-01-02", "both", detail="Budget", file="cal.ics"),
            did(b, k, "meeting", "2025-03-02", "both", detail="Review", file="cal.ics"),
        ),
        KNOWN,
        "met at Review on 2025-03-02 and 1 other meeting",
    ),
    (
        "recommendation",
        lambda b, k: did(
            b, k, "recommendation", "2020-02-01", "in", file="Recommendations_Received.csv"
        ),
        KNOWN,
        "recommended you on 2020-02-01",
    ),
    (
        "one meeting",
        lambda b, k: did(b, k, "meeting", "2025-01-02", "both", detail="Budget", file="cal.ics"),
        MET,
        "met at Budget on 2025-01-02",
    ),
    (
        "event",
        lambda b, k: did(
            b, k, "event", "2025-06-12", "both", detail="Open Data Day", file="Events.csv"
        ),
        MET,
        "also at Open Data Day on 2025-06-12",
    ),
    (
        "address book",
        lambda b, k: did(b, k, "contact", None, "out", file="contacts.vcf"),
        MET,
        "in your address book",
    ),
    (
        "you wrote, no reply",
        lambda b, k: did(b, k, "message", "2026-01-02", "out"),
        MET,
        "you messaged them 1 time, last 2026-01-02, no reply",
    ),
    (
        "they follow you",
        lambda b, k: did(b, k, "follow", "2024-01-01", "in", file="follower.js"),
        KNOWN_OF,
        "they follow you on LinkedIn",
    ),
    (
        "they wrote, never answered",
        lambda b, k: did(b, k, "message", "2026-01-02", "in"),
        KNOWN_OF,
        "they messaged you 1 time, last 2026-01-02, you never replied",
    ),
    (
        "same list",
        lambda b, k: did(b, k, "member", None, "none", detail="Law Society", file="members.csv"),
        KNOWN_OF,
        "on the list Law Society",
    ),
    ("nothing", lambda b, k: None, STRANGER, None),
]


@pytest.mark.parametrize(("label", "setup", "verdict", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_verdict_level(store, label, setup, verdict, text):
    res = _triage(store, "Nadia Petrov", setup)
    assert res.verdict == verdict
    if text:
        assert res.evidence[0].text.split(" [matched")[0] == text
        assert res.evidence[0].source  # every line names its file


def test_two_kinds_of_met_make_known(store):
    res = _triage(
        store,
        "Nadia Petrov",
        lambda b, k: (
            did(b, k, "contact", None, "out", file="contacts.vcf"),
            did(b, k, "event", "2025-06-12", "both", detail="Open Data Day", file="Events.csv"),
        ),
    )
    assert res.verdict == KNOWN
    assert {e.kind for e in res.evidence} == {"contact", "event"}


def test_one_line_evidence_names_file_and_line(store):
    res = _triage(
        store,
        "Nadia Petrov",
        lambda b, k: did(
            b,
            k,
            "endorsement",
            "2024-05-01",
            "in",
            detail="Cataloguing",
            file="export.zip:Endorsement_Received_Info.csv",
            line=7,
        ),
    )
    assert res.evidence[0].source == "Endorsement_Received_Info.csv, line 7"
    assert res.evidence[0].text.startswith("endorsed you for Cataloguing on 2024-05-01")


def test_bare_connection_is_only_known_of(store):
    res = _triage(
        store,
        "Nadia Petrov",
        lambda b, k: did(b, k, "connected", "2020-01-01", "both", file="Connections.csv"),
    )
    assert res.verdict == KNOWN_OF


def test_shared_employer_from_headline(store):
    from havewemet.models import ImportBatch

    b = ImportBatch(
        "linkedin",
        "test",
        "test",
        positions=[
            {
                "company": "Harrow & Pike LLP",
                "title": "Librarian",
                "start": "2013-03-01",
                "end": "2018-12-01",
                "file": "Positions.csv",
                "line": 3,
            }
        ],
    )
    store.save(b)
    r = request(store, "Ellen Brooks", headline="Paralegal at Harrow & Pike")
    res = Triager(store, today=TODAY).triage(r)
    assert res.verdict == KNOWN_OF
    assert res.evidence[0].text == (
        "works or worked at Harrow & Pike LLP, where you worked 2013-03 to 2018-12"
    )
    assert res.evidence[0].source == "Positions.csv, line 3"


def test_strongest_first_then_most_recent():
    ev = [
        Evidence(KNOWN_OF, "follow", "a", "f", "2020-01-01"),
        Evidence(MET, "event", "b", "f", "2021-01-01"),
        Evidence(MET, "event", "c", "f", "2024-01-01"),
        Evidence(KNOWN, "message", "d", "f", "2019-01-01"),
    ]
    assert [e.text for e in strongest_first(ev)] == ["d", "c", "b", "a"]
    assert verdict_of([]) == STRANGER


def test_unsure_match_cannot_be_more_than_known_of(store):
    b = batch("contacts")
    k = person(b, "c1", "Jon Smithers", file="contacts.vcf")
    did(b, k, "meeting", "2025-01-02", "both", detail="Budget", file="cal.ics")
    did(b, k, "meeting", "2025-02-02", "both", detail="Budget 2", file="cal.ics")
    store.save(b)
    t = Triager(store, today=TODAY)
    res = t.triage(request(store, "Jonathan Smithers"))
    assert res.verdict in (KNOWN_OF, KNOWN)
    if res.verdict == KNOWN_OF:
        assert all(e.text.startswith("possibly") for e in res.evidence)


def test_headline_company():
    assert headline_company("Paralegal at Harrow & Pike LLP") == "Harrow & Pike LLP"
    assert headline_company("Open to work | Information Management") == ""


def test_from_interactions_thread_counts():
    rows = [
        {
            "kind": "mail",
            "direction": "in",
            "count": 3,
            "at": "2025-01-01",
            "file": "m.mbox",
            "line": 1,
            "detail": "",
            "source": "mail",
        },
        {
            "kind": "mail",
            "direction": "out",
            "count": 2,
            "at": "2025-02-01",
            "file": "m.mbox",
            "line": 9,
            "detail": "",
            "source": "mail",
        },
    ]
    (ev,) = from_interactions(rows)
    assert (ev.level, ev.text, ev.source) == (
        KNOWN,
        "you e-mailed each other 5 times (2 from you), last 2025-02-01",
        "m.mbox",
    )


# -- mutuals weighed by tie strength (issue 5, point 2) -----------------------------------


def _mutual_store(store):
    b = batch()
    for i in range(2):  # two close colleagues: long two-way threads, recent
        k = person(b, f"in/close-{i}", f"Close Colleague{i}", url=li(f"close-{i}"))
        did(b, k, "message", "2026-05-01", "in", count=20, line=10 + i)
        did(b, k, "message", "2026-05-02", "out", count=20, line=20 + i)
    for i in range(40):  # accepted blindly: a connection and nothing else
        k = person(b, f"in/blind-{i}", f"Blind Acceptee{i}", url=li(f"blind-{i}"))
        did(b, k, "connected", "2019-01-01", "both", file="Connections.csv", line=100 + i)
    store.save(b)


def test_two_close_mutuals_outrank_forty_blind_ones(store):
    _mutual_store(store)
    t = Triager(store, today=TODAY)
    close = t.triage(
        request(store, "Hannah Osei", mutuals=["Close Colleague0", "Close Colleague1"])
    )
    blind = t.triage(
        request(store, "Victor Lane", mutuals=[f"Blind Acceptee{i}" for i in range(40)])
    )
    assert close.verdict == CONNECTED
    assert blind.verdict == STRANGER
    assert sum(m.strength for m in close.mutuals) > 1.0
    assert all(m.resolved and m.strength < 0.1 for m in blind.mutuals)
    mev = next(e for e in blind.evidence if e.kind == "mutuals")
    assert mev.text == (
        "40 mutual connections, 40 found in your data; you know none of them beyond a connection"
    )


def test_mutual_evidence_rule():
    assert mutual_evidence([Mutual("A", "A", 0.35)]).level == CONNECTED
    assert mutual_evidence([Mutual("A", "A", 0.2), Mutual("B", "B", 0.2)]).level == STRANGER
    assert mutual_evidence([Mutual("A", "A", 0.25), Mutual("B", "B", 0.25)]).level == CONNECTED
    assert mutual_evidence([Mutual("X")] * 3).text.startswith("3 mutual connections, 0 found")


def _ytd(name: str, entries: list[dict]) -> str:
    import json

    return f"window.YTD.{name}.part0 = " + json.dumps(entries, indent=2)


def _follow_rows(store, *files: tuple[str, str]) -> list[dict]:
    """Import each X archive file on its own, as a user would, and return the rows."""
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from havewemet.importers import read_source

    with TemporaryDirectory() as d:
        for name, text in files:
            path = Path(d) / name
            path.write_text(text, encoding="utf-8")
            store.save(read_source(path, format="x-archive"))
    return list(store._db.query("select * from interactions where kind = 'follow' order by id"))


def test_x_following_and_follower_imported_separately_make_one_mutual_follow(store):
    jane = {"accountId": "42", "userLink": "https://twitter.com/intent/user?user_id=42"}
    other = {"accountId": "7", "userLink": "https://twitter.com/intent/user?user_id=7"}
    rows = _follow_rows(
        store,
        ("following.js", _ytd("following", [{"following": jane}, {"following": other}])),
        ("follower.js", _ytd("follower", [{"follower": jane}])),
    )
    by_id: dict[str, list[dict]] = {}
    for r in rows:
        by_id.setdefault(r["identity_id"], []).append(r)
    assert sorted(sorted(r["direction"] for r in rs) for rs in by_id.values()) == [
        ["in", "out"],
        ["out"],
    ]
    both = next(rs for rs in by_id.values() if len(rs) == 2)
    ev = from_interactions(both)
    assert [(e.level, e.text, e.source) for e in ev] == [
        (KNOWN_OF, "you follow each other on X", "following.js, line 2; follower.js, line 2")
    ]
    one = next(rs for rs in by_id.values() if len(rs) == 1)
    assert [e.text for e in from_interactions(one)] == ["you follow them on X"]


def test_follow_directions_combine_per_identity_and_network():
    def row(ident, direction, source="x", file="following.js", at=None):
        return {
            "kind": "follow",
            "direction": direction,
            "identity_id": ident,
            "source": source,
            "file": file,
            "line": 4,
            "at": at,
            "detail": "",
            "count": 1,
        }

    ev = from_interactions(
        [
            row("a", "both", file="archive.zip:data/follower.js"),
            row("a", "out", at="2024-02-01"),  # the same follow again, from a later import
            row("b", "in", source="mastodon", file="followers.csv"),
            row("c", "out", source="mastodon", file="following_accounts.csv"),
        ]
    )
    assert sorted((e.text, e.source, e.at) for e in ev) == [
        ("they follow you on Mastodon", "followers.csv, line 4", None),
        ("you follow each other on X", "following.js, line 4; follower.js, line 4", "2024-02-01"),
        ("you follow them on Mastodon", "following_accounts.csv, line 4", None),
    ]


def test_a_mutual_named_as_exactly_one_person_is_that_person_however_common(store):
    # LinkedIn names mutual connections by the user's own connections' names: a name
    # one person holds is that person, even where the name alone is not evidence.
    b = batch()
    for i in range(150):
        person(b, f"in/anna-{i}", f"Anna Surname{i}", url=li(f"anna-{i}"), line=10 + i)
        person(b, f"in/smith-{i}", f"Given{i} Smith", url=li(f"smith-{i}"), line=200 + i)
    k = person(b, "in/anna-smith", "Anna Smith", url=li("anna-smith"), line=400)
    did(b, k, "message", "2026-05-01", "out", count=12, line=3)
    for i in range(2):  # two different people with one name: neither is assumed
        person(b, f"in/ben-jones-{i}", "Ben Jones", url=li(f"ben-jones-{i}"), line=500 + i)
        k = person(b, f"in/cara-ng-{i}", "Cara Ng", url=li(f"cara-ng-{i}"), line=510 + i)
        did(b, k, "message", f"2026-05-0{2 + i}", "out", count=15, line=20 + i)
    store.save(b)
    book = batch("contacts")  # one person in two sources: the address book and LinkedIn
    person(book, "tom@example.org", "Tom Reed", emails=["tom@example.org"], file="book.vcf")
    did(book, "tom@example.org", "meeting", "2026-05-20", file="calendar.ics")
    store.save(book)
    person(b2 := batch(), "in/tom-reed", "Tom Reed", url=li("tom-reed"), line=600)
    store.save(b2)
    t = Triager(store, today=TODAY)
    assert t.matcher.match(Query("Anna Smith"), threshold=0.8) == []  # the name alone
    tom = t.triage(request(store, "Ola Berg", mutuals=["Tom Reed"])).mutuals[0]
    assert tom.resolved == "Tom Reed" and tom.strength > 0.1  # the meeting counts
    got = t.triage(request(store, "Nia Okoro", mutuals=["Anna Smith", "Ben Jones", "Anna Smyth"]))
    anna, ben, smyth = got.mutuals
    assert anna.resolved == "Anna Smith" and anna.strength > 0.1
    assert smyth.resolved == ""
    assert ben.holders == 2 and ben.strength == 0.0  # neither Ben Jones was ever met
    assert ben.line() == "Ben Jones: one of 2 people with this name in your data"
    cara = t.triage(request(store, "Ida Moss", mutuals=["Cara Ng"])).mutuals[0]
    assert cara.holders == 2 and cara.strength >= 0.1  # whichever it is, both are known
    assert cara.line() == (
        f"Cara Ng: one of 2 people with this name in your data, "
        f"{describe_tie(cara.strength)} at least (tie {cara.strength:.2f})"
    )
    assert smyth.line() == "Anna Smyth: not found in your data"
