"""store_rows: the rows' ids and JSON are what the records' own give."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havewemet.models import Identity, ImportBatch, Interaction, stable_id
from havewemet.store.rows import _EXTRA_JSON, dump_extra, identity_rows, interaction_rows


def _reference_id(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


@given(st.lists(st.one_of(st.none(), st.integers(), st.text()), max_size=6))
def test_stable_id_is_blake2b_of_the_joined_parts(parts: list) -> None:
    assert stable_id(*parts) == _reference_id(*parts)


def test_row_ids_are_the_records_ids() -> None:
    batch = ImportBatch("linkedin", "linkedin", "x")
    batch.identities.append(Identity("linkedin", "in/zoë", name="Zoë", file="f", line=2))
    batch.interactions += [
        Interaction("linkedin", "in/zoë", "connected", "2024-01-02", "both", "", "f", 2),
        Interaction("linkedin", "in/zoë", "message", None, "in", "first x\ud800", "f", 3),
    ]
    memo: dict = {}
    (row,) = identity_rows(batch, memo)
    assert row[0] == batch.identities[0].id == _reference_id("linkedin", "in/zoë")
    rows = interaction_rows(batch, memo)
    assert [r[0] for r in rows] == [i.id for i in batch.interactions]
    assert [r[2] for r in rows] == [row[0], row[0]]


@pytest.mark.parametrize(
    "extra",
    [{"connection": True}, {"connection": 1}, {"connection": "true"}, {"connection": True, "a": 1}],
)
def test_dump_extra_is_sorted_json(extra: dict) -> None:
    assert dump_extra(extra, {}) == _EXTRA_JSON(extra)
