"""Decisions kept: recording, status, returning requesters, bulk, history, export/import."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.errors import HaveWeMetError, InputError
from havewemet.store import Store
from havewemet.triage.decisions import (
    FIELDS,
    all_decisions,
    decide,
    decide_recommended,
    export_decisions,
    history,
    import_decisions,
    record_decision,
)
from havewemet.triage.engine import Triager
from tests.fixtures_triage import TODAY, batch, did, li, person, request


def test_record_sets_status_and_keeps_row(store):
    r = request(store, "Ann Lee", url=li("ann-lee"))
    row = record_decision(store, r, "ignore", reason="no idea who", at="2026-01-02T10:00:00")
    assert row == {
        "request_id": r.id,
        "name": "Ann Lee",
        "slug": "ann-lee",
        "decision": "ignore",
        "reason": "no idea who",
        "decided_at": "2026-01-02T10:00:00",
        "id": 1,
    }
    assert store.get_request(r.id).status == "ignore"
    assert store.requests() == []  # left the pending inbox
    assert all_decisions(store) == [row]


def test_decide_by_name_url_or_id_and_bad_decision(store):
    r = request(store, "Ann Lee", url=li("ann-lee"))
    assert decide(store, li("ann-lee"), "ask")["request_id"] == r.id
    assert decide(store, "ann lee", "accept")["request_id"] == r.id
    with pytest.raises(HaveWeMetError, match="unknown decision 'maybe'"):
        decide(store, r.id, "maybe")
    with pytest.raises(HaveWeMetError, match="no request matches 'Bob'"):
        decide(store, "Bob", "accept")


def test_returning_requester_same_slug_is_flagged(store):
    r = request(store, "Ann Lee", url=li("ann-lee"), note="Book a quick call?")
    record_decision(store, r, "ignore", reason="pitch", at="2026-01-02T10:00:00")
    again = replace(r, sent_at="2026-05-01T09:00:00", status="pending")
    res = Triager(store, today=TODAY).triage(again)
    by = {s.name: s.text for s in res.signals}
    assert by["declined_before"] == "declined before: you ignored them on 2026-01-02 (pitch)"
    assert by["repeat_request"] == "asked again after you ignored them on 2026-01-02"


def test_returning_requester_new_profile_same_name(store):
    r = request(store, "Ann Lee", url=li("ann-lee"))
    record_decision(store, r, "report", at="2026-01-02T10:00:00")
    new = request(store, "Ann  Lee", url=li("ann-lee-new-99"))
    res = Triager(store, today=TODAY).triage(new)
    assert [s.severity for s in res.signals if s.name == "declined_before"] == [3]
    assert res.action == "report"


def test_known_but_declined_before_is_asked_not_accepted(store):
    b = batch()
    k = person(b, "in/ann-lee", "Ann Lee", url=li("ann-lee"))
    did(b, k, "message", "2026-01-01", "in", count=4)
    did(b, k, "message", "2026-01-02", "out", count=4)
    store.save(b)
    r = request(store, "Ann Lee", url=li("ann-lee"), note="Hi again")
    assert Triager(store, today=TODAY).triage(r).action == "accept"
    record_decision(store, r, "ignore")
    res = Triager(store, today=TODAY).triage(r)
    assert (res.verdict, res.action) == ("known", "ask")


def test_decide_all_recommended_accepts_only_accepts(store):
    b = batch()
    k = person(b, "in/ann-lee", "Ann Lee", url=li("ann-lee"))
    did(b, k, "meeting", "2026-01-01", "both", detail="Budget", file="cal.ics")
    store.save(b)
    request(store, "Ann Lee", url=li("ann-lee"))
    request(store, "Zed Stranger", url=li("zed-stranger"))
    rows = decide_recommended(store, today=TODAY)
    assert [(r["name"], r["decision"], r["reason"]) for r in rows] == [
        ("Ann Lee", "accept", "recommended: gatekeeper: accept met")
    ]
    assert [r.name for r in store.requests()] == ["Zed Stranger"]


def test_history(store):
    r = request(store, "Ann Lee", url=li("ann-lee"))
    record_decision(store, r, "ignore", at="2026-01-02T10:00:00")
    record_decision(store, r, "accept", at="2026-03-02T10:00:00")
    request(store, "Bo Chen", url=li("bo-chen"))
    for ref in ("Ann Lee", "ANN LEE", li("ann-lee"), r.id):
        assert [h["decision"] for h in history(store, ref)] == ["ignore", "accept"]
    assert history(store, "Bo Chen") == []


def test_export_csv_neutralises_formulas_and_round_trips(store, tmp_path):
    r = request(store, '=HYPERLINK("http://x")', url=li("evil"))
    record_decision(store, r, "report", reason="+cmd|' /C calc'!A0", at="2026-01-02T10:00:00")
    r2 = request(store, "Ann Lee", url=li("ann-lee"))
    record_decision(store, r2, "accept", reason="-@ met at fair", at="2026-01-03T10:00:00")
    path = tmp_path / "d.csv"
    assert export_decisions(store, path) == 2
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == list(FIELDS)
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][5] == "'+cmd|' /C calc'!A0"
    assert rows[2][5] == "'-@ met at fair"
    assert not any(c.startswith(("=", "+", "-", "@")) for row in rows[1:] for c in row)
    fresh = Store.open(":memory:")
    assert import_decisions(fresh, path) == (2, 0)
    assert import_decisions(fresh, path) == (0, 2)  # importing twice adds nothing
    got = [{k: d[k] for k in FIELDS if k != "id"} for d in all_decisions(fresh)]
    want = [{k: d[k] for k in FIELDS if k != "id"} for d in all_decisions(store)]
    assert got == want


def test_export_import_json(store, tmp_path):
    r = request(store, "Ann Lee", url=li("ann-lee"))
    record_decision(store, r, "ask", at="2026-01-02T10:00:00")
    path = tmp_path / "d.json"
    export_decisions(store, path)
    assert json.loads(path.read_text())[0]["decision"] == "ask"
    fresh = Store.open(":memory:")
    assert import_decisions(fresh, path) == (1, 0)
    # An imported decision still flags the returning requester.
    again = request(fresh, "Ann Lee", url=li("ann-lee"))
    assert fresh.get_request(again.id).status == "pending"
    assert "decided_before" in [s.name for s in Triager(fresh, today=TODAY).triage(again).signals]


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        (
            "name,decision,decided_at\r\nAnn,accept,2026-01-02\r\nBo,maybe,2026-01-02\r\n",
            ".csv",
            "line 3: decision 'maybe' is not one of accept, ask, ignore, report",
        ),
        ("name,decided_at\r\nAnn,2026-01-02\r\n", ".csv", "line 1: missing columns: decision"),
        (
            "name,decision,decided_at\r\nAnn,accept,yesterday\r\n",
            ".csv",
            "line 2: decided_at 'yesterday' is not an ISO date",
        ),
        (
            '[{"name": "Ann", "decision": "accept",\n "decided_at": 5',
            ".json",
            "line 2: not valid JSON",
        ),
        ('{"name": "Ann"}', ".json", "expected a JSON list of decision objects"),
        ("x", ".txt", "unknown format"),
    ],
)
def test_import_errors_name_the_line(store, tmp_path, text, suffix, message):
    path = tmp_path / f"d{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_decisions(store, path)
    assert message in str(e.value)
    assert str(e.value).startswith(str(path))
    assert all_decisions(store) == []  # nothing written


def test_cli_decide_history_export(db_path, tmp_path):
    s = Store.open(db_path)
    request(s, "Ann Lee", url=li("ann-lee"))
    s.close()
    runner = CliRunner()
    res = runner.invoke(app, ["decide", "Ann Lee", "ignore", "--reason", "no idea"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "ignore: Ann Lee (no idea)",
        "Saved here only: LinkedIn does not know yet. On LinkedIn, click Ignore in the "
        "invitation manager: https://www.linkedin.com/mynetwork/invitation-manager/",
    ]
    res = runner.invoke(app, ["history", li("ann-lee"), "--json"])
    assert [h["decision"] for h in json.loads(res.output)] == ["ignore"]
    res = runner.invoke(app, ["decisions", "export", str(tmp_path / "out.csv")])
    assert res.output.strip() == f"Wrote 1 decisions to {tmp_path / 'out.csv'}"
    res = runner.invoke(app, ["decide", "Nobody", "accept"])
    assert res.exit_code == 1
    assert res.output.strip() == (
        "Error: no request matches 'Nobody'; `havewemet inbox` lists them"
    )
    res = runner.invoke(app, ["decide"])
    assert res.exit_code == 1
    assert res.output.startswith("Error: give REQUEST and DECISION")
    res = runner.invoke(app, ["decide", "--all-recommended", "--json"])
    assert (res.exit_code, json.loads(res.output)) == (0, [])


def test_decisions_export_keeps_an_existing_file_and_writes_it_private(db_path, tmp_path):
    """As ``backup`` does: an existing file is kept unless --force; the file is 0600
    like the store (decisions name people and say why they were reported)."""
    import os
    import stat

    s = Store.open(db_path)
    request(s, "Ann Lee", url=li("ann-lee"))
    s.close()
    runner = CliRunner()
    assert runner.invoke(app, ["decide", "Ann Lee", "report", "--reason", "spam"]).exit_code == 0
    out = tmp_path / "mine.csv"
    out.write_text("my own notes\n")
    os.chmod(out, 0o644)
    res = runner.invoke(app, ["decisions", "export", str(out)])
    assert (res.exit_code, res.output) == (1, f"Error: {out} exists; add --force to overwrite it\n")
    assert out.read_text() == "my own notes\n"
    res = runner.invoke(app, ["decisions", "export", str(out), "--force"])
    assert res.output == f"Wrote 1 decisions to {out}\n"
    assert "Ann Lee" in out.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    fresh = tmp_path / "new.json"
    assert runner.invoke(app, ["decisions", "export", str(fresh)]).exit_code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
