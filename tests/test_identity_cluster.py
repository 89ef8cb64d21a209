"""Clustering identities into people, with link/unlink overrides (issue 3, Build 5)."""

import json

import pytest

from havewemet.errors import NotFoundError
from havewemet.identity.cluster import cluster, link, unlink
from havewemet.models import stable_id
from havewemet.store import Store


def _ident(source, key, name, **kw):
    row = {
        "id": stable_id(source, key),
        "source": source,
        "key": key,
        "name": name,
        "first_name": "",
        "last_name": "",
        "company": "",
        "title": "",
        "location": "",
        "file": "f",
        "line": 1,
        "extra": "{}",
        "person_id": "",
    }
    for f in ("emails", "phones", "urls", "handles", "nicknames"):
        row[f] = json.dumps(kw.get(f, []))
    return row


@pytest.fixture
def store():
    s = Store.open(":memory:")
    rows = [
        _ident(
            "linkedin",
            "in/rjsmith-lib",
            "Robert Smith",
            urls=["linkedin.com/in/rjsmith-lib"],
            emails=["r.smith@council.gov.uk"],
        ),
        _ident("google", "c1", "Bob Smith", emails=["R.Smith@council.gov.uk"]),
        _ident(
            "linkedin", "in/robsmith-leeds", "Robert Smith", urls=["linkedin.com/in/robsmith-leeds"]
        ),  # a namesake
        _ident("vcard", "v1", "Zofia Szczepańska"),
        _ident("mail", "m1", "Zofia Szczepanska"),
        _ident("mail", "m2", "Zofia Szczepanik"),  # near miss: a different surname
    ]
    s._db["identities"].insert_all(rows)
    return s


def _person(store, key_source, key):
    return store._db.execute(
        "select person_id from identities where id = ?", [stable_id(key_source, key)]
    ).fetchone()[0]


def test_cluster_conservative(store):
    cluster(store)
    assert _person(store, "linkedin", "in/rjsmith-lib") == _person(store, "google", "c1")
    assert _person(store, "linkedin", "in/robsmith-leeds") != _person(store, "google", "c1")
    assert _person(store, "vcard", "v1") == _person(store, "mail", "m1")
    assert _person(store, "mail", "m2") != _person(store, "mail", "m1")
    assert store._db["people"].count == 4


def test_link_unlink_survive_recluster(store):
    cluster(store)
    unlink(store, stable_id("vcard", "v1"), stable_id("mail", "m1"))
    assert _person(store, "vcard", "v1") != _person(store, "mail", "m1")
    link(store, "Zofia Szczepanik", stable_id("mail", "m1"))
    cluster(store)  # a re-import re-clusters: the overrides still hold
    assert _person(store, "mail", "m2") == _person(store, "mail", "m1")
    assert _person(store, "vcard", "v1") != _person(store, "mail", "m1")


def test_link_unknown_or_ambiguous(store):
    with pytest.raises(NotFoundError, match="no identity"):
        link(store, "Nobody", "Bob Smith")
    with pytest.raises(NotFoundError, match="2 identities"):
        link(store, "Robert Smith", "Bob Smith")
