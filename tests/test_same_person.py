"""The user's word on a "possibly" match (issue 12): the request page's "Same person"
and "Not the same" buttons, their undo, and the same word through the CLI. The
store is built with havewemet's own commands from generated files in their real
shape: a Gmail Takeout mbox (a two-way thread with Daniel Okafor), an Apple vCard
(Danny and Dani Okafor), and requests typed with ``havewemet check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from havewemet.cli.app import app as cli_app
from havewemet.store import Store
from havewemet.web import WebSettings, create_app
from tests.fixtures_mail import ME, mbox, vcard
from tests.fixtures_triage import TODAY

BASE = "http://127.0.0.1"
HOSTILE = "<img src=x onerror=alert(1)>"
runner = CliRunner()


def cli(*args: str) -> str:
    r = runner.invoke(cli_app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def check(name: str, slug: str) -> str:
    """``havewemet check NAME --url ...``: the request's id."""
    url = f"https://www.linkedin.com/in/{slug}"
    return json.loads(cli("check", name, "--url", url, "--note", "Hi!", "--json"))["id"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    mail = tmp_path / "All mail Including Spam and Trash.mbox"
    mail.write_text(mbox("Daniel Okafor", "daniel.okafor@okafor.example"), encoding="utf-8")
    others = tmp_path / "Sent and received.mbox"
    others.write_text(mbox(), encoding="utf-8")
    cards = tmp_path / "Contacts.vcf"
    cards.write_bytes(vcard("Danny Okafor", "Dani Okafor").encode("utf-8"))
    return {"mail": mail, "others": others, "cards": cards}


@pytest.fixture
def okafor(db_path: Path, files: dict[str, Path]) -> dict[str, str]:
    """One Daniel Okafor (14 messages both ways) and a request from "D. Okafor"."""
    cli("import", str(files["mail"]), "--me", ME)
    rid = check("D. Okafor", "dokafor-lib")
    return {"rid": rid, "daniel": _identity("daniel.okafor@okafor.example")}


def _identity(email: str) -> str:
    found = json.loads(cli("people", email, "--json"))
    return next(i["id"] for p in found for i in p["identities"] if i["matched"])


def client(db: Path) -> TestClient:
    return TestClient(create_app(WebSettings(db, today=TODAY)), base_url=BASE)


def answer(c: TestClient, rid: str, iid: str, what: str, **headers: str):
    return c.post(
        "/same-person",
        data={"request_id": rid, "identity_id": iid, "answer": what},
        headers={"Origin": BASE, **headers},
        follow_redirects=False,
    )


def page(c: TestClient, rid: str) -> dict:
    return c.get(f"/request/{rid}.json").json()


def matched(html: str) -> str:
    return html[html.index('<section class="panel" id="matched">') : html.index("<h2>Timeline")]


# -- the web page ------------------------------------------------------------------------


def test_same_person_counts_the_match_in_full_and_undo_takes_it_back(db_path, okafor):
    c = client(db_path)
    rid, daniel = okafor["rid"], okafor["daniel"]
    before = page(c, rid)["request"]
    assert before["verdict"] == "known of" and before["recommendation"] == "ask"
    [m] = before["matches"]
    assert (m["identity_id"], m["name"], m["possibly"], m["confirmed"]) == (
        daniel,
        "Daniel Okafor",
        True,
        False,
    )
    html = matched(c.get(f"/request/{rid}").text)
    # Which identity it is, as `havewemet people` shows it: name, source, file:line, id.
    assert f"All mail Including Spam and Trash.mbox:{m['line']}" in html and m["line"] > 0
    assert f"id {daniel}" in html
    assert f'<input type="hidden" name="identity_id" value="{daniel}">' in html
    assert ">Same person</button>" in html and ">Not the same</button>" in html

    r = answer(c, rid, daniel, "same")
    assert r.status_code == 303 and r.headers["location"] == f"/request/{rid}#matched"
    after = page(c, rid)["request"]
    assert after["verdict"] == "known"
    assert after["recommendation"] == "accept"
    assert [(x["identity_id"], x["possibly"], x["confirmed"]) for x in after["matches"]] == [
        (daniel, False, True)
    ]
    lines = [e["text"] for e in after["evidence"]]
    assert not any(t.startswith("possibly:") for t in lines)
    assert any("[matched: you said this is the same person]" in t for t in lines)
    html = matched(c.get(f"/request/{rid}").text)
    assert "You said this is the same person: it counts in full." in html
    assert ">Undo</button>" in html and ">Same person</button>" not in html
    # The inbox (the same triage, cached) follows too.
    inbox = {r["id"]: r for r in c.get("/.json").json()["requests"]}
    assert inbox[rid]["verdict"] == "known"

    assert answer(c, rid, daniel, "undo").status_code == 303
    assert page(c, rid)["request"] == before


def test_not_the_same_drops_the_match_with_an_undo(db_path, okafor):
    c = client(db_path)
    rid, daniel = okafor["rid"], okafor["daniel"]
    assert answer(c, rid, daniel, "not").status_code == 303
    data = page(c, rid)
    assert data["request"]["verdict"] == "stranger"
    assert data["request"]["matches"] == []
    assert [(x["identity_id"], x["name"]) for x in data["not_same"]] == [(daniel, "Daniel Okafor")]
    html = matched(c.get(f"/request/{rid}").text)
    assert "Nobody in your data matches this requester." in html
    assert "You said these are not D. Okafor" in html and ">Undo</button>" in html
    assert answer(c, rid, daniel, "undo").status_code == 303
    data = page(c, rid)
    assert data["not_same"] == [] and data["request"]["verdict"] == "known of"


def test_the_same_answer_twice_changes_nothing(db_path, okafor):
    c = client(db_path)
    rid, daniel = okafor["rid"], okafor["daniel"]
    h = {"Accept": "application/json"}
    first = answer(c, rid, daniel, "same", **h)
    assert first.status_code == 200
    assert first.json() == {"ok": True, "request_id": rid, "identity_id": daniel, "answer": "same"}
    store = Store.open(db_path)
    links = store.links_of([rid])
    at = list(store._db.query("select at from links"))
    store.close()
    assert answer(c, rid, daniel, "same", **h).json() == first.json()  # a double click
    store = Store.open(db_path)
    assert store.links_of([rid]) == links == [tuple(sorted((rid, daniel))) + ("link",)]
    assert list(store._db.query("select at from links")) == at
    store.close()
    assert page(c, rid)["request"]["verdict"] == "known"
    # Undo twice: the second finds nothing to take back and says nothing went wrong.
    assert answer(c, rid, daniel, "undo").status_code == 303
    assert answer(c, rid, daniel, "undo").status_code == 303
    assert page(c, rid)["request"]["verdict"] == "known of"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},  # a cross-site form under no-referrer, from an older browser
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_cross_site_answer_is_refused(db_path, okafor, headers):
    c = client(db_path)
    r = c.post(
        "/same-person",
        data={"request_id": okafor["rid"], "identity_id": okafor["daniel"], "answer": "same"},
        headers={"Accept": "application/json", **headers},
    )
    assert r.status_code == 403
    assert r.json() == {
        "ok": False,
        "status": 403,
        "error": "answers are accepted only from this page (cross-site request refused)",
    }
    assert page(c, okafor["rid"])["request"]["verdict"] == "known of"


