"""Sub-blocking of big name blocks (speed) must not change who matches."""

from __future__ import annotations

import random

import pytest

import havewemet.identity.blocking as blocking_mod
import havewemet.identity.match as match_mod
from havewemet.identity import Matcher, Query

FIRST = (
    "Anna Robert Maria Jon Kathy Elizabeth William Margaret Alexander Zofia Jose Lukasz "
    "Francesca Henrik Ingrid Yusuf Aoife Mateo Chiara Dmitri Hannah Pieter Saoirse Tomasz"
).split()
LAST = (
    "Smith Kowalski Müller Rossi Okafor Jensen Novak Dubois Haddad Murphy Silva Tanaka "
    "Fischer Costa Walsh"
).split()


def _book() -> list[dict]:
    """About 8 holders per surname, so that surname blocks are sub-blocked."""
    rnd = random.Random(11)
    out = []
    for i in range(120):
        first, last = rnd.choice(FIRST), LAST[i % len(LAST)]
        ident = {"id": f"i{i}", "name": f"{first} {last}"}
        if i % 3 == 0:
            ident["company"] = f"Org {i % 4}"
        out.append(ident)
    return out


def _variants(name: str, rnd: random.Random) -> list[str]:
    first, last = name.split()
    typo = last[0] + last[2] + last[1] + last[3:]  # two letters swapped
    return [
        name,
        f"{last} {first}",
        f"{first[0]}. {last}",
        f"{first} {typo}",
        f"{first[:-1]} {last}",
        f"{first} {last[:2]} {last[2:]}",  # a stray space
        {"Robert": "Bob", "Elizabeth": "Liz", "William": "Bill", "Margaret": "Peggy"}.get(
            first, first
        )
        + f" {last}",
    ]


QUERIES = [
    v
    for i, ident in enumerate(_book())
    if i % 4 == 0
    for v in _variants(ident["name"], random.Random(i))
]


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_sub_blocking_keeps_the_matches(monkeypatch, threshold):
    """Typos, initials, order, stray spaces and nicknames match as with whole blocks."""
    book = _book()
    fast = Matcher(book)
    monkeypatch.setattr(blocking_mod, "BIG_BLOCK", 10**9)
    whole = Matcher(book)
    found = 0
    for name in QUERIES:
        q = Query(name, company="Org 1" if len(name) % 2 else "")
        want = [(m.identity_id, m.probability) for m in whole.match(q, threshold=threshold)]
        monkeypatch.setattr(blocking_mod, "BIG_BLOCK", 6)
        got = [(m.identity_id, m.probability) for m in fast.match(q, threshold=threshold)]
        monkeypatch.setattr(blocking_mod, "BIG_BLOCK", 10**9)
        assert got == want, name
        found += bool(want)
    assert found > len(QUERIES) // 2  # the comparison is about real matches


def test_big_blocks_are_searched_by_compatible_names_only():
    book = _book()
    m = Matcher(book)
    rec = match_mod.query_rec(Query("Anna Smith"))
    cands = m.candidates(rec)
    smiths = [i["id"] for i in book if i["name"].endswith(" Smith")]
    assert len(smiths) > blocking_mod.BIG_BLOCK
    assert {i for i in smiths if m.identities[i]["name"].startswith("Anna ")} <= cands
    assert not any(m.identities[i]["name"].startswith("Tomasz ") for i in cands)


def test_stray_space_is_found_in_a_big_store():
    book = _book() + [{"id": "kamp", "name": "Mia Kamp"}]
    found = Matcher(book).match(Query("Mia Kam P"), threshold=0.0)
    assert "kamp" in [x.identity_id for x in found]
