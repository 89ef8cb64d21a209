"""The Fellegi-Sunter model of the identity matcher: comparisons, levels and weights (issue 3).

Each :class:`Comparison` names its levels with an *m* probability (how often two
records of the same person land on the level) and a *u* probability (how often
two records of different people do); the level's weight is ``log2(m / u)``.
:data:`MODEL` is the default model; :class:`Scored` collects the weights of one
comparison of two records. The comparisons themselves are in
:mod:`havewemet.identity.compare` and :mod:`havewemet.identity.compare_names`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Level:
    """One outcome of a comparison, with its m and u probabilities."""

    name: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A field comparison: its levels, strongest first, and the missing-value policy."""

    field: str
    levels: tuple[Level, ...]
    missing_value: Literal["ignore"] = "ignore"

    def level(self, name: str) -> Level:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise ValueError(
            f"{self.field}: unknown level {name!r}; use one of {[lv.name for lv in self.levels]}"
        )


def _cmp(fieldname: str, *levels: tuple[str, float, float]) -> Comparison:
    return Comparison(fieldname, tuple(Level(*lv) for lv in levels))


#: The default model. m values are set from how sources differ in practice (a
#: person keeps one name but several addresses); u values are defaults that the
#: matcher replaces with frequencies from the user's own data where it can.
MODEL: dict[str, Comparison] = {
    c.field: c
    for c in (
        _cmp(
            "given",
            ("exact", 0.80, 0.01),
            ("spelling", 0.05, 0.002),
            ("variant", 0.07, 0.003),
            ("initial", 0.03, 0.05),
            ("fuzzy", 0.01, 0.002),
            ("close", 0.002, 0.004),
            ("none", 0.02, 0.92),
        ),
        _cmp(
            "surname",
            ("exact", 0.86, 0.001),
            ("spelling", 0.03, 0.0005),
            # A birth name the data states (née, geb.) meeting a surname: as rare
            # between two people as the same surname (issue 12: a full agreement).
            ("maiden", 0.03, 0.000035),
            ("part", 0.03, 0.001),
            ("fuzzy", 0.02, 0.002),
            ("close", 0.008, 0.0035),
            ("none", 0.03, 0.99),
        ),
        _cmp("middle", ("agree", 0.5, 0.05), ("initial", 0.4, 0.1), ("none", 0.1, 0.85)),
        # A "slip": two addresses a letter or two apart, e.g. one typed by hand into an
        # address book (issue 12; u: about 4e-6 on random Splink fake_20000 pairs, set
        # higher for colleagues and families at one domain). Never when the given names
        # disagree, nor when only digits differ (john.smith1 / john.smith2).
        _cmp("email", ("agree", 0.6, 1e-5), ("slip", 0.05, 5e-5), ("none", 0.4, 1.0)),
        _cmp("phone", ("agree", 0.6, 1e-5), ("none", 0.4, 1.0)),
        _cmp("profile", ("agree", 0.98, 1e-6), ("none", 0.002, 1.0)),
        _cmp(
            "handle",
            ("same", 0.3, 1e-4),
            ("fits", 0.4, 0.003),
            ("weak", 0.2, 0.03),
            ("none", 0.4, 0.97),
        ),
        _cmp("company", ("agree", 0.25, 0.01), ("none", 0.75, 0.99)),
        # A birthday an address book holds (vCard BDAY, a contacts CSV's Birthday). m
        # from pairs of one person's records in Splink's fake_20000, u from random
        # pairs of it (issue 12): "close" is one character off, day and month swapped
        # or the year one off; "year" the same year; "decade" within ten years; "day"
        # the same day and month when a side has no year.
        _cmp(
            "birthday",
            ("exact", 0.41, 5e-5),
            ("day", 0.41, 0.003),
            ("close", 0.1, 0.0015),
            ("year", 0.12, 0.0175),
            ("decade", 0.36, 0.34),
            ("none", 0.005, 0.64),
        ),
    )
}


@dataclass(slots=True)
class Scored:
    """The outcome of comparing two records: total weight and per-field parts."""

    weight: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    conflict: bool = False

    def add(self, comp: str, weight: float, reason: str) -> None:
        self.weight += weight
        self.parts[comp] = round(self.parts.get(comp, 0.0) + weight, 2)
        if reason:
            self.reasons.append(reason)


_TF_LEVELS = {"given": ("exact",), "surname": ("exact", "spelling")}


_LEVEL = {(c.field, lv.name): lv for c in MODEL.values() for lv in c.levels}


def _level_weight(comp: str, level: str, u_tf: float | None, lone: bool = False) -> float:
    if level == "missing":
        return 0.0
    lv = _LEVEL[comp, level]
    u = u_tf if (u_tf and level in _TF_LEVELS[comp]) else lv.u
    if lone:  # a lone word may be a given name or a surname: never rarer than the default
        u = max(u, lv.u)
    return math.log2(lv.m / u)


_HANDLE_W = {lv.name: lv.weight for lv in MODEL["handle"].levels}


_MAX_REST = {c: max(lv.weight for lv in MODEL[c].levels) for c in MODEL}
#: Weight of a set field (e-mail, phone, profile) without and with a common value.
_SET_W = {
    c: (MODEL[c].level("none").weight, MODEL[c].level("agree").weight)
    for c in ("email", "phone", "profile")
}


def probability(weight: float, log2_prior_odds: float) -> float:
    """The match probability from a total weight and the prior odds (log2)."""
    x = weight + log2_prior_odds
    if x > 60:
        return 1.0
    if x < -60:
        return 0.0
    return 2.0**x / (1.0 + 2.0**x)


__all__ = ["MODEL", "Comparison", "Level", "Scored", "probability"]
