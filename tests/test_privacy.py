"""Privacy (issue 6): nothing leaves the machine, the page listens on loopback only,
and the store is readable by its owner only.

The ``offline`` fixture makes any socket to a non-loopback address, and any name
look-up of a non-local name, raise; the demo, every reader and the web page run
under it. A real ``serve`` runs in a subprocess with the same guard.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.demo.persona import build_export
from havewemet.importers import readers
from havewemet.store import Store

runner = CliRunner()
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1", "", None)


@pytest.fixture
def offline(no_network, monkeypatch: pytest.MonkeyPatch) -> list:
    """Block non-loopback sockets (conftest) and name look-ups; attempts are recorded."""
    attempts: list = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *a, **k):
        if host not in LOCAL_NAMES and not _is_ip(host):  # addresses: the connect guard
            attempts.append(host)
            raise socket.gaierror(f"name look-up blocked in tests: {host}")
        return real(host, *a, **k)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    real_sendto = socket.socket.sendto

    def sendto(self, data, *args):
        address = args[-1]
        if not str(address[0]).startswith("127."):
            attempts.append(address)
            raise OSError(f"network blocked in tests: {address}")
        return real_sendto(self, data, *args)

    monkeypatch.setattr(socket.socket, "sendto", sendto)
    return attempts


def _is_ip(host: object) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(str(host).strip("[]"))
    except ValueError:
        return False
    return True


def test_the_guard_itself_blocks(offline):
    """The control: without this, a passing privacy test would prove nothing."""
    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(socket.gaierror, match="blocked"):
        socket.getaddrinfo("example.com", 443)
    assert offline == ["example.com"]


def _sources(tmp: Path) -> dict[str, Path]:
    """One small file in each format havewemet reads."""
    export, _ = build_export(tmp / "linkedin", seed=5, connections=300, conversations=30)
    files = {
        "vcard": (
            "contacts.vcf",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\n"
            "FN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n",
        ),
        "google-csv": (
            "google.csv",
            "Name,Given Name,Family Name,E-mail 1 - Value\nBob Stone,Bob,Stone,bob@example.com\n",
        ),
        "outlook-csv": (
            "outlook.csv",
            "First Name,Middle Name,Last Name,E-mail Address\r\nCy,,Ng,cy@example.net\r\n",
        ),
        "contacts-csv": ("addressbook.csv", "Eve Ma,eve@example.org,+44 20 7946 0003\r\n"),
        "thunderbird-csv": (
            "tb.csv",
            "First Name,Last Name,Display Name,Nickname,"
            "Primary Email\nDi,Ho,Di Ho,,di@example.org\n",
        ),
        "ical": (
            "cal.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT"
            "\r\nUID:1@x\r\nDTSTART:20230301T090000Z\r\nSUMMARY:Coffee\r\nORGANIZER:"
            "mailto:me@example.org\r\nATTENDEE;CN=Ada Lovelace;PARTSTAT=ACCEPTED:mailto:"
            "ada@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        ),
        "mbox": (
            "mail.mbox",
            "From ada@example.org Wed Mar  1 09:15:00 2023\nFrom: Ada <ada@"
            "example.org>\nTo: me@example.org\nDate: Wed, 01 Mar 2023 09:15:00 +0000\n"
            "Subject: Hi\nMessage-ID: <1@x>\n\nHello https://tracker.example/pixel.gif\n",
        ),
        "eml": (
            "one.eml",
            "From: Bob <bob@example.com>\nTo: me@example.org\nDate: Wed, 01 "
            "Mar 2023 09:15:00 +0000\nSubject: Hi\nContent-Type: text/html\n\n<img src="
            '"https://tracker.example/open.gif">\n',
        ),
        "mastodon-csv": (
            "following_accounts.csv",
            "Account address,Show boosts,Notify on "
            "new posts,Languages\nada@mastodon.social,true,false,\n",
        ),
        "x-archive": (
            "following.js",
            'window.YTD.following.part0 = [ {"following": '
            '{"accountId": "547842573", "userLink": "https://twitter.com/intent/'
            'user?user_id=547842573"}} ]',
        ),
        "facebook-json": (
            "your_friends.json",
            '{"friends_v2": [{"name": "Ada Lovelace", "timestamp": 1190678400}]}',
        ),
        "bluesky-json": (
            "follows.json",
            '[{"did": "did:plc:abc123", "handle": "ada.bsky.social", "displayName": "Ada"}]',
        ),
        "people-list": (
            "attendees.csv",
            "Full Name,Email,Company\nAda Lovelace,ada@example.org,Analytical\n",
        ),
    }
    out = {"linkedin": export}
    for fmt, (name, text) in files.items():
        p = tmp / fmt / name
        p.parent.mkdir(parents=True)
        p.write_text(text, encoding="utf-8")
        out[fmt] = p
    md = tmp / "maildir" / "Mail"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    (md / "cur" / "1.eml:2,S").write_text((tmp / "eml" / "one.eml").read_text())
    out["maildir"] = md
    return out


def test_demo_every_import_and_every_command_run_offline(tmp_path, offline, monkeypatch):
    db = tmp_path / "store.db"
    monkeypatch.setenv("HAVEWEMET_DB", str(db))
    sources = _sources(tmp_path)
    assert set(sources) == set(readers()), "a new reader needs a sample here"
    result = runner.invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) > 20  # (stderr says HAVEWEMET_DB is not touched)
    for fmt, path in sources.items():
        result = runner.invoke(app, ["import", str(path), "--format", fmt, "--json"])
        assert result.exit_code == 0, (fmt, result.output)
        added = json.loads(result.output)["added"]
        assert added.get("identities", 0) + added.get("requests", 0) > 0, fmt
    for args in (
        ["inbox", "--json"],
        ["sources"],
        ["check", "Ada Lovelace", "--json"],
        ["backup", str(tmp_path / "b.db")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    for page in ("/", "/.json"):
        result = runner.invoke(app, ["serve", "--get", page])
        assert result.exit_code == 0, (page, result.output)
    assert offline == []


def test_serve_binds_loopback_by_default(tmp_path, monkeypatch, offline):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: calls.append(kw))
    result = runner.invoke(app, ["--db", str(tmp_path / "s.db"), "serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert [c["host"] for c in calls] == ["127.0.0.1"]
    assert "Warning" not in result.output


def test_serve_on_a_network_address_needs_an_explicit_host_and_warns(tmp_path, monkeypatch):
    import uvicorn

    from havewemet.cli.web import check_host

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: calls.append(kw))
    result = runner.invoke(
        app, ["--db", str(tmp_path / "s.db"), "serve", "--host", "0.0.0.0", "--port", "0"]
    )
    assert result.exit_code == 0, result.output
    assert [c["host"] for c in calls] == ["0.0.0.0"]
    assert result.output.startswith(
        "Warning: serving on 0.0.0.0: anyone who can reach this "
        "computer on that network can read your contacts"
    )
    with pytest.raises(Exception, match="refusing to serve on 0.0.0.0"):
        check_host("0.0.0.0", explicit=False)
    assert check_host("127.0.0.1", explicit=False) is None


SERVE_CHILD = textwrap.dedent(
    """
    import socket, sys
    log = open(sys.argv[1], "a")
    real_connect, real_gai = socket.socket.connect, socket.getaddrinfo
    LOCAL = ("localhost", "127.0.0.1", "::1", None, "")
    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            log.write(f"connect {address}\\n"); log.flush()
            raise OSError("network blocked")
        return real_connect(self, address)
    def getaddrinfo(host, *a, **k):
        if host not in LOCAL and not str(host).startswith("127."):
            log.write(f"getaddrinfo {host}\\n"); log.flush()
            raise socket.gaierror("blocked")
        return real_gai(host, *a, **k)
    socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
    from havewemet.cli.app import app
    app(sys.argv[2:], prog_name="havewemet")
    """
)


def test_a_real_server_answers_on_loopback_and_reaches_nothing_else(tmp_path):
    db = tmp_path / "store.db"
    assert (
        runner.invoke(app, ["--db", str(db), "demo", "--keep", str(tmp_path / "demo")]).exit_code
        == 0
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script, attempts = tmp_path / "serve.py", tmp_path / "attempts.log"
    script.write_text(SERVE_CHILD)
    attempts.touch()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(attempts),
            "--db",
            str(tmp_path / "demo" / "demo.db"),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pages = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not pages:
            try:
                for page in ("/", "/.json"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=10) as r:
                        pages[page] = (r.status, r.read().decode())
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.communicate()) from None
                time.sleep(0.3)
        assert pages["/"][0] == 200 and pages["/.json"][0] == 200
        # Nothing on the page loads from elsewhere (a CDN would learn the user's IP).
        html = pages["/"][1]
        for marker in ('src="http', "src='http", "@import", "url(http", "//fonts.", "cdn"):
            assert marker not in html.lower(), marker
        # It listens on loopback only: the same port on another local address is closed.
        other = _non_loopback_address()
        if other:
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert attempts.read_text() == ""


def _non_loopback_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent for UDP connect
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


# -- the store is the owner's alone ----------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_store_and_its_wal_and_shm_files_are_0600_even_with_an_open_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "new" / "store.db"
        store = Store.open(path)
        store._db["decisions"].insert(
            {
                "request_id": "r",
                "name": "n",
                "slug": "",
                "decision": "ignore",
                "reason": "",
                "decided_at": "x",
            }
        )
        store._db.conn.commit()
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: _mode(p) for p in (path, wal, shm)} == {
            "store.db": 0o600,
            "store.db-wal": 0o600,
            "store.db-shm": 0o600,
        }
        store.close()
    finally:
        os.umask(old)


def test_backups_and_the_kept_store_are_0600_with_an_open_umask(tmp_path):
    from havewemet.store.backup import backup, restore

    old = os.umask(0)
    try:
        db = tmp_path / "store.db"
        Store.open(db).close()
        backup(db, tmp_path / "b.db")
        restore(tmp_path / "b.db", db)
        for p in (tmp_path / "b.db", db, Path(f"{db}.before-restore")):
            assert _mode(p) == 0o600, p
    finally:
        os.umask(old)
