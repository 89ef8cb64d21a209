"""The web page in-process (FastAPI TestClient) over the demo store: every page and
its JSON twin, the one write, the loopback and same-origin guards, escaping of
strangers' text, the one error shape, and the ``serve`` command's host rule."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import markupsafe
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from havewemet.cli.app import app as cli_app
from havewemet.cli.web import check_host, is_loopback
from havewemet.demo import TODAY, load_demo
from havewemet.demo.persona import N_STRANGERS, PLANTED
from havewemet.errors import HaveWeMetError
from havewemet.models import Request
from havewemet.store import Store
from havewemet.triage.engine import triage_inbox
from havewemet.triage.policy import load_policy
from havewemet.web import WebSettings, create_app
from havewemet.web.network import LINE, TOP_TIES, _declutter, _overlap, label_box

BASE = "http://127.0.0.1"
ERROR_KEYS = {"ok", "status", "error"}
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    load_demo(folder).close()
    return folder / "demo.db"


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store, for tests that write."""
    path = tmp_path / "store.db"
    shutil.copy(demo_db, path)
    return path


def client_for(path: Path, **kw) -> TestClient:
    settings = WebSettings(path, today=TODAY.date(), **kw)
    return TestClient(create_app(settings), base_url=BASE)


@pytest.fixture(scope="module")
def client(demo_db: Path) -> TestClient:
    """Read-only pages share one app (and its triage cache)."""
    return client_for(demo_db)


@pytest.fixture
def write_client(db: Path) -> TestClient:
    return client_for(db)


def _expected_inbox(path: Path) -> list[dict]:
    store = Store.open(path)
    try:
        return [t.to_dict() for t in triage_inbox(store, policy=load_policy(), today=TODAY.date())]
    finally:
        store.close()


# -- the inbox -------------------------------------------------------------------------


def test_inbox_json_is_the_triaged_inbox(client: TestClient, demo_db: Path, no_network):
    data = client.get("/.json").json()
    expected = _expected_inbox(demo_db)
    got = [{k: v for k, v in r.items() if k not in ("mutuals", "reply")} for r in data["requests"]]
    assert got == [{k: v for k, v in r.items() if k != "mutuals"} for r in expected]
    # A request to ask about carries the reply (issue 13), the others none.
    assert {r["recommendation"] for r in data["requests"] if "reply" in r} == {"ask"}
    assert [[m["name"] for m in r["mutuals"]] for r in data["requests"]] == [
        [m["name"] for m in r["mutuals"]] for r in expected
    ]
    assert data["pending"] == len(expected) == len(PLANTED) + N_STRANGERS
    assert data["counts"] == {
        a: sum(r["recommendation"] == a for r in expected)
        for a in ("accept", "report", "ignore", "ask")
    }
    assert data["policy"] == "gatekeeper"
    assert data["me"] == "Ruth Calloway"
    assert client.get("/?_format=json").json() == data


def test_inbox_html_shows_every_request_with_evidence_and_buttons(client: TestClient):
    data = client.get("/.json").json()
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    for req in data["requests"]:
        card = html[html.index(f'id="r-{req["id"]}"') :]
        card = card[: card.index("</article>")]
        assert f'href="/request/{req["id"]}"' in card
        assert req["verdict"] in card
        for e in req["evidence"][:3]:
            assert _esc(e["text"]) in card and _esc(e["source"]) in card
        for s in req["signals"]:
            assert _esc(s["text"]) in card
        assert _esc(req["rule"]) in card
        assert re.search(rf'value="{req["recommendation"]}" class="[^"]*recommended', card)
        for action in ("accept", "ask", "ignore", "report"):
            assert f'name="decision" value="{action}"' in card
    n = data["counts"]["accept"]
    assert (
        f'Accept: you know them <span class="count">(<span data-group-count="accept">{n}</span>)'
        in html
    )


def _esc(text: str) -> str:
    """As Jinja2's autoescape writes it."""
    return str(markupsafe.escape(text))


