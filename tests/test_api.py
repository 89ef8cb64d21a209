"""The public API: what ``havewemet.__all__`` names, loaded lazily, and the script in
docs/api.md run as written against a generated LinkedIn export (issue 16)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import havewemet
from havewemet.demo.linkedin_export import (
    INVITATIONS_HEADER_2023,
    MESSAGES_HEADER,
    connected_on,
    connections_csv,
    csv_text,
    message_date,
    sent_at,
    write_export,
)

ROOT = Path(__file__).resolve().parent.parent


def _api_script() -> str:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "docs/api.md holds one script"
    return blocks[0]


LI = "https://www.linkedin.com/in/"
ME = ("Ruth Calloway", LI + "ruth-calloway")
NOW = datetime.now().replace(hour=10, minute=0, second=0, microsecond=0)
JO_THREAD = NOW - timedelta(days=70)


def _thread(conv: str, name: str, url: str, start: datetime, n: int) -> list[list[object]]:
    """``n`` messages, alternately theirs and the user's (two-way contact)."""
    rows: list[list[object]] = []
    for i in range(n):
        (sender, s_url), (to, t_url) = ((name, url), ME) if i % 2 == 0 else (ME, (name, url))
        at = message_date(start + timedelta(days=i))
        rows.append([conv, "", sender, s_url, to, t_url, at, "", "See you soon", "INBOX", "No"])
    return rows


def _export(folder: Path) -> Path:
    """What the script reads: a LinkedIn export in its real shape, dated back from
    today (the triage weighs recency). Amira Haddad is a connection the user writes to
    often; Jo Park wrote back and forth, is not connected yet and sends an invitation;
    Lena Vogt sends a sales pitch."""
    connections = connections_csv(
        [
            [
                "Amira",
                "Haddad",
                LI + "amira-haddad",
                "",
                "Eastvale Library",
                "Archivist",
                connected_on(datetime(2021, 3, 4)),
            ],
        ]
    )
    messages = csv_text(
        MESSAGES_HEADER,
        [
            *_thread("2-a1", "Amira Haddad", LI + "amira-haddad", NOW - timedelta(days=40), 6),
            *_thread("2-b2", "Jo Park", LI + "jo-park", JO_THREAD, 4),
        ],
    )
    invitations = csv_text(
        INVITATIONS_HEADER_2023,
        [
            [
                "Lena Vogt",
                ME[0],
                sent_at(NOW - timedelta(days=12)),
                "Boost your sales with our lead generation platform! Book a demo today.",
                "INCOMING",
                LI + "lena-vogt-growth",
                ME[1],
            ],
            [
                "Jo Park",
                ME[0],
                sent_at(NOW - timedelta(days=9)),
                "Good to see you at the archive day.",
                "INCOMING",
                LI + "jo-park",
                ME[1],
            ],
        ],
    )
    files = {
        "Connections.csv": connections,
        "messages.csv": messages,
        "Invitations.csv": invitations,
    }
    return write_export(folder, files, exported=datetime(2026, 11, 20))


def test_the_script_in_docs_api_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _export(tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(compile(_api_script(), "docs/api.md", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert out == EXPECTED
    store = havewemet.Store.open(tmp_path / "havewemet.db")
    try:
        assert [(d["name"], d["decision"], d["reason"]) for d in store.decisions()] == [
            ("Lena Vogt", "report", "sales pitch")
        ]
    finally:
        store.close()


def test_import_havewemet_is_light() -> None:
    code = (
        "import sys, havewemet; print(sorted(m for m in sys.modules if m.startswith('havewemet')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['havewemet', 'havewemet._lazy']"


def test_every_public_name_loads_and_has_a_docstring() -> None:
    for name in havewemet.__all__:
        value = getattr(havewemet, name)
        assert (value.__doc__ or "").strip(), f"havewemet.{name} has no docstring"
    assert set(havewemet.__all__) <= set(dir(havewemet))
    assert len(dir(havewemet)) == len(set(dir(havewemet)))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Matcher'"):
        havewemet.Matcher  # noqa: B018  (internal: havewemet.identity)


MATCHED = "[matched: same given name (Jo); same surname (Park); same LinkedIn profile (jo-park)]"
LAST = JO_THREAD + timedelta(days=3)  # the fourth message
EXPECTED = f"""\
linkedin: 2 people, 2 requests
accept  known              Jo Park
        + you messaged each other 4 times (2 from you), last {LAST:%Y-%m-%d} {MATCHED}
ignore  stranger           Lena Vogt
check: connected through, ask (gatekeeper: ask "have we met?" when connected through)
"""
