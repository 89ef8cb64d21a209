"""The demo persona: each planted case's verdict and recommendation under both presets,
and the audit of the invitations she sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.demo import PLANTED, TODAY, load_demo, run_demo
from havewemet.demo.outgoing import OUTGOING
from havewemet.store import Store
from havewemet.triage.outreach import audit_outgoing


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = {}
    for preset in ("gatekeeper", "networker"):
        res = run_demo(tmp_path_factory.mktemp(preset), preset=preset)
        out[preset] = {r.request.name: r for r in res}
    return out


@pytest.mark.parametrize("preset", ["gatekeeper", "networker"])
@pytest.mark.parametrize("case", PLANTED, ids=[p.name for p in PLANTED])
def test_planted_case(results, preset, case):
    r = results[preset][case.name]
    assert (r.verdict, r.action) == (case.verdict, getattr(case, preset)), r.rule


def test_every_verdict_has_evidence_and_every_action_a_rule(results):
    for res in results.values():
        for r in res.values():
            assert r.rule
            if r.verdict != "stranger":
                assert r.evidence and all(e.source for e in r.evidence)


def test_close_mutuals_outrank_blind_ones(results):
    hannah, victor = results["gatekeeper"]["Hannah Osei"], results["gatekeeper"]["Victor Lane"]
    assert len(victor.mutuals) == 40 and len(hannah.mutuals) == 2
    assert max(m.strength for m in hannah.mutuals) > max(m.strength for m in victor.mutuals)


def test_the_inbox_holds_every_pending_request(results):
    assert len(results["gatekeeper"]) == len(PLANTED) + 13


# -- the outgoing audit: Ruth invites people she has met ------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    load_demo(folder).close()
    return folder / "demo.db"


def test_audit_summary_as_the_user_reads_it(demo_db):
    res = CliRunner().invoke(app, ["--db", str(demo_db), "outreach", "--audit"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "You sent 11 invitations; 2 (18%) went to people your data shows no shared context with.",
        "  met                4",
        "  known              4",
        "  stranger           2",
        "  known of           1",
        "  - Ingrid Solberg 2025-11-18 (Invitations.csv, line 73)",
        "  - Yusuf Demir 2026-09-02 (Invitations.csv, line 78)",
    ]


def test_each_invitation_gets_the_context_that_came_before_it(demo_db):
    store = Store.open(demo_db)
    try:
        audit = audit_outgoing(store, today=TODAY.date())
    finally:
        store.close()
    got = {x["name"]: (x["verdict"], x["evidence"][:1]) for x in audit.invitations}
    assert got == {
        "Gareth Hughes": ("met", ["also at Open Data in Libraries 2025 on 2025-06-12"]),
        "Nadia Rahman": ("met", ["also at Open Data in Libraries 2025 on 2025-06-12"]),
        "Joanna Pike": ("met", ["also at Open Data in Libraries 2025 on 2025-06-12"]),
        "Rahul Mehta": ("known", ["you e-mailed each other 3 times (1 from you), last 2025-08-18"]),
        "Owen Price": (
            "known",
            ["met at Library card scheme review on 2025-10-21 and 1 other meeting"],
        ),
        "Ingrid Solberg": ("stranger", []),
        "Helen Marsh": ("known", ["you e-mailed each other 4 times (2 from you), last 2026-01-21"]),
        "Marta Kowalczyk": ("met", ["met at Records retention workshop on 2026-03-10"]),
        "Beatriz Santos": (
            "known",
            ["you messaged each other 3 times (1 from you), last 2026-05-06"],
        ),
        "Kofi Asante": ("known of", ["you follow them on LinkedIn"]),
        "Yusuf Demir": ("stranger", []),
    }
    assert {o.name: o.verdict for o in OUTGOING} == {k: v[0] for k, v in got.items()}


def test_every_invitation_precedes_its_connection(demo_db):
    """In the generated export as imported: the user's invitations and the accepted
    incoming ones are each dated before the ``Connected On`` that followed, and the
    context the audit finds comes a few days before the invitation."""
    store = Store.open(demo_db)
    try:
        out = list(
            store._db.query(
                """select v.at as sent, c.at as connected from interactions v
                   left join interactions c on c.identity_id = v.identity_id
                        and c.kind = 'connected'
                   where v.kind = 'invitation' and v.direction = 'out'"""
            )
        )
        accepted = list(
            store._db.query(
                """select r.sent_at as sent, c.at as connected from requests r
                   join identities d on d.source = 'linkedin' and d.key = 'in/' || r.slug
                   join interactions c on c.identity_id = d.id and c.kind = 'connected'
                   where r.status = 'connected'"""
            )
        )
    finally:
        store.close()
    assert len(out) == len(OUTGOING) and len(accepted) == 30
    assert sum(r["connected"] is None for r in out) == 2  # Kofi Asante, Yusuf Demir: pending
    for r in out + accepted:
        assert r["connected"] is None or r["sent"][:10] < r["connected"][:10], r
    for o in OUTGOING:
        assert all(c < o.sent for c in o.context), o.name  # the same evening for Gareth
        assert not o.context or o.sent - max(o.context) <= timedelta(days=10), o.name


def test_endorsements_come_after_connecting(tmp_path):
    from havewemet.demo import write_demo
    from havewemet.importers import read_source

    (export, _), *_ = write_demo(tmp_path)[0]
    batch = read_source(export)
    connected = {i.identity_key: i.at[:10] for i in batch.interactions if i.kind == "connected"}
    endorsed = [(i.identity_key, i.at[:10]) for i in batch.interactions if i.kind == "endorsement"]
    assert len(endorsed) >= 25
    assert [(k, at) for k, at in endorsed if k in connected and at < connected[k]] == []
    # The one endorser who is not a connection is the planted former connection now
    # asking again (an endorsement needs a connection at the time).
    assert {k for k, _ in endorsed if k not in connected} == {"in/grace-liang-archives"}


# -- what the demo says next, and the files it keeps (issue 13) -----------------------


def test_the_demo_says_what_to_try_next(tmp_path):
    plain = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "demo"])
    assert plain.exit_code == 0, plain.output
    # The store --db names is the user's: the demo says it leaves it alone, and does.
    assert (
        f"The demo keeps its own store in a temporary folder: {tmp_path / 's.db'} is not "
        "touched." in plain.stderr
    )
    assert not (tmp_path / "s.db").exists()
    assert plain.stdout.splitlines()[-5:] == [
        "Try next:",
        "  havewemet demo --keep DIR         keep the demo's files and store in DIR",
        "  havewemet --db DIR/demo.db serve  then the same inbox in your browser",
        "  havewemet import PATH             your own LinkedIn export (README: step 1)",
        "  havewemet extension install       the verdicts on LinkedIn's own pages",
    ]
    keep = tmp_path / "kept"
    kept = CliRunner().invoke(app, ["demo", "--keep", str(keep)])
    assert kept.exit_code == 0, kept.output
    db = keep / "demo.db"
    lines = kept.output.splitlines()[-6:]
    assert [" ".join(line.split()) for line in lines] == [
        f"Files and store kept in {keep}. Try next:",
        f"havewemet --db {db} serve this inbox in your browser (decide with a click)",
        f"havewemet --db {db} inbox this inbox again in the terminal",
        f"sh {keep / 'reproduce.sh'} rebuild it from the kept files",
        "havewemet import PATH your own LinkedIn export (README: step 1)",
        "havewemet extension install the verdicts on LinkedIn's own pages",
    ]
    # The explanations start in one column.
    assert len({re.search(r"\S {2,}(\S)", line).start(1) for line in lines[1:]}) == 1


def test_the_kept_files_reproduce_the_demo(results, tmp_path):
    """``sh reproduce.sh`` (run for real, with ``havewemet`` on PATH) rebuilds the
    demo's inbox from the kept files alone: every request with the same verdict and
    recommendation, and Victor Lane's 40 typed mutual connections."""
    import os
    import subprocess
    import sys

    keep = tmp_path / "kept"
    assert CliRunner().invoke(app, ["demo", "--keep", str(keep)]).exit_code == 0
    (keep / "demo.db").unlink()
    shim = tmp_path / "bin" / "havewemet"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m havewemet "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    env["HAVEWEMET_DB"] = "again.db"  # relative to where the user runs it
    run = subprocess.run(
        ["sh", str(keep / "reproduce.sh")], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Done: havewemet inbox shows the demo's requests.\n"
    from havewemet.triage.engine import triage_inbox
    from havewemet.triage.policy import load_policy

    store = Store.open(tmp_path / "again.db")
    try:
        again = triage_inbox(store, policy=load_policy(), today=TODAY.date())
    finally:
        store.close()
    got = {r.request.name: (r.verdict, r.action, len(r.mutuals)) for r in again}
    want = {n: (r.verdict, r.action, len(r.mutuals)) for n, r in results["gatekeeper"].items()}
    assert got == want
    assert got["Victor Lane"][2] == 40