def test_pages_load_nothing_from_the_network(client: TestClient):
    rid = client.get("/.json").json()["requests"][0]["id"]
    for path in ("/", f"/request/{rid}", "/network"):
        html = client.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//(?!www\.linkedin\.com)', html), path
        assert "@import" not in html
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "url(" not in css.text and "@import" not in css.text
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "http" not in js.text
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


# -- one request -----------------------------------------------------------------------


def test_request_page_has_the_whole_story(client: TestClient):
    inbox = client.get("/.json").json()["requests"]
    priya = next(r for r in inbox if r["name"] == "Priya Raman")
    data = client.get(f"/request/{priya['id']}.json").json()
    assert client.get(f"/request/{priya['id']}?_format=json").json() == data
    req = data["request"]
    assert req["verdict"] == "known" and req["recommendation"] == "accept"
    assert req["status"] == "pending"
    assert any("recommended you" in e["text"] for e in req["evidence"])
    assert req["matches"] and all(
        0 < m["probability"] <= 1 and m["reasons"] for m in req["matches"]
    )
    kinds = {t["kind"] for t in data["timeline"]}
    assert "recommendation" in kinds
    assert all(t["file"] for t in data["timeline"])
    assert data["timeline_total"] >= len(data["timeline"])
    html = client.get(f"/request/{priya['id']}").text
    assert "Matched in your data" in html and "Timeline" in html
    for m in req["matches"]:
        assert _esc(m["reasons"][0]) in html
    rec = next(t for t in data["timeline"] if t["kind"] == "recommendation")
    assert f"{_esc(rec['file'])}:{rec['line']}" in html


def test_request_page_shows_mutuals_with_tie_strength(client: TestClient):
    inbox = client.get("/.json").json()["requests"]
    with_mutuals = next(r for r in inbox if any(m["resolved"] for m in r["mutuals"]))
    data = client.get(f"/request/{with_mutuals['id']}.json").json()
    mutuals = data["request"]["mutuals"]
    assert [m["name"] for m in mutuals] == [m["name"] for m in with_mutuals["mutuals"]]
    resolved = next(m for m in mutuals if m["resolved"])
    html = client.get(f"/request/{with_mutuals['id']}").text
    assert f'value="{resolved["strength"]}"' in html
    assert f"{resolved['strength']:.2f} · {resolved['tie']}" in html


# -- the network -----------------------------------------------------------------------


def test_network_json_nodes_and_edges(client: TestClient):
    data = client.get("/network.json").json()
    ids = {n["id"] for n in data["nodes"]}
    assert len(ids) == len(data["nodes"])
    assert data["nodes"][0]["kind"] == "me" and data["nodes"][0]["label"] == "Ruth Calloway"
    for e in data["edges"]:
        assert e["source"] in ids and e["target"] in ids
    for n in data["nodes"]:
        assert 0 <= n["x"] <= data["width"] and 0 <= n["y"] <= data["height"], n
    ties = [n for n in data["nodes"] if n["kind"] == "tie"]
    requesters = [n for n in data["nodes"] if n["kind"] == "requester"]
    assert TOP_TIES <= len(ties) <= TOP_TIES + 3 * len(requesters)
    inbox = {r["id"]: r for r in client.get("/.json").json()["requests"]}
    assert len(requesters) + len(data["unplaced"]) == len(inbox)
    for n in requesters:
        assert n["recommendation"] == inbox[n["request_id"]]["recommendation"]
    # Requesters with no evidence and no mutual in the data are listed, not drawn.
    placed = {n["request_id"] for n in requesters}
    assert data["unplaced"] and not placed & {u["id"] for u in data["unplaced"]}
    assert {inbox[u["id"]]["verdict"] for u in data["unplaced"]} == {"stranger"}
    html = client.get("/network").text
    star = html.split('<figure class="map">')[1]  # after the circles map
    assert star.count("<circle") == len(ties) + 1
    assert star.count("<line") == len(data["edges"])
    for n in requesters:
        assert f'href="/request/{n["request_id"]}"' in html


