"""The demo persona: each planted case's verdict and recommendation under both presets."""

from __future__ import annotations

import pytest

from havewemet.demo import PLANTED, run_demo


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = {}
    for preset in ("gatekeeper", "networker"):
        res = run_demo(tmp_path_factory.mktemp(preset), preset=preset)
        out[preset] = {r.request["name"]: r for r in res}
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
