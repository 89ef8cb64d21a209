"""Presets on the same requests, allow and deny lists, policy files with errors, CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.errors import PolicyError
from havewemet.models import PendingRequest
from havewemet.triage.engine import Triager, triage_inbox
from havewemet.triage.policy import load_policy, policy_toml, preset, recommend
from havewemet.triage.signals import Signal
from tests.fixtures_triage import TODAY, batch, did, li, person, request


@pytest.fixture
def inbox_store(store):
    b = batch()
    k = person(b, "in/amira", "Amira Haddad", url=li("amira"))
    did(b, k, "message", "2026-05-01", "in", count=10)
    did(b, k, "message", "2026-05-02", "out", count=10)
    k = person(b, "in/marcus", "Marcus Fenwick", url=li("marcus"), emails=["m@northfield.org"])
    did(b, k, "follow", "2025-02-03", "out", file="Member_Follows.csv")
    store.save(b)
    request(store, "Amira Haddad", url=li("amira"), note="Hi Ruth!")
    request(store, "Marcus Fenwick", url=li("marcus"), note="Enjoyed your talk on open data.")
    request(
        store,
        "Hannah Osei",
        url=li("hannah-osei"),
        note="Amira suggested I write.",
        headline="Archivist at Eastvale Record Office",
        mutuals=["Amira Haddad"],
    )
    request(
        store,
        "Fiona Grant",
        url=li("fiona-grant"),
        note="I organise the library conference and would love you to speak.",
        headline="Events Coordinator",
    )
    request(
        store,
        "Nobody Special",
        url=li("nobody-special"),
        note="Hello Ruth, following up from the webinar.",
        headline="Analyst at Acme",
    )
    request(
        store,
        "Lena Vogt",
        url=li("lena-vogt"),
        note="We help councils. Book a quick call?",
        headline="Growth Lead at ResearchAI",
    )
    return store


EXPECTED = {  # name: (verdict, gatekeeper, networker)
    "Amira Haddad": ("known", "accept", "accept"),
    "Marcus Fenwick": ("known of", "ask", "accept"),
    "Hannah Osei": ("connected through", "ask", "accept"),
    "Fiona Grant": ("stranger", "ignore", "accept"),
    "Nobody Special": ("stranger", "ignore", "ask"),
    "Lena Vogt": ("stranger", "ignore", "ignore"),
}


@pytest.mark.parametrize("preset_name", ["gatekeeper", "networker"])
def test_same_requests_different_outcomes(inbox_store, preset_name):
    col = 1 if preset_name == "gatekeeper" else 2
    got = {
        r.request.name: (r.verdict, r.action)
        for r in triage_inbox(inbox_store, policy=load_policy(preset_name=preset_name), today=TODAY)
    }
    assert got == {n: (v[0], v[col]) for n, v in EXPECTED.items()}


def test_every_recommendation_names_its_rule(inbox_store):
    res = {
        r.request.name: r.rule
        for r in triage_inbox(inbox_store, policy=load_policy(preset_name="networker"), today=TODAY)
    }
    assert res["Fiona Grant"] == "networker: relevant stranger (events, conference, library)"
    # The rule names the signal and the phrases that made it (issue 14).
    assert res["Lena Vogt"] == (
        'networker: a stranger, with a sales pitch ("Book a quick call", "We help")'
    )
    assert res["Amira Haddad"] == "networker: accept known"


def _rec(pol, **req):
    fields = {"id": "r1", "name": "Lena Vogt", "slug": "lena-vogt"}
    fields |= {"headline": "Growth Lead at ResearchAI", "note": ""}
    r = PendingRequest(**(fields | req))
    return recommend(
        "stranger", [], r, pol, emails=["lena@researchai.com"], companies=["ResearchAI Ltd"]
    )


def test_allow_and_deny_lists():
    pol = preset("gatekeeper")
    assert _rec(pol) == ("ignore", "gatekeeper: ignore stranger")
    pol.allow.domains = ["researchai.com"]
    assert _rec(pol) == ("accept", "allow list: domain researchai.com")
    pol.allow.domains = ["ai.com"]  # a suffix that is not the domain does not count
    assert _rec(pol)[0] == "ignore"
    pol.allow.people = [li("lena-vogt")]
    assert _rec(pol) == ("accept", f"allow list: person {li('lena-vogt')}")
    pol.deny.employers = ["ResearchAI"]
    assert _rec(pol) == ("ignore", "deny list: employer ResearchAI")  # deny wins
    pol2 = preset("networker")
    pol2.deny.people = ["lena vogt"]
    assert _rec(pol2) == ("ignore", "deny list: person lena vogt")


def test_employer_list_matches_employer_from_data():
    pol = preset("gatekeeper")
    pol.allow.employers = ["ResearchAI Ltd"]
    assert _rec(pol, headline="Growth Lead")[0] == "accept"


def test_report_needs_severity_and_never_hits_known():
    pol = preset("gatekeeper")
    bad = [Signal("pitch", "", 2), Signal("template", "", 2)]
    assert recommend("stranger", bad, PendingRequest("r", "x"), pol)[0] == "report"
    assert recommend("known", bad, PendingRequest("r", "x"), pol)[0] == "accept"
    assert recommend("stranger", bad[:1], PendingRequest("r", "x"), pol)[0] == "ignore"
    declined = [Signal("declined_before", "", 2)]
    assert recommend("known", declined, PendingRequest("r", "x"), pol) == (
        "ask",
        "known, but you declined them before",
    )


def test_policy_file_round_trip(tmp_path):
    for name in ("gatekeeper", "networker"):
        f = tmp_path / f"{name}.toml"
        f.write_text(policy_toml(preset(name)), encoding="utf-8")
        assert load_policy(f) == preset(name)


def test_policy_file_values(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(
        'preset = "networker"\nrelevant = ["archives"]\nreport_at = 6\n'
        '[deny]\ndomains = ["spam.example"]\n',
        encoding="utf-8",
    )
    pol = load_policy(f)
    assert (pol.preset, pol.relevant, pol.report_at, pol.deny.domains) == (
        "networker",
        ["archives"],
        6,
        ["spam.example"],
    )
    assert load_policy(f, preset_name="gatekeeper").strangers == "ignore"


BAD = [
    ('preset = "gatekeeper"\naccpet = ["known"]\n', "line 2, key 'accpet': unknown key"),
    ('accept = ["known", "friends"]\n', "line 1, key 'accept': ['friends'] are not verdicts"),
    ('strangers = "maybe"\n', 'line 1, key \'strangers\': must be "ignore", "ask" or'),
    ("report_at = 0\n", "line 1, key 'report_at': must be a whole number of at least 1"),
    ('decline_on = ["pitch", "rudeness"]\n', "line 1, key 'decline_on': rudeness not signals"),
    (
        '[allow]\npeople = ["a"]\n[deny]\nemployers = "Acme"\n',
        "line 4, key 'deny.employers': expected one of domains, employers, people",
    ),
    ('preset = "hermit"\n', "line 1, key 'preset': unknown preset 'hermit'"),
    ('accept = ["known"]\nask = [known of]\n', "line 2: not valid TOML"),
    ('signal_files = ["no-such-folder"]\n', "line 1, key 'signal_files': no such folder"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[1][:20] for b in BAD])
def test_policy_errors_name_line_and_key(tmp_path, text, message):
    f = tmp_path / "policy.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(f)
    assert str(e.value).startswith(f"{f}, ") or str(e.value).startswith(f"{f}:")
    assert message in str(e.value)


def test_policy_errors_are_collected(tmp_path):
    f = tmp_path / "policy.toml"
    f.write_text('accpet = ["known"]\nreport_at = "x"\n', encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(f)
    assert len(str(e.value).splitlines()) == 2


def test_policy_cli(tmp_path):
    runner = CliRunner()
    f = tmp_path / "p.toml"
    res = runner.invoke(app, ["policy", "init", str(f), "--preset", "networker"])
    assert res.exit_code == 0, res.output
    assert (
        runner.invoke(app, ["policy", "check", str(f)]).output.strip()
        == f"{f}: OK (preset networker)"
    )
    res = runner.invoke(app, ["policy", "show", "--policy", str(f)])
    assert 'strangers = "accept_relevant"' in res.output
    f.write_text('accpet = ["known"]\n', encoding="utf-8")
    res = runner.invoke(app, ["policy", "check", str(f)])
    assert res.exit_code == 1
    assert res.output.splitlines()[0].startswith(f"Error: {f}, line 1, key 'accpet': unknown")


def test_triager_uses_policy_file(inbox_store, tmp_path):
    f = tmp_path / "p.toml"
    f.write_text('[allow]\npeople = ["Nobody Special"]\n', encoding="utf-8")
    t = Triager(inbox_store, policy=load_policy(f), today=TODAY)
    r = t.triage(inbox_store.get_request("Nobody Special"))
    assert (r.action, r.rule) == ("accept", "allow list: person Nobody Special")
