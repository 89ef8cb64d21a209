"""``/network``: the user's ego network drawn as inline SVG computed here (no script,
no CDN): the strongest ties around the user, and each pending requester placed
beside the mutual connections they share with the user (or beside the user when
there is evidence of direct contact); ``/network.json`` gives nodes and edges."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from havewemet.network.draw import layout, to_svg
from havewemet.network.place import Network
from havewemet.network.ties import describe_tie, tie_strength
from havewemet.store import Store
from havewemet.triage.engine import Triage
from havewemet.web.context import Context

#: The strongest ties drawn (mutuals of requesters are added even when weaker).
TOP_TIES = 40
#: How many tie names are written on the map (the others show on hover).
LABELLED_TIES = 12
#: At most this many requesters are drawn (those to "ask" about first, then the inbox's
#: order); the map of a thousand is a tangle, and laying it out took half a minute.
REQUESTERS_DRAWN = 60
#: Each requester is drawn beside at most this many of their strongest mutuals.
MUTUALS_DRAWN = 3
WIDTH, HEIGHT, MARGIN = 1000, 680, 70
DIRECT = ("known", "met", "known of")
#: How close a requester is drawn when their evidence names no one the map draws
#: (a shared employer, a follow of a handle with no name): by verdict, as a tie.
EVIDENCE_ONLY = {"known": 0.5, "met": 0.3, "known of": 0.1}


def _ties(store: Store, today) -> dict[str, dict]:
    """Every person the user has interacted with: name, identity ids, tie strength."""
    groups: dict[str, dict] = defaultdict(lambda: {"ids": set(), "rows": [], "name": ""})
    for r in store.interactions_by_person():
        g = groups[r["person_id"] or r["identity_id"]]
        g["ids"].add(r["identity_id"])
        g["rows"].append(r)
        g["name"] = g["name"] or r["name"]
    return {
        key: {"name": g["name"], "ids": g["ids"], "strength": tie_strength(g["rows"], today=today)}
        for key, g in groups.items()
        if g["name"]
    }


def ego_network(
    store: Store,
    results: list[Triage],
    *,
    today=None,
    top: int = TOP_TIES,
    drawn: int = REQUESTERS_DRAWN,
) -> dict:
    """Nodes (with x, y in a 1000x680 box) and edges of the map, plus the requesters
    that nothing links to the user (no evidence, no mutual connection) and those
    linked but past the first ``drawn`` (those recommended "ask" first, the people you
    have to place yourself, then in the order of ``results``). A requester
    with evidence is drawn linked to the user, with its strongest line, even when
    that evidence names no one on the map (a shared employer, a nameless handle)."""
    ties = _ties(store, today)
    # The strongest person of each name wins (sorted weakest first, later ones overwrite).
    by_name = {
        t["name"].lower(): key for key, t in sorted(ties.items(), key=lambda kv: kv[1]["strength"])
    }
    by_id = {iid: key for key, t in ties.items() for iid in t["ids"]}
    chosen = [
        k
        for k, t in sorted(ties.items(), key=lambda kv: (-kv[1]["strength"], kv[0]))
        if t["strength"] > 0
    ][:top]
    g = nx.Graph()
    g.add_node("me")
    edges: list[dict] = []
    requesters: dict[str, Triage] = {}
    unplaced = []
    links: list[tuple[str, str, str, float]] = []
    is_requester: set[str] = set()  # ties drawn as the requester they are instead
    not_drawn = []
    for t in sorted(results, key=lambda t: t.action != "ask"):  # stable: asks first
        rid = "req:" + t.request.id
        own = {by_id[m["identity_id"]] for m in t.matches if m["identity_id"] in by_id}
        mine: list[tuple[str, str, str, float]] = []
        self_key = None
        if t.verdict in DIRECT and own:
            self_key = max(own, key=lambda k: ties[k]["strength"])
            mine.append(("me", rid, "evidence", ties[self_key]["strength"]))
        elif t.verdict in DIRECT and t.evidence:
            mine.append(("me", rid, "evidence", EVIDENCE_ONLY[t.verdict]))
        resolved = sorted((m for m in t.mutuals if m.resolved), key=lambda m: -m.strength)
        for m in resolved[:MUTUALS_DRAWN]:
            key = by_name.get(m.resolved.lower()) if m.resolved else None
            if key:
                mine.append((rid, "tie:" + key, "mutual", m.strength))
        brief = {
            "id": t.request.id,
            "name": t.request.name,
            "verdict": t.verdict,
            "recommendation": t.action,
        }
        if not mine:
            unplaced.append(brief)
        elif len(requesters) >= drawn:  # a readable map
            not_drawn.append(brief)
        else:
            requesters[rid] = t
            links += mine
            if self_key:
                is_requester.add(self_key)
            for _, b, kind, _ in mine:
                if kind == "mutual" and b[4:] not in chosen:
                    chosen.append(b[4:])
    # A tie who is a requester is drawn once, as the requester, unless another
    # requester's mutual line leads to them.
    mutual_of_others = {b for _, b, kind, _ in links if kind == "mutual"}
    chosen = [k for k in chosen if k not in is_requester or "tie:" + k in mutual_of_others]
    for key in chosen:
        links.insert(0, ("me", "tie:" + key, "tie", ties[key]["strength"]))
    strength = {}
    for a, b, kind, s in links:
        g.add_edge(a, b)
        edges.append({"source": a, "target": b, "kind": kind, "strength": s})
        if kind in ("tie", "evidence"):
            strength[b] = s
    ring = sorted(strength, key=lambda n: (-strength[n], n))
    pos = _layout(g, ring, [r for r in requesters if r not in strength])
    mutual_ties = {b for _, b, kind, _ in links if kind == "mutual"}
    labelled = set(sorted(chosen, key=lambda k: -ties[k]["strength"])[:LABELLED_TIES]) | {
        k for k in chosen if "tie:" + k in mutual_ties
    }
    nodes: list[dict[str, Any]] = [  # the JSON twin's shape
        {
            "id": "me",
            "kind": "me",
            "label": store.profile()["name"] or "You",
            "strength": 1.0,
            "r": 16,
            "show_label": True,
        }
    ]
    for key in chosen:
        s = ties[key]["strength"]
        nodes.append(
            {
                "id": "tie:" + key,
                "kind": "tie",
                "label": ties[key]["name"],
                "strength": s,
                "tie": describe_tie(s),
                "r": round(4 + 9 * s, 1),
                "show_label": key in labelled,
            }
        )
    for rid, t in requesters.items():
        nodes.append(
            {
                "id": rid,
                "kind": "requester",
                "label": t.request.name,
                "request_id": t.request.id,
                "verdict": t.verdict,
                "recommendation": t.action,
                "evidence": t.evidence[0].text if t.evidence else "",
                "r": 8,
                "show_label": True,
            }
        )
    for n in nodes:
        n["x"], n["y"] = pos.get(n["id"], (WIDTH / 2, HEIGHT / 2))
        n.update(_label_at(n))
    _declutter(nodes)
    xy = {n["id"]: (n["x"], n["y"]) for n in nodes}
    for e in edges:
        (e["x1"], e["y1"]), (e["x2"], e["y2"]) = xy[e["source"]], xy[e["target"]]
    return {
        "nodes": nodes,
        "edges": edges,
        "unplaced": unplaced,
        "not_drawn": not_drawn,
        "width": WIDTH,
        "height": HEIGHT,
    }


def _layout(g: nx.Graph, ring: list[str], outer: list[str]) -> dict[str, tuple[float, float]]:
    """A radial map around the user. ``ring`` (linked to the user, strongest first)
    sits at a distance growing with rank; ``outer`` (requesters linked only through
    mutuals) on the rim beside their mutuals. The angles come from a seeded spring
    layout, so neighbours stay together, then are evened out so labels do not pile
    up. (Kamada-Kawai drew much the same in seconds; this takes a tenth of one.)"""
    if g.number_of_nodes() == 1:
        return {"me": (WIDTH / 2, HEIGHT / 2)}
    raw = nx.spring_layout(g, seed=7, iterations=60)
    cx, cy = raw["me"]
    angle = {n: math.atan2(y - cy, x - cx) for n, (x, y) in raw.items() if n != "me"}
    radius = {n: 0.3 + 0.6 * i / max(1, len(ring) - 1) for i, n in enumerate(ring)}
    order = sorted(ring, key=lambda n: angle[n])
    for i, n in enumerate(order):
        angle[n] = angle[order[0]] + 2 * math.pi * i / len(order)
    for n in outer:
        near = [angle[m] for m in g[n] if m in radius]
        if near:
            angle[n] = math.atan2(sum(map(math.sin, near)), sum(map(math.cos, near)))
        radius[n] = 1.0
    _spread(list(outer), angle)
    rx, ry = WIDTH / 2 - MARGIN * 1.8, HEIGHT / 2 - MARGIN * 0.5
    out = {"me": (WIDTH / 2, HEIGHT / 2)}
    for n, r in radius.items():
        out[n] = (
            round(WIDTH / 2 + rx * r * math.cos(angle[n]), 1),
            round(HEIGHT / 2 + ry * r * math.sin(angle[n]), 1),
        )
    return out


def _spread(names: list[str], angle: dict[str, float]) -> None:
    """Push nodes on the rim apart so that their labels do not overlap."""
    if len(names) < 2:
        return
    gap = min(0.35, 2 * math.pi / len(names))
    names.sort(key=lambda n: angle[n])
    for prev, n in zip(names, names[1:], strict=False):
        angle[n] = max(angle[n], angle[prev] + gap)


def _label_at(n: dict) -> dict:
    """Where a node's name goes: outward from the centre, so names fan out."""
    dx, dy = n["x"] - WIDTH / 2, n["y"] - HEIGHT / 2
    size = math.hypot(dx, dy) or 1.0
    pad = n["r"] + 5
    if n["kind"] == "me" or abs(dx) / size < 0.35:
        below = dy >= 0
        return {
            "lx": n["x"],
            "ly": round(n["y"] + (pad + 10 if below else -pad), 1),
            "anchor": "middle",
        }
    return {
        "lx": round(n["x"] + (pad if dx > 0 else -pad), 1),
        "ly": round(n["y"] + 4, 1),
        "anchor": "start" if dx > 0 else "end",
    }


