"""Names in every form they are written (issue 12): given-name variants from
gender-guesser's nam_dict.txt and spellings of listed names, each with its near miss."""

from __future__ import annotations

import pytest

from havewemet.identity.names import given_level


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hansl", "Johann"),  # nam_dict.txt: "= Hansl Johann"
        ("Käte", "Katharina"),
        ("Grischa", "Grigori"),
        ("Yuliya", "Julia"),  # a spelling of a listed form
        ("Iuliia", "Yulia"),
        ("Elisabet", "Bess"),
    ],
)
def test_variant_families(a: str, b: str) -> None:
    assert given_level(a, b)[0] in ("variant", "spelling")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Georgia", "George"),  # an ending that tells a woman's name from a man's
        ("Daniela", "Daniel"),
        ("Jolanta", "Johanna"),
        ("Brigitta", "George"),  # Gitta (Brigitta) and Ghita (Gheorghe) share a skeleton
        ("Joachim", "Johann"),
    ],
)
def test_variant_near_misses(a: str, b: str) -> None:
    assert given_level(a, b)[0] not in ("exact", "variant", "spelling")