def test_network_names_do_not_print_over_each_other(client: TestClient):
    nodes = client.get("/network.json").json()["nodes"]
    shown = [n for n in nodes if n["show_label"]]
    boxes = [(n["label"], label_box(n)) for n in shown]
    squares = [
        (n["label"], (n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"]))
        for n in nodes
        if n["kind"] == "requester"
    ]
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1 :] + squares:
            if a != b:
                assert not _overlap(box, other), (a, b)
    # Every requester keeps its name on the map, beside its square (a line or two off).
    for n in nodes:
        if n["kind"] == "requester":
            assert n["show_label"] and abs(n["ly"] - n["y"]) <= 2 * LINE + 4, n["label"]


def test_crowded_names_move_a_line_or_give_way():
    def node(kind: str, label: str, x: float, strength: float = 0.5) -> dict:
        return {
            "kind": kind,
            "label": label,
            "x": x,
            "y": 300.0,
            "r": 7,
            "strength": strength,
            "lx": x + 12,
            "ly": 304.0,
            "anchor": "start",
            "show_label": True,
        }

    a, b = node("requester", "Ann Able", 100), node("requester", "Bea Bolt", 100)
    ties = [node("tie", f"Tie {k}", 100, strength=k / 10) for k in range(5)]
    _declutter([*ties, b, a])
    assert (b["ly"], a["ly"]) == (304.0, 304.0 - LINE)  # in the order given, requesters first
    assert [t["show_label"] for t in ties] == [False, False, True, True, True]
    # The strongest tie takes the first free line: below, then above, then two below.
    assert [t["ly"] for t in ties[2:]] == [304.0 + 2 * LINE, 304.0 - 2 * LINE, 304.0 + LINE]


def test_network_draws_known_of_requesters_with_their_evidence(client: TestClient):
    """A shared employer (Ellen Brooks) or a follow of a nameless Mastodon handle
    (Pat Coleman) names no one on the map: still drawn, linked to the user, with
    the evidence; only requesters with nothing at all are listed as not linked."""
    data = client.get("/network.json").json()
    drawn = {n["label"]: n for n in data["nodes"] if n["kind"] == "requester"}
    for name in ("Ellen Brooks", "Pat Coleman", "Marcus Fenwick"):
        assert drawn[name]["verdict"] == "known of"
        assert {"source": "me", "target": drawn[name]["id"]} in [
            {"source": e["source"], "target": e["target"]}
            for e in data["edges"]
            if e["kind"] == "evidence"
        ]
    assert drawn["Ellen Brooks"]["evidence"] == (
        "works or worked at Harrow & Pike LLP, where you worked 2013-03 to 2018-12"
    )
    strangers = {p.name for p in PLANTED if p.verdict == "stranger" and not p.mutuals}
    unplaced = {u["name"] for u in data["unplaced"]}
    assert strangers - {"Victor Lane"} <= unplaced
    assert len(unplaced) == len(strangers) - 1 + N_STRANGERS
    html = client.get("/network").text
    assert '<h2>Not linked to you <span class="count">(23)</span></h2>' in html
    listed = html[html.index("Not linked to you") :]
    assert ">Ellen Brooks</a>" not in listed and ">Pat Coleman</a>" not in listed
    assert (
        "<title>Ellen Brooks: known of (works or worked at Harrow &amp; Pike LLP, where you "
        "worked 2013-03 to 2018-12), recommended ask</title>"
    ) in html


def test_empty_store_pages(tmp_path: Path):
    c = client_for(tmp_path / "empty.db")
    assert c.get("/.json").json()["requests"] == []
    assert "No pending requests" in c.get("/").text
    net = c.get("/network.json").json()
    assert [n["kind"] for n in net["nodes"]] == ["me"] and net["edges"] == []
    assert c.get("/network").status_code == 200


# -- the one write -----------------------------------------------------------------------


def test_decision_form_post_is_recorded(write_client: TestClient, db: Path):
    inbox = write_client.get("/.json").json()
    target = next(r for r in inbox["requests"] if r["recommendation"] == "ignore")
    r = write_client.post(
        "/decide",
        data={"request_id": target["id"], "decision": "ignore"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/?decided={target['id']}"
    # Without the page's script, the inbox it lands on says what LinkedIn still needs.
    banner = write_client.get(r.headers["location"]).text
    assert (
        f'<p class="linkedin-next banner" role="status">{_esc(target["name"])}: ignore. Saved '
        "here only: LinkedIn does not know yet. On LinkedIn, click Ignore in the invitation "
        'manager: <a href="https://www.linkedin.com/mynetwork/invitation-manager/"'
    ) in banner
    assert "linkedin-next banner" not in write_client.get("/?decided=nope").text
    store = Store.open(db)
    rows = list(store._db.query("select request_id, name, decision from decisions"))
    status = store._db.execute(
        "select status from requests where id = ?", [target["id"]]
    ).fetchone()[0]
    store.close()
    assert rows == [{"request_id": target["id"], "name": target["name"], "decision": "ignore"}]
    assert status == "ignore"
    after = write_client.get("/.json").json()
    assert after["pending"] == inbox["pending"] - 1 and after["decided"] == 1
    assert target["id"] not in {x["id"] for x in after["requests"]}
    page = write_client.get(f"/request/{target['id']}.json").json()
    assert page["request"]["status"] == "ignore"
    assert [d["decision"] for d in page["decisions"]] == ["ignore"]


def test_decision_fetch_post_answers_json(write_client: TestClient):
    target = write_client.get("/.json").json()["requests"][0]
    r = write_client.post(
        "/decide",
        data={"request_id": target["id"], "decision": "accept", "reason": "we met at the library"},
        headers={"Accept": "application/json", "Origin": BASE},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["pending"] == len(PLANTED) + N_STRANGERS - 1
    assert body["decision"]["decision"] == "accept"
    assert body["decision"]["reason"] == "we met at the library"


def test_decision_errors_use_the_one_shape(write_client: TestClient):
    target = write_client.get("/.json").json()["requests"][0]
    h = {"Accept": "application/json", "Origin": BASE}
    bad = write_client.post(
        "/decide", data={"request_id": target["id"], "decision": "delete"}, headers=h
    )
    assert bad.status_code == 400 and set(bad.json()) == ERROR_KEYS
    assert bad.json()["error"] == "decision 'delete' is not one of: accept, ask, ignore, report"
    gone = write_client.post(
        "/decide", data={"request_id": "nope", "decision": "accept"}, headers=h
    )
    assert gone.status_code == 404
    assert gone.json() == {
        "ok": False,
        "status": 404,
        "error": "no request with id 'nope'; reload the inbox",
    }
    get = write_client.get("/decide.json")
    assert get.status_code == 404 and set(get.json()) == ERROR_KEYS
    assert (
        write_client.get("/decide", headers={"Accept": "application/json"}).json()["status"] == 405
    )
    assert write_client.get("/.json").json()["decided"] == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_posts_are_refused(write_client: TestClient, headers: dict):
    target = write_client.get("/.json").json()["requests"][0]
    r = write_client.post(
        "/decide",
        data={"request_id": target["id"], "decision": "accept"},
        headers={"Accept": "application/json", **headers},
    )
    assert r.status_code == 403
    assert r.json() == {
        "ok": False,
        "status": 403,
        "error": "decisions are accepted only from this page (cross-site request refused)",
    }
    assert write_client.get("/.json").json()["decided"] == 0


def test_non_loopback_host_header_is_refused(client: TestClient):
    """A DNS-rebinding page (Host: evil.example) cannot read the data."""
    r = client.get("/.json", headers={"Host": "evil.example"})
    assert r.status_code == 403 and set(r.json()) == ERROR_KEYS
    assert "Priya" not in client.get("/", headers={"Host": "evil.example:8765"}).text
    assert client.get("/.json", headers={"Host": "localhost:8765"}).status_code == 200


def test_explicit_host_is_allowed(demo_db: Path):
    c = client_for(demo_db, hosts=("192.168.1.5",))
    assert c.get("/.json", headers={"Host": "192.168.1.5:8765"}).status_code == 200
    assert c.get("/.json", headers={"Host": "192.168.1.6:8765"}).status_code == 403


def test_a_new_request_appears_without_restart(write_client: TestClient, db: Path):
    before = write_client.get("/.json").json()["pending"]
    store = Store.open(db)
    store.add_request(Request(name="Zed Newcomer", profile_url="https://www.linkedin.com/in/zed"))
    store.close()
    after = write_client.get("/.json").json()
    assert after["pending"] == before + 1
    assert "Zed Newcomer" in {r["name"] for r in after["requests"]}


# -- strangers' text is escaped ----------------------------------------------------------


def test_hostile_names_and_notes_are_escaped(write_client: TestClient, db: Path):
    store = Store.open(db)
    rid = store.add_request(
        Request(
            name=f"Mallory {HOSTILE}",
            profile_url="javascript:alert(1)",
            headline='"><img src=x onerror=alert(2)>',
            note="</blockquote><script>x()</script>",
            mutuals=[HOSTILE],
        )
    )
    store.close()
    pages = [
        write_client.get("/").text,
        write_client.get(f"/request/{rid}").text,
        write_client.get("/network").text,
    ]
    for html in pages:
        assert "<script>alert" not in html and "<script>x()" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert html.count("<script") == 1  # our own /static/app.js only
    assert "Mallory &lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "&lt;/blockquote&gt;&lt;script&gt;x()&lt;/script&gt;" in pages[1]
    data = write_client.get(f"/request/{rid}.json").json()
    assert data["request"]["name"] == f"Mallory {HOSTILE}"  # JSON keeps the text as written
    assert write_client.get("/.json").headers["content-type"] == "application/json"


# -- errors --------------------------------------------------------------------------------


def test_404s_go_through_the_one_handler(client: TestClient):
    html = client.get("/nope")
    assert html.status_code == 404 and "text/html" in html.headers["content-type"]
    assert "no page at /nope; the inbox is at /" in html.text
    assert client.get("/nope.json").json() == {
        "ok": False,
        "status": 404,
        "error": "no page at /nope.json; the inbox is at /",
    }
    assert client.get("/request/zzz.json").json() == {
        "ok": False,
        "status": 404,
        "error": "no request with id 'zzz'; the inbox at / lists them",
    }
    page = client.get("/request/zzz")
    assert page.status_code == 404 and "no request with id &#39;zzz&#39;" in page.text
    assert client.get("/request/zzz?_format=json").json()["status"] == 404


# -- the serve command ---------------------------------------------------------------------


def test_loopback_rule():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert check_host("127.0.0.1", explicit=False) is None
    warning = check_host("0.0.0.0", explicit=True)
    assert warning.startswith(
        "Warning: serving on 0.0.0.0: anyone who can reach this "
        "computer on that network can read your contacts"
    )
    with pytest.raises(HaveWeMetError, match="refusing to serve on 0.0.0.0"):
        check_host("0.0.0.0", explicit=False)


def test_serve_refuses_a_host_not_typed(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HAVEWEMET_DB", str(db))
    r = CliRunner().invoke(
        cli_app, ["serve", "--get", "/.json"], default_map={"serve": {"host": "0.0.0.0"}}
    )
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1] == (
        "Error: refusing to serve on 0.0.0.0: the page serves only 127.0.0.1 unless you "
        "type --host yourself"
    )


def test_serve_prepares_the_identities_before_the_first_page(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    from havewemet.cli import app as cli  # the module
    from havewemet.identity.prepared import to_prepare

    store = Store.open(db)
    store._db.conn.execute("delete from match_cache")  # as after a large import
    store._db.conn.commit()
    n = to_prepare(store)
    store.close()
    monkeypatch.setenv("HAVEWEMET_DB", str(db))
    monkeypatch.setattr(cli, "PREPARE_NOTICE", 1)
    r = CliRunner().invoke(cli_app, ["serve", "--get", "/.json"])
    assert r.exit_code == 0
    assert r.stderr == f"Preparing {n:,} people for matching (once after an import)...\n"
    store = Store.open(db)
    assert n > 1000 and to_prepare(store) == 0
    store.close()


def test_serve_get_prints_a_page(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HAVEWEMET_DB", str(db))
    r = CliRunner().invoke(cli_app, ["serve", "--get", "/.json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["pending"] == len(PLANTED) + N_STRANGERS
    r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--get", "/network.json"])
    assert r.exit_code == 0 and json.loads(r.output)["nodes"][0]["kind"] == "me"
    missing = CliRunner().invoke(cli_app, ["serve", "--get", "/request/none.json"])
    assert missing.exit_code == 1 and json.loads(missing.output)["status"] == 404


def test_serve_port_in_use(db_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(cli_app, ["serve", "--port", str(port)])
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); choose "
        "another port with --port"
    )


def test_a_requester_who_is_another_requesters_mutual_is_drawn_for_both():
    """Ada asks to connect and is also Ben's mutual connection: whatever the order, the
    map draws the line from Ben to Ada's tie, with the tie on the map."""
    from havewemet.triage.engine import Triager
    from havewemet.web.network import ego_network
    from tests.fixtures_triage import TODAY as T
    from tests.fixtures_triage import batch, did, li, person, request

    store = Store.open(":memory:")
    b = batch()
    person(b, "in/ada-lovel", "Ada Lovel", url=li("ada-lovel"))
    for i, d in enumerate(("2026-03-01", "2026-04-01", "2026-05-01")):
        did(b, "in/ada-lovel", "message", d, ("in", "out")[i % 2], count=3)
    store.save(b)
    ada = request(store, "Ada Lovel", url=li("ada-lovel"))
    ben = request(store, "Ben Stranger", url=li("ben-stranger-9"), mutuals=["Ada Lovel"])
    triaged = {t.request.id: t for t in Triager(store, today=T).triage_all([ada, ben])}
    for order in ([ada, ben], [ben, ada]):
        net = ego_network(store, [triaged[r.id] for r in order], today=T)
        ids = {n["id"] for n in net["nodes"]}
        assert {("req:" + ben.id), ("req:" + ada.id)} <= ids
        assert all(e["source"] in ids and e["target"] in ids for e in net["edges"])
        assert any(e["source"] == "req:" + ben.id and e["kind"] == "mutual" for e in net["edges"])


def test_the_map_draws_the_first_requesters_and_lists_the_others(client: TestClient, demo_db):
    from havewemet.web.network import ego_network

    store = Store.open(demo_db)
    results = triage_inbox(store, today=TODAY.date())
    full = ego_network(store, results, today=TODAY.date())
    linked = [n["request_id"] for n in full["nodes"] if n["kind"] == "requester"]
    assert len(linked) > 5 and full["not_drawn"] == []
    net = ego_network(store, results, today=TODAY.date(), drawn=5)
    store.close()
    drawn = [n["request_id"] for n in net["nodes"] if n["kind"] == "requester"]
    inbox = [t.request.id for t in results if t.request.id in linked]
    asks = [t.request.id for t in results if t.request.id in linked and t.action == "ask"]
    assert 0 < len(asks) < 5 and inbox[: len(asks)] == asks  # the inbox puts asks first
    # The requesters to ask about first (the ones the user must place), then inbox order.
    first = asks + [r for r in inbox if r not in asks]
    assert drawn == first[:5]
    assert [u["id"] for u in net["not_drawn"]] == first[5:]
    ids = {n["id"] for n in net["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in net["edges"])


# -- issue 13: what a first hour on the page needs -----------------------------------------


def _post(c: TestClient, rid: str, decision: str) -> dict:
    r = c.post(
        "/decide",
        data={"request_id": rid, "decision": decision},
        headers={"Accept": "application/json", "Origin": BASE},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_repeated_decision_is_kept_once_and_the_answer_has_every_count(
    write_client: TestClient, db: Path
):
    inbox = write_client.get("/.json").json()
    target = next(r for r in inbox["requests"] if r["recommendation"] == "report")
    first = _post(write_client, target["id"], "report")
    again = _post(write_client, target["id"], "report")  # a double click, a resent form
    assert again["decision"] == first["decision"]
    counts = dict(inbox["counts"], report=inbox["counts"]["report"] - 1)
    for body in (first, again):
        assert (body["pending"], body["decided"], body["counts"]) == (
            inbox["pending"] - 1,
            1,
            counts,
        )
        assert body["linkedin"] == {
            "text": "Saved here only: LinkedIn does not know yet. On LinkedIn, click Ignore, "
            "then report the profile from its More menu in the invitation manager: "
            "https://www.linkedin.com/mynetwork/invitation-manager/",
            "url": "https://www.linkedin.com/mynetwork/invitation-manager/",
        }
    store = Store.open(db)
    rows = list(store._db.query("select request_id, decision from decisions"))
    store.close()
    assert rows == [{"request_id": target["id"], "decision": "report"}]
    # Changing one's mind is a new decision, kept beside the first.
    assert _post(write_client, target["id"], "ignore")["decided"] == 2
    page = write_client.get(f"/request/{target['id']}").text
    assert (
        "Saved here only: LinkedIn does not know yet. On LinkedIn, click Ignore in the "
        'invitation manager: <a href="https://www.linkedin.com/mynetwork/invitation-manager/"'
    ) in page


def test_the_request_page_offers_the_reply_havewemet_reply_prints(
    client: TestClient, demo_db: Path, monkeypatch: pytest.MonkeyPatch
):
    inbox = client.get("/.json").json()
    for r in inbox["requests"][:3] + inbox["requests"][-2:]:
        monkeypatch.setenv("HAVEWEMET_DB", str(demo_db))
        cli = CliRunner().invoke(cli_app, ["reply", r["id"]])
        assert cli.exit_code == 0, cli.output
        page = client.get(f"/request/{r['id']}")
        textarea = re.search(
            r'<textarea id="reply-[^"]+" class="reply-text" readonly rows="\d">(.*?)</textarea>',
            page.text,
            re.S,
        )
        assert textarea and markupsafe.Markup(textarea.group(1)).unescape() == cli.output.strip()
        assert 'class="btn copy"' in page.text and ">Copy reply</button>" in page.text


def test_a_match_by_handle_alone_shows_the_handle(tmp_path: Path, monkeypatch):
    """A Mastodon follow gives a handle and no name: the request page's matched row and
    timeline show the handle, under headings a user understands."""
    db = tmp_path / "s.db"
    follows = tmp_path / "following_accounts.csv"
    follows.write_text(
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "zquill@mastodon.social,true,false,\n"
    )
    monkeypatch.setenv("HAVEWEMET_DB", str(db))
    assert CliRunner().invoke(cli_app, ["import", str(follows)]).exit_code == 0
    args = ["check", "Zed Quill", "--url", "https://www.linkedin.com/in/zquill", "--json"]
    rid = json.loads(CliRunner().invoke(cli_app, args).output)["id"]
    page = client_for(db).get(f"/request/{rid}").text
    assert "Sent on a date unknown · status: <strong>pending</strong>" in page
    matched = page[page.index("<h2>Matched in your data</h2>") : page.index("<h2>Timeline")]
    assert "<th>Name or handle</th>" in matched
    assert "<tr><td>@zquill@mastodon.social</td><td>mastodon" in matched
    timeline = page[page.index("<h2>Timeline") :]
    head = re.search(r"<thead>(.*?)</thead>", timeline).group(1)
    assert re.findall(r"<th>(.*?)</th>", head) == [
        "When",
        "What",
        "About",
        "Known there as",
        "Source",
    ]
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", timeline, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[0] == "no date" and cells[1].startswith("follow")
    assert cells[3] == "@zquill@mastodon.social"
    assert "" not in cells
