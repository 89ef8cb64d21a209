"""The page in a real browser: ``havewemet serve`` in a subprocess on a free loopback
port, Debian's Chromium driven by Playwright. Clicking a decision button records
the decision and updates the card without a reload; a screenshot is saved. Clicking
"Same person" on a "possibly" match changes the verdict (issue 12).

CI installs the browser with ``apt-get install -y chromium``; the test is skipped
only when ``/usr/bin/chromium`` (or Playwright) is absent.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app as cli_app
from havewemet.demo import load_demo
from havewemet.store import Store
from tests.fixtures_mail import ME, mbox

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install -y chromium)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    load_demo(tmp_path).close()
    yield from _serve(tmp_path / "demo.db")


def _serve(db: Path):
    """``havewemet serve`` over ``db`` on a free port: yields its address and ``db``."""
    port = _free_port()
    env = {**os.environ, "HAVEWEMET_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "havewemet", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"havewemet serve did not start: {proc.stdout.read()}")
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", db
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_click_a_decision_in_chromium(server, tmp_path: Path):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
    )
    url, db = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1200, "height": 900},
                permissions=["clipboard-read", "clipboard-write"],
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url + "/", timeout=120_000)
            assert page.title() == "Inbox · Have we met?"
            pending = int(page.locator("#pending-count").inner_text())
            ignored = int(page.locator("[data-group-count=ignore]").inner_text())
            # Judgement first: the first group is the one to ask about (issue 13).
            assert page.locator("section.group").first.get_attribute("class") == ("group group-ask")
            card = page.locator("article.card.action-ignore").first
            rid = card.get_attribute("data-id")
            name = card.locator("a.name").inner_text()
            card.locator("button[value=ignore]").click()
            sync_api.expect(card.locator(".decided-msg")).to_have_text(
                "Ignored \u2713", timeout=30_000
            )
            sync_api.expect(card).to_have_class("card action-ignore decided decided-ignore")
            sync_api.expect(page.locator("#pending-count")).to_have_text(str(pending - 1))
            assert card.locator("button[value=accept]").is_disabled()
            # Every count follows the click (issue 13), and the card says what LinkedIn
            # still needs, with the invitation manager's address.
            assert page.locator("[data-count=ignore]").inner_text() == f"{ignored - 1} ignore"
            assert page.locator("[data-group-count=ignore]").inner_text() == str(ignored - 1)
            assert page.locator("#decided").is_visible()
            assert page.locator("#decided-count").inner_text() == "1"
            assert card.locator(".linkedin-next").inner_text() == (
                "Saved here only: LinkedIn does not know yet. On LinkedIn, click Ignore in the "
                "invitation manager: https://www.linkedin.com/mynetwork/invitation-manager/"
            )
            assert card.locator(".linkedin-next a").get_attribute("href") == (
                "https://www.linkedin.com/mynetwork/invitation-manager/"
            )
            # The ask card's reply goes to the clipboard with one click.
            ask = page.locator("article.card.action-ask").first
            reply = ask.locator("textarea.reply-text").input_value()
            assert reply.startswith("Hi ") and reply.endswith("?")
            ask.locator("button.copy").click()
            sync_api.expect(ask.locator(".copy-msg")).to_have_text("Copied \u2713")
            assert page.evaluate("navigator.clipboard.readText()") == reply
            page.screenshot(path=str(tmp_path / "inbox-after-decision.png"), full_page=True)
            # The page did not reload, and the store has the decision.
            assert page.url == url + "/"
            store = Store.open(db)
            rows = list(store._db.query("select request_id, name, decision from decisions"))
            store.close()
            assert rows == [{"request_id": rid, "name": name, "decision": "ignore"}]
            # After a reload the request has left the inbox.
            page.reload()
            assert page.locator(f"#r-{rid}").count() == 0
            assert page.locator("#pending-count").inner_text() == str(pending - 1)
            page.goto(url + "/network")
            assert page.locator("svg circle").count() > 10
            page.screenshot(path=str(tmp_path / "network.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
    assert (tmp_path / "inbox-after-decision.png").stat().st_size > 10_000


def test_circles_map_in_chromium(server, tmp_path: Path):
    """The demo's circles map with Hannah Osei highlighted: the circle names and her
    label are on screen (checked in the rendered page, then in a screenshot file)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
    )
    url, db = server
    store = Store.open(db)
    rid = store.get_request("Hannah Osei").id
    store.close()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1100})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/network?request={rid}")
            names = page.locator("figure.circles .circle-name").all_text_contents()
            assert any(n.startswith("Westmere City Council (") for n in names), names
            assert any(n.startswith("Open Data in Libraries 2025 (") for n in names), names
            label = page.locator("figure.circles text.cm-label-requester", has_text="Hannah Osei")
            assert label.count() == 1 and label.is_visible()
            box = label.bounding_box()
            assert box and box["width"] > 40  # drawn at a readable size
            assert "sits in your" in page.locator("p.placement").inner_text()
            assert page.locator("figure.circles line.cm-edge-path").count() == 4
            shot = tmp_path / "circles.png"
            page.locator("figure.circles").screenshot(path=str(shot))
            assert errors == []
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000


@pytest.fixture
def okafor_server(tmp_path: Path, db_path: Path):
    """A mailbox with a 14-message thread with Daniel Okafor, and a request from
    "D. Okafor" typed with `havewemet check`, served."""
    mail = tmp_path / "All mail Including Spam and Trash.mbox"
    mail.write_text(mbox("Daniel Okafor", "daniel.okafor@okafor.example"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli_app, ["import", str(mail), "--me", ME]).exit_code == 0
    url = "https://www.linkedin.com/in/dokafor-lib"
    checked = runner.invoke(cli_app, ["check", "D. Okafor", "--url", url, "--json"])
    assert checked.exit_code == 0, checked.output
    for served in _serve(db_path):
        yield (*served, json.loads(checked.stdout)["id"])


def test_same_person_in_chromium_changes_the_verdict(okafor_server, tmp_path: Path):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
    )
    url, _db, rid = okafor_server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/request/{rid}", timeout=120_000)
            verdict = page.locator("article.card .verdict")
            assert verdict.text_content() == "known of"
            row = page.locator("#matched tr", has=page.locator("button[value=same]"))
            assert row.count() == 1
            assert row.locator("td").first.inner_text() == "Daniel Okafor"
            assert "All mail Including Spam and Trash.mbox:" in row.inner_text()
            page.screenshot(path=str(tmp_path / "possibly.png"), full_page=True)
            row.locator("button[value=same]").click()
            sync_api.expect(verdict).to_have_text("known", timeout=30_000)
            assert page.url == f"{url}/request/{rid}#matched"
            said = page.locator("#matched p.said")
            assert said.inner_text() == "You said this is the same person: it counts in full."
            assert page.locator("#matched button[value=undo]").count() == 1
            assert page.locator("#matched button[value=same]").count() == 0
            assert "recommended accept" in page.locator("p.rule").inner_text().lower()
            page.screenshot(path=str(tmp_path / "same-person.png"), full_page=True)
            # Undo: back to "possibly", the buttons again.
            page.locator("#matched button[value=undo]").click()
            sync_api.expect(verdict).to_have_text("known of", timeout=30_000)
            assert page.locator("#matched button[value=same]").count() == 1
            assert errors == []
        finally:
            browser.close()
    assert (tmp_path / "same-person.png").stat().st_size > 10_000
