"""havewemet as the extension's native messaging host (issue 17): the stdio protocol,
what it answers on a small store, and `havewemet extension path|install|uninstall`."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import havewemet.cli  # noqa: F401  (registers the commands)
from havewemet.cli.app import app
from havewemet.errors import HaveWeMetError
from havewemet.extension import EXTENSION_ID, extension_dir, extension_id_of
from havewemet.extension.host import (
    MAX_MESSAGE,
    Host,
    encode_message,
    read_message,
    serve,
    write_message,
)
from havewemet.extension.icons import SIZES, draw
from havewemet.models import Identity, ImportBatch, Interaction, Request
from havewemet.store import Store

runner = CliRunner()


def small_store(path: Path) -> Path:
    """Two LinkedIn connections, one with messages; one pending request."""
    b = ImportBatch("linkedin", "export", "export")
    for i, name in enumerate(["Amira Haddad", "Tom Brennan"]):
        key = f"in/{name.lower().replace(' ', '-')}"
        b.identities.append(
            Identity(
                "linkedin",
                key,
                name,
                *name.split(),
                urls=[f"https://www.linkedin.com/{key}"],
                extra={"connection": True},
                file="Connections.csv",
                line=i + 2,
            )
        )
        b.interactions.append(
            Interaction("linkedin", key, "connected", "2022-01-01", "both", file="Connections.csv")
        )
    b.interactions.append(
        Interaction(
            "linkedin",
            "in/amira-haddad",
            "message",
            "2026-01-05",
            "in",
            file="messages.csv",
            count=4,
        )
    )
    b.interactions.append(
        Interaction(
            "linkedin", "in/amira-haddad", "message", "2026-01-06", "out", file="messages.csv"
        )
    )
    b.requests.append(
        Request("Lena Vogt", "https://www.linkedin.com/in/lena-vogt-sales", "Sales", "", None)
    )
    store = Store.open(path)
    store.save(b)
    store.close()
    return path


CARD = {
    "key": "1",
    "name": "Hannah Osei",
    "profile_url": "https://www.linkedin.com/in/hannah-osei/",
    "headline": "Archivist at Eastvale",
    "note": "Hi, Amira suggested I get in touch about the archives project.",
    "mutuals": ["Amira Haddad"],
    "mutual_count": 3,
    "profile_facts": {"has_photo": True, "mutual_count": 3, "evil": {"nested": 1}},
}


def frame(obj: object) -> bytes:
    return encode_message(obj)


def test_messages_are_length_prefixed_json_in_native_order():
    data = frame({"id": 1, "type": "hello", "text": "Zoë"})
    assert struct.unpack("=I", data[:4])[0] == len(data) - 4
    assert read_message(io.BytesIO(data)) == {"id": 1, "type": "hello", "text": "Zoë"}
    assert read_message(io.BytesIO(b"")) is None  # the browser closed the pipe
    assert read_message(io.BytesIO(data[:10])) is None


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=50) | st.integers(), max_size=8))
def test_any_object_survives_the_round_trip(obj):
    out = io.BytesIO()
    write_message(out, obj)
    assert read_message(io.BytesIO(out.getvalue())) == obj


def test_bad_frames_are_refused():
    with pytest.raises(HaveWeMetError, match="over the"):
        read_message(io.BytesIO(struct.pack("=I", 2**31) + b"{}"))
    with pytest.raises(HaveWeMetError, match="not JSON"):
        read_message(io.BytesIO(struct.pack("=I", 3) + b"{{{"))
    with pytest.raises(HaveWeMetError, match="not a JSON object"):
        read_message(io.BytesIO(frame([1, 2])))


def test_an_answer_over_one_megabyte_becomes_an_error():
    out = io.BytesIO()
    write_message(out, {"id": 7, "blob": "x" * (MAX_MESSAGE + 10)})
    answer = read_message(io.BytesIO(out.getvalue()))
    assert answer == {
        "id": 7,
        "error": {
            "code": "too_large",
            "message": "the answer is over 1 MB; open fewer cards",
            "command": "",
        },
    }


def test_failures_name_the_command(tmp_path: Path):
    missing = Host(tmp_path / "none.db").handle({"id": 1, "type": "hello"})
    assert missing["error"]["code"] == "no_store"
    assert missing["error"]["command"].startswith("havewemet import ")
    Store.open(tmp_path / "empty.db").close()
    empty = Host(tmp_path / "empty.db").handle({"id": 2, "type": "triage", "cards": [CARD]})
    assert empty["id"] == 2
    assert empty["error"]["code"] == "empty_store"
    assert "is empty" in empty["error"]["message"]
    # A store written by a newer havewemet: upgrade, then install the host again.
    newer = tmp_path / "newer.db"
    Store.open(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("insert into _migrations values ('m999_from_the_future', '2030')")
    conn.close()
    answer = Host(newer).handle({"id": 3, "type": "hello"})
    assert answer["error"]["code"] == "newer_store"
    assert answer["error"]["command"] == (
        "pip install --upgrade havewemet && havewemet extension install"
    )
    bad = Host(newer).handle({"id": 4, "type": "nonsense"})
    assert bad["error"]["code"] == "bad_message"


def test_triage_saves_once_and_answers_each_card(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    host = Host(db)
    hello = host.handle({"id": 1, "type": "hello"})
    assert hello["protocol"] == 1 and hello["store"]["identities"] == 2
    first = host.handle({"id": 2, "type": "triage", "cards": [CARD]})
    (r,) = first["results"]
    assert (r["key"], r["name"], r["verdict"]) == ("1", "Hannah Osei", "connected through")
    assert r["verdict_code"] == "connected_through"
    assert r["recommendation"] == "ask"
    assert r["reply"].startswith("Hi Hannah")
    assert r["mutuals"][0]["name"] == "Amira Haddad" and r["mutuals"][0]["strength"] > 0
    assert "matches" not in r  # identity ids and files stay out of the page
    again = host.handle({"id": 3, "type": "triage", "cards": [CARD, {**CARD, "key": "2"}]})
    assert [x["key"] for x in again["results"]] == ["1", "2"]
    store = Store.open(db)
    saved = [q for q in store.requests() if q.name == "Hannah Osei"]
    assert len(saved) == 1  # seen three times, kept once
    assert saved[0].source == "linkedin-page"
    assert saved[0].mutuals == ("Amira Haddad",) and saved[0].mutual_count == 3
    store.close()


def test_what_the_page_shows_of_the_profile_reaches_the_signals(tmp_path: Path):
    host = Host(small_store(tmp_path / "s.db"))
    bare = {**CARD, "note": "", "mutuals": [], "profile_url": "https://www.linkedin.com/in/x8k2q9"}
    facts = {"has_photo": False, "connections": 3, "followers": "lots"}
    (seen,) = host.handle({"id": 1, "type": "triage", "cards": [{**bare, "profile_facts": facts}]})[
        "results"
    ]
    (unseen,) = host.handle({"id": 2, "type": "triage", "cards": [bare]})["results"]
    fake = [s["text"] for s in seen["signals"] if s["name"] == "fake_profile"]
    assert fake and "no profile photo" in fake[0] and "only 3 connections" in fake[0]
    assert not any("no profile photo" in s["text"] for s in unseen["signals"])


def test_with_saving_off_nothing_is_written(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    other = {**CARD, "name": "Nora Field", "profile_url": "https://www.linkedin.com/in/nora-f"}
    answer = Host(db).handle({"id": 1, "type": "triage", "cards": [other], "save": False})
    assert answer["results"][0]["name"] == "Nora Field"
    store = Store.open(db)
    assert [q.name for q in store.requests(status=None)] == ["Lena Vogt"]
    store.close()


def test_with_saving_off_a_known_request_is_merged_in_memory(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    lena = {
        **CARD,
        "name": "Lena Vogt",
        "profile_url": "https://www.linkedin.com/in/lena-vogt-sales",
    }
    (r,) = Host(db).handle({"id": 1, "type": "triage", "cards": [lena], "save": False})["results"]
    assert r["headline"] == "Archivist at Eastvale"  # the page's, over the stored "Sales"
    store = Store.open(db)
    (stored,) = store.requests(status=None)
    assert (stored.headline, stored.mutuals, stored.sources) == ("Sales", (), ("manual",))
    (preview,) = store.preview_requests([_page_request(lena)])
    assert preview.mutuals == ("Amira Haddad",) and preview.sources == ("manual",)
    store.close()


def _page_request(card: dict) -> Request:
    return Request(card["name"], card["profile_url"], card["headline"], mutuals=card["mutuals"])


def test_an_import_while_the_host_runs_is_seen(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    host = Host(db)
    (before,) = host.handle({"id": 1, "type": "triage", "cards": [CARD]})["results"]
    assert before["verdict"] == "connected through"
    b = ImportBatch("vcard", "contacts.vcf", "vcard")
    b.identities.append(
        Identity("vcard", "hannah", "Hannah Osei", "Hannah", "Osei", emails=["h@eastvale.org"])
    )
    b.interactions.append(Interaction("vcard", "hannah", "contact", None, "both"))
    store = Store.open(db)
    store.save(b)
    store.close()
    (after,) = host.handle({"id": 2, "type": "triage", "cards": [CARD]})["results"]
    assert after["verdict"] == "met"


def test_a_click_on_accept_is_recorded(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    host = Host(db)
    answer = host.handle({"id": 1, "type": "decide", "decision": "accept", "card": CARD})
    assert answer["decision"]["decision"] == "accept"
    assert host.handle({"id": 2, "type": "decide", "decision": "report", "card": CARD})["error"]
    store = Store.open(db)
    rows = store.decisions()
    assert [(d["name"], d["decision"]) for d in rows] == [("Hannah Osei", "accept")]
    store.close()


def test_outreach_for_a_profile_page(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    answer = Host(db).handle(
        {
            "id": 1,
            "type": "outreach",
            "profile": {
                "name": "Tom Brennan",
                "profile_url": "https://www.linkedin.com/in/tom-brennan/",
            },
        }
    )
    o = answer["outreach"]
    assert o["name"] == "Tom Brennan" and o["connected"] is True
    assert o["advice"] == "already a LinkedIn connection: send a message instead"


def test_hostile_cards_are_bounded_and_checked(tmp_path: Path):
    db = small_store(tmp_path / "s.db")
    host = Host(db)
    huge = {**CARD, "name": "A" * 10_000, "note": "n" * 100_000, "mutuals": ["x"] * 500}
    (r,) = host.handle({"id": 1, "type": "triage", "cards": [huge]})["results"]
    assert len(r["name"]) == 300 and len(r["note"]) == 3000
    assert host.handle({"id": 2, "type": "triage", "cards": "no"})["error"]["code"] == "failed"
    assert host.handle({"id": 3, "type": "triage", "cards": [5]})["error"]["code"] == "failed"
    nameless = host.handle({"id": 4, "type": "triage", "cards": [{"key": "1"}]})
    assert nameless["error"]["message"] == "a card has no name"


def test_the_host_process_over_stdio(tmp_path: Path):
    """As the browser runs it: the launcher `extension install` wrote, with the
    origin as its argument, answering until stdin closes."""
    db = small_store(tmp_path / "s.db")
    profile = tmp_path / "profile"
    r = runner.invoke(app, ["--db", str(db), "extension", "install", "--profile-dir", str(profile)])
    assert r.exit_code == 0, r.output
    manifest = json.loads((profile / "NativeMessagingHosts" / "havewemet.json").read_text())
    assert manifest["allowed_origins"] == [f"chrome-extension://{EXTENSION_ID}/"]
    assert os.access(manifest["path"], os.X_OK)
    msgs = frame({"id": 1, "type": "hello"}) + frame({"id": 2, "type": "triage", "cards": [CARD]})
    proc = subprocess.run(
        [manifest["path"], f"chrome-extension://{EXTENSION_ID}/"],
        input=msgs,
        capture_output=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "HAVEWEMET_DB"},
    )
    assert proc.returncode == 0, proc.stderr
    out = io.BytesIO(proc.stdout)
    assert read_message(out)["store"]["identities"] == 2
    assert read_message(out)["results"][0]["verdict"] == "connected through"
    assert read_message(out) is None


def test_serve_stops_at_a_broken_frame():
    out = io.BytesIO()
    serve(Host(Path("/nonexistent.db")), io.BytesIO(struct.pack("=I", 3) + b"{{{"), out)
    assert read_message(io.BytesIO(out.getvalue()))["error"]["code"] == "bad_message"


def test_extension_commands(tmp_path: Path):
    r = runner.invoke(app, ["extension", "path"])
    assert r.output.strip() == str(extension_dir())
    profile = tmp_path / "p"
    db = tmp_path / "x.db"
    r = runner.invoke(app, ["--db", str(db), "extension", "install", "--profile-dir", str(profile)])
    assert r.exit_code == 0
    folder = profile / "NativeMessagingHosts"
    assert f"Wrote {folder / 'havewemet.json'}" in r.output
    assert str(extension_dir()) in r.output
    launcher = (folder / "havewemet-host").read_text()
    assert f"-m havewemet.extension.host --db {db.resolve()}" in launcher
    assert launcher.startswith("#!/bin/sh\n") and sys.executable in launcher
    r = runner.invoke(app, ["extension", "uninstall", "--profile-dir", str(profile)])
    assert r.exit_code == 0 and "Removed" in r.output
    assert list(folder.iterdir()) == []
    r = runner.invoke(app, ["extension", "uninstall", "--profile-dir", str(profile)])
    assert "Nothing to remove" in r.output
    r = runner.invoke(app, ["extension", "install", "--browser", "netscape"])
    assert r.exit_code == 1 and "unknown browser 'netscape'" in r.output
    r = runner.invoke(
        app, ["extension", "install", "--browser", "firefox", "--profile-dir", str(profile)]
    )
    assert r.exit_code == 1 and "drop --profile-dir" in r.output


def test_firefox_and_user_folders(tmp_path: Path):
    from havewemet.extension import GECKO_ID, install_host

    done = install_host("firefox", db=tmp_path / "x.db", home=tmp_path)
    if sys.platform.startswith("linux"):
        assert done.manifest == tmp_path / ".mozilla/native-messaging-hosts/havewemet.json"
    assert json.loads(done.manifest.read_text())["allowed_extensions"] == [GECKO_ID]
    chrome = install_host("chrome", db=tmp_path / "x.db", home=tmp_path)
    if sys.platform.startswith("linux"):
        assert chrome.manifest.parent == tmp_path / ".config/google-chrome/NativeMessagingHosts"


def test_the_manifest_is_minimal_and_its_key_gives_the_id():
    m = json.loads((extension_dir() / "manifest.json").read_text())
    assert m["manifest_version"] == 3
    assert extension_id_of(m["key"]) == EXTENSION_ID
    assert m["host_permissions"] == ["https://www.linkedin.com/*"]
    assert sorted(m["permissions"]) == ["nativeMessaging", "storage"]
    assert m["browser_specific_settings"]["gecko"]["id"] == "extension@havewemet.invalid"
    assert [c["matches"] for c in m["content_scripts"]] == [["https://www.linkedin.com/*"]]
    # Every file it names is shipped; none is fetched from elsewhere.
    named = [*m["content_scripts"][0]["js"], m["background"]["service_worker"]]
    named += [*m["icons"].values(), m["options_ui"]["page"]]
    for f in named:
        assert (extension_dir() / f).is_file(), f
    for js in extension_dir().glob("*.js"):
        text = js.read_text()
        assert "innerHTML" not in text and "fetch(" not in text and "eval(" not in text, js
        assert "http://" not in text and "XMLHttpRequest" not in text, js
    # Chrome refuses an unpacked extension holding a file or folder starting with "_".
    assert not [p for p in extension_dir().rglob("_*")]


def test_icons_are_the_drawings():
    for s in SIZES:
        assert (extension_dir() / "icons" / f"{s}.png").read_bytes() == draw(s)
