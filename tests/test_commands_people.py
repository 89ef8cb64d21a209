"""`havewemet people QUERY` and `link`/`unlink` by request id or profile address (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.identity.cluster import save_and_group
from havewemet.models import Identity, ImportBatch, Request
from havewemet.store import Store

runner = CliRunner()
PROFILE = "https://www.linkedin.com/in/daniel-okafor-4a1b2c"


@pytest.fixture
def data(db_path: Path) -> dict[str, str]:
    """An address-book card and a mail correspondent sharing an e-mail, a LinkedIn
    message partner with a profile, an unrelated Daniel, and one pending request."""
    card = Identity(
        "vcard",
        "uid-1",
        name="Daniel Okafor",
        emails=["Daniel@Okafor.example"],
        phones=["+44 20 7946 0000"],
        file="contacts.vcf",
        line=12,
    )
    mail = Identity(
        "mail",
        "daniel@okafor.example",
        name="D. Okafor",
        emails=["daniel@okafor.example"],
        file="inbox.mbox",
        line=340,
    )
    li = Identity("linkedin", "p1", name="Dan Okafor", urls=[PROFILE], file="messages.csv", line=7)
    other = Identity(
        "vcard",
        "uid-2",
        name="Daniel Okoro",
        emails=["dokoro@elsewhere.example"],
        handles=["@dokoro"],
        file="contacts.vcf",
        line=30,
    )
    req = Request(name="Dan Okafor", profile_url=PROFILE + "/", note="Hi", source="linkedin")
    store = Store.open(db_path)
    save_and_group(store, ImportBatch("vcard", "vcard", "contacts.vcf", identities=[card, other]))
    save_and_group(store, ImportBatch("mail", "mail", "inbox.mbox", identities=[mail]))
    save_and_group(store, ImportBatch("linkedin", "linkedin", "x", identities=[li], requests=[req]))
    store.close()
    return {"card": card.id, "mail": mail.id, "li": li.id, "other": other.id, "req": req.id}


def _people(query: str) -> list[dict]:
    r = runner.invoke(app, ["people", query, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_people_by_name_groups_the_shared_email(data):
    r = runner.invoke(app, ["people", "okafor"])
    assert r.exit_code == 0, r.output
    assert "contacts.vcf:12" in r.stdout and "inbox.mbox:340" in r.stdout
    assert "why: shared e-mail daniel@okafor.example" in r.stdout
    assert data["card"] in r.stdout and data["mail"] in r.stdout
    assert "Okoro" not in r.stdout


def test_people_json_shape(data):
    found = _people("daniel@OKAFOR.example")
    assert len(found) == 1
    person = found[0]
    assert set(person) == {"person_id", "name", "identities", "why"}
    assert person["person_id"] and all(i["id"] for i in person["identities"])
    ids = {i["id"]: i for i in person["identities"]}
    assert set(ids) >= {data["card"], data["mail"]}
    card = ids[data["card"]]
    assert (card["source"], card["file"], card["line"]) == ("vcard", "contacts.vcf", 12)
    assert card["emails"] == ["Daniel@Okafor.example"] and card["matched"] is True
    assert any(w.startswith("shared e-mail daniel@okafor.example") for w in person["why"])


def test_people_by_profile_address_and_request_id(data):
    for query in (PROFILE + "?trk=x", data["req"]):
        found = _people(query)
        assert [i["id"] for p in found for i in p["identities"] if i["matched"]] == [data["li"]]


def test_people_by_handle(data):
    found = _people("@dokoro")
    assert [i["id"] for p in found for i in p["identities"]] == [data["other"]]


def test_people_no_match_is_a_clear_error(data):
    r = runner.invoke(app, ["people", "Okafur"])  # a near miss of a real name
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: no identity matches 'Okafur'")


def test_link_by_request_id_and_profile_address(data):
    r = runner.invoke(app, ["link", data["req"], data["card"]])
    assert r.exit_code == 0, r.output
    found = _people(PROFILE)
    assert len(found) == 1
    assert {i["id"] for i in found[0]["identities"]} == {data["card"], data["mail"], data["li"]}
    assert any(w.startswith("linked by you") for w in found[0]["why"])
    r = runner.invoke(app, ["unlink", PROFILE, data["card"]])
    assert r.exit_code == 0, r.output
    assert "Unlinked" in r.stdout
    ids = [{i["id"] for i in p["identities"]} for p in _people("okafor")]
    assert {data["li"]} in ids


def test_link_near_miss_points_to_people(data):
    r = runner.invoke(
        app, ["link", "https://www.linkedin.com/in/daniel-okafor-4a1b2d", data["card"]]
    )
    assert r.exit_code == 1
    assert "havewemet people QUERY" in r.stderr