def test_our_own_form_is_accepted_with_origin_null(db_path, okafor):
    """Chromium posts our page's form with ``Origin: null`` (Referrer-Policy:
    no-referrer) and ``Sec-Fetch-Site: same-origin``: that is our own page."""
    c = client(db_path)
    r = answer(c, okafor["rid"], okafor["daniel"], "same", Origin="null")
    assert r.status_code == 403
    r = c.post(
        "/same-person",
        data={"request_id": okafor["rid"], "identity_id": okafor["daniel"], "answer": "same"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert page(c, okafor["rid"])["request"]["verdict"] == "known"


def test_bad_answers_use_the_one_error_shape(db_path, okafor):
    c = client(db_path)
    h = {"Accept": "application/json"}
    bad = answer(c, okafor["rid"], okafor["daniel"], "maybe", **h)
    assert (bad.status_code, bad.json()["error"]) == (
        400,
        "answer 'maybe' is not one of: same, not, undo",
    )
    gone = answer(c, okafor["rid"], "nope", "same", **h)
    assert (gone.status_code, gone.json()["error"]) == (
        404,
        "no identity with id 'nope'; reload the page",
    )
    gone = answer(c, "nope", okafor["daniel"], "same", **h)
    assert gone.status_code == 404 and gone.json()["error"].startswith("no request with id")


def test_not_the_same_on_one_of_two_possible_matches_leaves_the_other(
    db_path, files: dict[str, Path]
):
    """Near miss: "Dan Okafor" fits Danny and Dani Okafor (address book) alike."""
    cli("import", str(files["others"]), "--me", ME)
    cli("import", str(files["cards"]))
    rid = check("Dan Okafor", "eastvale-archivist")
    c = client(db_path)
    names = {m["name"]: m for m in page(c, rid)["request"]["matches"]}
    assert set(names) == {"Danny Okafor", "Dani Okafor"}
    assert all(m["possibly"] for m in names.values())
    assert answer(c, rid, names["Danny Okafor"]["identity_id"], "not").status_code == 303
    data = page(c, rid)
    assert [m["name"] for m in data["request"]["matches"]] == ["Dani Okafor"]
    assert data["request"]["matches"][0]["possibly"] is True
    assert data["request"]["verdict"] == "known of"  # still only possibly Dani
    assert [x["name"] for x in data["not_same"]] == ["Danny Okafor"]
    answer(c, rid, names["Dani Okafor"]["identity_id"], "same")
    data = page(c, rid)
    assert data["request"]["verdict"] == "met"  # her address-book card, in full
    assert [(m["name"], m["confirmed"]) for m in data["request"]["matches"]] == [
        ("Dani Okafor", True)
    ]


def test_names_on_the_buttons_are_escaped(db_path, tmp_path: Path):
    """A stranger's display name (quoted, as RFC 5322 allows) is shown as text beside
    the buttons, in the match table and in the "not the same" list."""
    hostile = tmp_path / "hostile.mbox"
    hostile.write_text(mbox(f'"Daniel {HOSTILE} Okafor"', "d@x.example"), encoding="utf-8")
    cli("import", str(hostile), "--me", ME)
    rid = check("D. Okafor", "dokafor-x")
    c = client(db_path)
    [m] = page(c, rid)["request"]["matches"]
    assert m["name"] == f"Daniel {HOSTILE} Okafor" and m["possibly"]
    before = matched(c.get(f"/request/{rid}").text)
    answer(c, rid, m["identity_id"], "not")
    after = matched(c.get(f"/request/{rid}").text)
    for html in (before, after):
        assert "Daniel &lt;img src=x onerror=alert(1)&gt; Okafor" in html
        assert "<img src=x" not in html
    assert "You said these are not D. Okafor" in after


# -- the CLI: the same word, the same triage ---------------------------------------------


def test_link_by_request_id_counts_in_check_inbox_and_people(db_path, okafor, files):
    rid, daniel = okafor["rid"], okafor["daniel"]
    assert "known of" in cli(
        "check", "D. Okafor", "--url", "https://www.linkedin.com/in/dokafor-lib"
    )
    out = cli("link", rid, daniel)
    a, b = sorted((rid, daniel))
    assert out.strip() == f"Linked {a} and {b}: one person from now on."
    checked = json.loads(
        cli("check", "D. Okafor", "--url", "https://www.linkedin.com/in/dokafor-lib", "--json")
    )
    assert checked["verdict"] == "known"
    inbox = {r["id"]: r for r in json.loads(cli("inbox", "--json"))}
    assert inbox[rid]["verdict"] == "known"
    assert inbox[rid]["matches"][0]["reasons"] == ["you said this is the same person"]
    # `people` shows the word, by the request id and by the person's own name.
    for query in (rid, "Daniel Okafor"):
        [person] = json.loads(cli("people", query, "--json"))
        assert daniel in {i["id"] for i in person["identities"]}
        assert f"you said the requester D. Okafor (request {rid}) is this person" in person["why"]
    # A re-import of the same mail keeps the word.
    cli("import", str(files["mail"]), "--me", ME)
    assert {r["id"]: r for r in json.loads(cli("inbox", "--json"))}[rid]["verdict"] == "known"
    cli("unlink", rid, daniel)
    [person] = json.loads(cli("people", rid, "--json"))
    assert f"you said the requester D. Okafor (request {rid}) is not this person" in person["why"]
    inbox = {r["id"]: r for r in json.loads(cli("inbox", "--json"))}
    assert inbox[rid]["verdict"] == "stranger" and inbox[rid]["matches"] == []
    out = cli("unlink", rid, daniel, "--undo")
    assert out.strip() == f"Took back your word on {rid} and {daniel}: the matcher decides."
    assert {r["id"]: r for r in json.loads(cli("inbox", "--json"))}[rid]["verdict"] == "known of"
    out = cli("link", rid, daniel, "--undo")
    assert out.strip() == f"You had said nothing about {rid} and {daniel}: nothing to undo."


def test_a_requester_with_an_identity_of_their_own_is_that_identity(db_path, okafor):
    """A requester whose profile address the user's data holds (an invitation the user
    sent, a LinkedIn message) is that identity: `link` groups it with the other
    identity into one person, and the triage counts the other's interactions."""
    from havewemet.identity.cluster import save_and_group
    from havewemet.models import Identity, ImportBatch, Interaction

    url = "https://www.linkedin.com/in/dokafor-lib"
    mine = Identity("linkedin", url, name="D. Okafor", urls=[url], file="Invitations.csv", line=3)
    store = Store.open(db_path)
    save_and_group(
        store,
        ImportBatch(
            "linkedin",
            "linkedin",
            "export.zip",
            identities=[mine],
            interactions=[
                Interaction(
                    "linkedin", url, "invitation", "2025-01-02", "out", "", "Invitations.csv", 3
                )
            ],
        ),
    )
    store.close()
    rid, daniel = okafor["rid"], okafor["daniel"]
    out = cli("link", rid, daniel)
    assert mine.id in out and rid not in out
    [person] = json.loads(cli("people", rid, "--json"))
    assert {i["id"] for i in person["identities"]} == {mine.id, daniel}
    assert f"linked by you: {min(mine.id, daniel)} and {max(mine.id, daniel)}" in person["why"]
    c = client(db_path)
    assert page(c, rid)["request"]["verdict"] == "known"
    assert answer(c, rid, daniel, "not").status_code == 303
    data = page(c, rid)
    assert data["request"]["verdict"] != "known"
    assert daniel not in {m["identity_id"] for m in data["request"]["matches"]}
    assert [x["identity_id"] for x in data["not_same"]] == [daniel]