#: A label's estimated size in px (the fonts in style.css): mean glyph width by kind,
#: and the line height.
GLYPH = {"me": 8.0, "requester": 7.2, "tie": 6.4}
LINE = 14
_PRIORITY = {"me": 0, "requester": 1, "tie": 2}


def label_box(n: dict) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) a shown label takes, from its text, anchor and baseline."""
    w = GLYPH[n["kind"]] * len(n["label"])
    x0 = n["lx"] - {"start": 0.0, "middle": w / 2, "end": w}[n["anchor"]]
    return (x0, n["ly"] - LINE + 3, x0 + w, n["ly"] + 3)


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _declutter(nodes: list[dict]) -> None:
    """Names that would print over one another or over a requester's square: placed
    you first, then requesters, then ties (strongest first); each moves up or down a
    line or two to a free place; a tie's that finds none is left to its hover, a
    requester's stays where it was."""
    placed: list[tuple] = [
        (n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"])
        for n in nodes
        if n["kind"] != "tie"
    ]
    for n in sorted(nodes, key=lambda n: (_PRIORITY[n["kind"]], -n.get("strength", 0))):
        if not n["show_label"]:
            continue
        base = n["ly"]
        for dy in (0, -LINE, LINE, -2 * LINE, 2 * LINE):
            n["ly"] = round(base + dy, 1)
            box = label_box(n)
            if not any(_overlap(box, p) for p in placed):
                placed.append(box)
                break
        else:
            n["ly"] = base
            if n["kind"] == "tie":
                n["show_label"] = False
            else:
                placed.append(label_box(n))


def circles(ctx: Context) -> dict:
    """The circles map (:mod:`havewemet.network.draw`), one requester highlighted with
    ``?request=ID``: its SVG for the page, its nodes for the JSON twin."""
    ref = ctx.request.query_params.get("request", "")
    request_id = ctx.store.get_request(ref).id if ref else ""
    data = layout(Network.from_store(ctx.store, today=ctx.settings.today), request_id=request_id)
    return {"circles_map": data.to_dict(), "circles_svg": to_svg(data, standalone=False)}


def page(ctx: Context) -> dict:
    """The circles map, then the strongest ties with requesters beside their mutuals;
    ``/network.json`` has the same nodes and edges."""
    net = ego_network(ctx.store, ctx.triaged(), today=ctx.settings.today)
    kinds = {"tie": 0, "requester": 0}
    for n in net["nodes"]:
        kinds[n["kind"]] = kinds.get(n["kind"], 0) + 1
    return {
        "title": "Network",
        "ties": kinds["tie"],
        "requesters": kinds["requester"],
        **circles(ctx),
        **net,
    }
