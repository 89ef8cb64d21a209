"""A requester placed in the user's network: the circles their mutual connections sit
in, the strongest two-step paths (you, a mutual, them), and how expected the
connection is (havewemet's link-prediction score, :mod:`havewemet.network.links`,
as a percentile of the user's second degree).

:class:`Network` holds what one store gives (the ego graph, its circles, the
scores from the user), built once for a batch; :meth:`Network.place` is then a few
array lookups per requester.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from havewemet.network.circles import Circle, find_circles
from havewemet.network.ego import MUTUAL_WEIGHT, EgoGraph, build_ego_graph
from havewemet.network.links import EgoScores

__all__ = ["Network", "Placement"]

#: Below this many people in the second degree a percentile says little: not given.
PERCENTILE_FROM = 10
#: Paths (through whom) named in the one-line explanation.
PATHS_NAMED = 2


@dataclass(slots=True)
class Placement:
    """Where a requester sits. ``circles``: (circle name, mutuals in it, strongest
    first), the circle with most mutuals first; ``paths``: the mutuals of the strongest
    two-step paths, strongest first, with the path's strength (the user's tie with the
    mutual); ``percentile``: the share of the second degree less expected (None when
    the second degree is too small to say)."""

    mutuals: int
    found: int
    circles: list[tuple[str, list[str]]] = field(default_factory=list)
    paths: list[tuple[str, float]] = field(default_factory=list)
    score: float = 0.0
    percentile: float | None = None
    second_degree: int = 0

    def text(self) -> str:
        """One line: "sits in your LibCon 2025 circle through Amira Haddad and Tom
        Brennan; more expected than 95% of your second degree"."""
        if not self.found:
            return "none of the mutual connections is in your network"
        via = " and ".join(n for n, _ in self.paths[:PATHS_NAMED])
        if self.circles:
            name, inside = self.circles[0]
            line = f"sits in your {name} circle through {' and '.join(inside[:PATHS_NAMED])}"
            if len(self.circles) > 1:
                others = ", ".join(c for c, _ in self.circles[1:3])
                line += f" (also {others})"
        else:
            line = f"reaches you through {via}, in no circle of yours"
        if self.percentile is not None:
            line += (
                f"; more expected than {self.percentile:.0%} of your second degree"
                f" ({self.second_degree} people)"
            )
        return line

    def to_dict(self) -> dict:
        return {
            "text": self.text(),
            "circles": [{"name": n, "mutuals": m} for n, m in self.circles],
            "paths": [{"through": n, "tie": round(s, 3)} for n, s in self.paths],
            "score": round(self.score, 4),
            "percentile": None if self.percentile is None else round(self.percentile, 3),
            "second_degree": self.second_degree,
            "mutuals_found": self.found,
        }


class Network:
    """The user's network as one store holds it, with circles and scores."""

    def __init__(self, ego: EgoGraph):
        self.ego = ego
        self.circles: list[Circle] = find_circles(ego)
        self.circle_of: dict[int, Circle] = {m: c for c in self.circles for m in c.members}
        self.scores = EgoScores(ego.graph, 0)

    @classmethod
    def from_store(cls, store: Any, *, today: date | None = None) -> Network:
        me = store.profile().get("name") or "You"
        return cls(build_ego_graph(store, today=today, me=me))

    def place(self, mutual_names: list[str], *, request_id: str = "") -> Placement:
        """Place a requester from the mutual connections they name (the request's node
        is used when the store holds the request, so that it is scored as the second
        degree it is compared with was)."""
        ego = self.ego
        nodes = ego.resolve(mutual_names)
        out = Placement(len(mutual_names), len(nodes))
        if not nodes:
            return out
        strength = ego.strength
        ordered = sorted(nodes, key=lambda n: (-strength[n], ego.names[n]))
        out.paths = [(ego.names[n], float(strength[n])) for n in ordered]
        by_circle: dict[int, list[int]] = {}
        for n in ordered:
            c = self.circle_of.get(n)
            if c is not None:
                by_circle.setdefault(c.id, []).append(n)
        ranked = sorted(
            by_circle.items(), key=lambda kv: (-len(kv[1]), -sum(strength[n] for n in kv[1]))
        )
        out.circles = [
            (self.circles[cid].name, [ego.names[n] for n in members]) for cid, members in ranked
        ]
        node = ego.requests.get(request_id)
        if node is not None:
            out.score = float(self.scores.score([node])[0])
        else:
            out.score = self.scores.score_new(nodes, [MUTUAL_WEIGHT] * len(nodes))
        second = len(self.scores.second)
        out.second_degree = second
        if second >= PERCENTILE_FROM:
            out.percentile = self.scores.percentile(out.score)
        return out

    def circle_names(self) -> list[str]:
        return [c.name for c in self.circles]
