"""Tie strength: how well the user knows someone, from recency and frequency.

A tie is the sum of its interactions' weights, each decayed by age (half-life two
years), squashed to 0..1. Two-way contact (threads both wrote in, meetings,
recommendations) weighs far more than a bare connection or a follow.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from havewemet.models import INTERACTION_KINDS

#: Weight of one interaction of each kind (per message/mail for threads), from the
#: table of kinds; a kind it does not know weighs :data:`OTHER_WEIGHT`.
WEIGHTS: dict[str, float] = {k: v.tie_weight for k, v in INTERACTION_KINDS.items()}
OTHER_WEIGHT = 0.05
HALF_LIFE_DAYS = 730.0


#: The interaction columns :func:`tie_strength` reads.
TIE_FIELDS = ("kind", "at", "direction", "count")


@lru_cache(maxsize=65_536)
def _decay(day: str, today: date) -> float:
    """How much an interaction on ``day`` still weighs (half-life two years)."""
    return 0.5 ** (_age_days(day, today) / HALF_LIFE_DAYS)


def decay(day: str, today: date) -> float:
    """How much something dated ``day`` (``YYYY-MM-DD`` or empty) still weighs."""
    return _decay(day[:10], today)


def _age_days(at: str | None, today: date) -> float:
    if not at:
        return HALF_LIFE_DAYS * 2
    try:
        d = date.fromisoformat(at[:10])
    except ValueError:
        return HALF_LIFE_DAYS * 2
    return max(0.0, (today - d).days)


def tie_strength(interactions: list[dict], *, today: date | None = None) -> float:
    """0 (no tie) to 1 (close): recency- and frequency-weighted, two-way counted double."""
    today = today or date.today()
    directions: dict[str, set[str]] = {}
    total = 0.0
    for r in interactions:
        w = WEIGHTS.get(r["kind"], OTHER_WEIGHT) * min(r.get("count") or 1, 50)
        total += w * _decay((r.get("at") or "")[:10], today)
        directions.setdefault(r["kind"], set()).add(r.get("direction") or "none")
    if any(
        {"in", "out"} <= d or "both" in d for k, d in directions.items() if k in ("message", "mail")
    ):
        total *= 2
    return round(1 - math.exp(-total), 3)


def describe_tie(strength: float) -> str:
    if strength >= 0.6:
        return "close"
    if strength >= 0.3:
        return "regular contact"
    if strength >= 0.1:
        return "some contact"
    return "connection only"
