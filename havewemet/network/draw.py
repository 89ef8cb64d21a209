"""Pictures of the user's network: circles as coloured sectors around the user, each
named; the closest people nearest the centre; requesters on the rim beside their
mutual connections; one requester's mutuals and paths (you, a mutual, them)
highlighted. One layout (:func:`layout`), three outputs: SVG (:func:`to_svg`, also
inlined by the web page), PNG (:func:`to_png`, Pillow, no browser) and a
self-contained interactive HTML file (:func:`to_html`: the SVG and a small script
written here, no CDN, no data passed through ``innerHTML``).

Every name is escaped. Every node carries its name in a ``<title>`` (hover) and a
``data-name`` (the HTML file's search finds any of them), so a node whose label is
not printed is still reachable; labels are printed for the user, circle names,
requesters, highlighted people and each circle's closest members.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from havewemet.network.place import Network, Placement

__all__ = ["MapData", "layout", "to_html", "to_png", "to_svg", "write_map"]

WIDTH, HEIGHT = 1200, 1000
#: At most this many people are drawn (strongest ties first; all of a circle's
#: members before people in no circle).
MAX_NODES = 2000
#: Labels printed per circle (its closest members); the others show on hover.
LABELS_PER_CIRCLE = 4
PALETTE = (
    "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #bcbd22 #393b79 "
    "#637939 #843c39 #7b4173 #3182bd #e6550d #31a354 #756bb1 #636363 #969696 #bd9e39"
).split()
NO_CIRCLE = "#b0b0b0"
_GOLDEN = (math.sqrt(5) - 1) / 2


@dataclass(slots=True)
class Node:
    id: int
    name: str
    kind: str  # me, person, requester
    x: float
    y: float
    r: float
    colour: str
    circle: str = ""
    label: bool = False
    highlight: bool = False
    tie: float = 0.0
    ly: float = 0.0
    """The label's baseline (above the node, else below when that is taken)."""


@dataclass(slots=True)
class MapData:
    nodes: list[Node]
    edges: list[tuple[int, int, str]]
    """(from, to, kind): ``path`` (highlighted), ``mutual`` (requester to mutual)."""
    circles: list[tuple[str, str, float, float, int]]
    """(name, colour, label x, label y, members drawn)."""
    placement: Placement | None = None
    title: str = "Your circles"
    not_drawn: int = 0
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "nodes": [
                {
                    "name": n.name,
                    "kind": n.kind,
                    "x": n.x,
                    "y": n.y,
                    "circle": n.circle,
                    "label": n.label,
                    "highlight": n.highlight,
                }
                for n in self.nodes
            ],
            "circles": [{"name": c[0], "colour": c[1], "members": c[4]} for c in self.circles],
            "placement": self.placement.to_dict() if self.placement else None,
            "not_drawn": self.not_drawn,
        }


def layout(
    net: Network,
    *,
    request_id: str = "",
    mutuals: list[str] | None = None,
    max_nodes: int = MAX_NODES,
) -> MapData:
    """Where everything goes. ``request_id`` (or ``mutuals`` typed by hand) picks the
    requester to highlight with their mutual connections and paths."""
    ego = net.ego
    cx, cy = WIDTH / 2, HEIGHT / 2
    r_in, r_out = 60.0, min(WIDTH, HEIGHT) / 2 - 120
    strength = ego.strength
    groups: list[tuple[str, str, list[int]]] = []
    budget = max_nodes
    for i, c in enumerate(net.circles):
        take = c.members[: max(0, budget)]
        budget -= len(take)
        if take:
            groups.append((c.name, PALETTE[i % len(PALETTE)], take))
    circled = {m for c in net.circles for m in c.members}
    rest = sorted(
        (int(p) for p in ego.people() if int(p) not in circled),
        key=lambda n: (-strength[n], n),
    )
    shown_rest = rest[: max(0, budget)]
    not_drawn = (
        len(rest)
        - len(shown_rest)
        + sum(len(c.members) for c in net.circles)
        - sum(len(g[2]) for g in groups)
    )
    if shown_rest:
        groups.append(("in no circle", NO_CIRCLE, shown_rest))
    weight = [max(len(g[2]), 8) ** 0.75 for g in groups]
    if shown_rest and len(groups) > 1:  # the unplaced take no more room than a circle
        weight[-1] = min(weight[-1], max(weight[:-1]))
    total = sum(weight) or 1.0
    gap = 0.04 if len(groups) > 1 else 0.0
    span = 2 * math.pi - gap * len(groups)
    placement = None
    highlight: set[int] = set()
    requester = ego.requests.get(request_id) if request_id else None
    if request_id or mutuals is not None:
        names = list(mutuals or [])
        if requester is not None:
            names = [ego.names[int(m)] for m in ego.graph.neighbours(requester)]
        placement = net.place(names, request_id=request_id)
        highlight = set(ego.resolve(names))
    nodes: list[Node] = [Node(0, ego.names[0], "me", cx, cy, 14, "#111111", label=True)]
    circles_out = []
    angle_of: dict[int, float] = {}
    start = -math.pi / 2
    for (name, colour, members), share in zip(groups, weight, strict=True):
        width = span * share / total
        n = len(members)
        for i, m in enumerate(members):
            t = math.sqrt((i + 0.5) / n)
            radius = r_in + (r_out - r_in) * t
            a = start + width * (0.06 + 0.88 * ((i * _GOLDEN) % 1.0))
            angle_of[m] = a
            s = float(strength[m])
            nodes.append(
                Node(
                    m,
                    ego.names[m],
                    "person",
                    round(cx + radius * math.cos(a), 1),
                    round(cy + radius * math.sin(a), 1),
                    round(2.5 + 5 * s, 1),
                    colour,
                    circle=name if colour != NO_CIRCLE else "",
                    label=(i < LABELS_PER_CIRCLE and colour != NO_CIRCLE) or m in highlight,
                    highlight=m in highlight,
                    tie=s,
                )
            )
        mid = start + width / 2
        lx = cx + (r_out + 62) * math.cos(mid)
        ly = cy + (r_out + 62) * math.sin(mid) + 6
        circles_out.append((name, colour, round(lx, 1), round(ly, 1), n))
        start += width + gap
    edges: list[tuple[int, int, str]] = []
    drawn_requesters = [requester] if requester is not None else []
    drawn_requesters += [r for r in sorted(ego.requests.values()) if r != requester]
    for r in drawn_requesters[:60]:
        near = [int(m) for m in ego.graph.neighbours(r) if int(m) in angle_of]
        if not near:
            continue
        a = math.atan2(
            sum(math.sin(angle_of[m]) for m in near), sum(math.cos(angle_of[m]) for m in near)
        )
        radius = r_out + 24
        hl = r == requester
        nodes.append(
            Node(
                r,
                ego.names[r],
                "requester",
                round(cx + radius * math.cos(a), 1),
                round(cy + radius * math.sin(a), 1),
                7,
                "#000000",
                label=True,
                highlight=hl,
            )
        )
        for m in near:
            edges.append((r, m, "path" if hl else "mutual"))
    for m in sorted(highlight):
        if m in angle_of:
            edges.append((0, m, "path"))
    _declutter(nodes, circles_out)
    data = MapData(nodes, edges, circles_out, placement, not_drawn=not_drawn)
    data.positions = {n.id: (n.x, n.y) for n in nodes}
    if requester is not None:
        data.title = f"How {ego.names[requester]} reaches you"
    return data


def _font(n: Node) -> int:
    return 15 if n.kind in ("me", "requester") or n.highlight else 10


def _box(x: float, y: float, text: str, size: int) -> tuple[float, float, float, float]:
    """The box a centred label takes (an estimate: 0.55 em a character)."""
    w = 0.55 * size * len(text)
    return (x - w / 2, y - size, x + w / 2, y + 2)


def _declutter(nodes: list[Node], circles: list[tuple[str, str, float, float, int]]) -> None:
    """Labels that would print over another are not printed (they stay on hover and
    in the search): the user, highlighted people and requesters first, then circle
    members by closeness; a circle's name is never dropped."""
    placed = [_box(x, y, f"{name} ({n})", 17) for name, _c, x, y, n in circles]
    order = sorted(
        (n for n in nodes if n.label),
        key=lambda n: (n.kind != "me", not n.highlight, n.kind != "requester", -n.tie),
    )
    for n in order:
        size = _font(n)
        for ly in (n.y - n.r - 3, n.y + n.r + size + 1):
            box = _box(n.x, ly, n.name, size)
            if not any(
                box[0] < p[2] and p[0] < box[2] and box[1] < p[3] and p[1] < box[3] for p in placed
            ):
                break
        else:
            if n.kind == "person" and not n.highlight:
                n.label = False
                continue
            ly = n.y - n.r - 3
        n.ly = round(ly, 1)
        placed.append(_box(n.x, ly, n.name, size))


def _attr(text: str) -> str:
    return escape(text, quote=True)


def to_svg(data: MapData, *, standalone: bool = True) -> str:
    """The map as SVG markup (every name escaped)."""
    pos = data.positions
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="circles-map" role="img" aria-label="{_attr(data.title)}"'
        + (f' width="{WIDTH}" height="{HEIGHT}"' if standalone else "")
        + ">",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g class="cm-edges">',
    ]
    for a, b, kind in data.edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        style = (
            'stroke="#111111" stroke-width="2.2" stroke-opacity="0.9"'
            if kind == "path"
            else 'stroke="#777777" stroke-width="0.6" stroke-opacity="0.35"'
        )
        out.append(
            f'<line class="cm-edge-{kind}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {style}/>'
        )
    out.append('</g><g class="cm-nodes">')
    for n in data.nodes:
        title = n.name + (f" · {n.circle}" if n.circle else "")
        if n.kind == "person":
            title += f" · tie {n.tie:.2f}"
        attrs = f'data-name="{_attr(n.name)}" data-circle="{_attr(n.circle)}"'
        ring = 'stroke="#111111" stroke-width="2.5"' if n.highlight else 'stroke="none"'
        if n.kind == "requester":
            out.append(
                f'<rect class="node cm-requester" {attrs} x="{n.x - n.r}" y="{n.y - n.r}" '
                f'width="{2 * n.r}" height="{2 * n.r}" rx="2" fill="{n.colour}" {ring}>'
                f"<title>{escape(title)} (requester)</title></rect>"
            )
        else:
            out.append(
                f'<circle class="node cm-{n.kind}" {attrs} cx="{n.x}" cy="{n.y}" r="{n.r}" '
                f'fill="{n.colour}" {ring}><title>{escape(title)}</title></circle>'
            )
    out.append('</g><g class="cm-labels" font-family="sans-serif">')
    for n in data.nodes:
        if not n.label:
            continue
        size = _font(n)
        weight = ' font-weight="bold"' if n.kind != "person" or n.highlight else ""
        out.append(
            f'<text class="cm-label cm-label-{n.kind}" x="{n.x}" y="{n.ly}" text-anchor="middle" '
            f'font-size="{size}" fill="#111111" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke"{weight}>{escape(n.name)}</text>'
        )
    for name, colour, x, y, count in data.circles:
        out.append(
            f'<text class="circle-name" x="{x}" y="{y}" text-anchor="middle" font-weight="bold" '
            f'font-size="17" fill="{colour}" stroke="#ffffff" stroke-width="4" '
            f'paint-order="stroke">{escape(name)} ({count})</text>'
        )
    out.append("</g></svg>")
    return "\n".join(out)


def to_png(data: MapData, path: Path, *, scale: float = 2.0) -> None:
    """The map as a PNG (Pillow), ``scale`` times the SVG's size: readable at 2,000
    people."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (int(WIDTH * scale), int(HEIGHT * scale)), "white")
    d = ImageDraw.Draw(img)
    pos = {k: (x * scale, y * scale) for k, (x, y) in data.positions.items()}
    for a, b, kind in data.edges:
        width = int(2.2 * scale) if kind == "path" else 1
        d.line([pos[a], pos[b]], fill="#111111" if kind == "path" else "#d0d0d0", width=width)
    for n in data.nodes:
        x, y, r = n.x * scale, n.y * scale, n.r * scale
        outline = "#111111" if n.highlight else None
        if n.kind == "requester":
            d.rectangle([x - r, y - r, x + r, y + r], fill=n.colour, outline=outline, width=3)
        else:
            d.ellipse([x - r, y - r, x + r, y + r], fill=n.colour, outline=outline, width=3)
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if size not in fonts:
            fonts[size] = ImageFont.load_default(size=size)
        return fonts[size]

    for n in data.nodes:
        if n.label:
            size = int(_font(n) * scale)
            d.text(
                (n.x * scale, n.ly * scale),
                n.name,
                fill="#111111",
                font=font(size),
                anchor="ms",
                stroke_width=int(1.5 * scale),
                stroke_fill="white",
            )
    for name, colour, x, y, count in data.circles:
        d.text(
            (x * scale, y * scale),
            f"{name} ({count})",
            fill=colour,
            font=font(int(17 * scale)),
            anchor="ms",
            stroke_width=int(2 * scale),
            stroke_fill="white",
        )
    img.save(path, "PNG", optimize=False)


_SCRIPT = """
(function () {
  var q = document.getElementById('q');
  var info = document.getElementById('info');
  var nodes = Array.prototype.slice.call(document.querySelectorAll('.node'));
  function show(el) {
    var text = el.getAttribute('data-name');
    var circle = el.getAttribute('data-circle');
    info.textContent = circle ? text + ' (' + circle + ')' : text;
  }
  nodes.forEach(function (el) {
    el.addEventListener('click', function () { show(el); });
  });
  q.addEventListener('input', function () {
    var term = q.value.trim().toLowerCase();
    var hits = 0;
    nodes.forEach(function (el) {
      var name = (el.getAttribute('data-name') || '').toLowerCase();
      var on = term.length > 1 && name.indexOf(term) >= 0;
      el.classList.toggle('hit', on);
      if (on) { hits += 1; if (hits === 1) { show(el); } }
    });
    if (!hits) { info.textContent = term.length > 1 ? 'no one named so' : ''; }
  });
})();
"""


def to_html(data: MapData) -> str:
    """A self-contained page: the SVG, a search box that finds anyone drawn, and a
    click that names a node (textContent only). No external file, no CDN."""
    legend = json.dumps([c[0] for c in data.circles])  # kept for scripts reading the file
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.title)}</title>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        "<style>body{font-family:sans-serif;margin:1em}svg{max-width:100%;height:auto}"
        ".hit{stroke:#ff0066;stroke-width:4}#info{min-height:1.4em;font-weight:bold}"
        "</style></head><body>"
        f"<h1>{escape(data.title)}</h1>"
        + (f"<p>{escape(data.placement.text())}</p>" if data.placement else "")
        + '<p><label>Find someone: <input id="q" type="search" autocomplete="off"></label> '
        '<span id="info"></span></p>'
        + to_svg(data, standalone=False)
        + '<script type="application/json" id="circles">'
        + legend.replace("<", "\\u003c")
        + "</script><script>"
        + _SCRIPT
        + "</script></body></html>\n"
    )


def write_map(data: MapData, path: Path) -> None:
    """Write ``path`` as SVG, PNG or HTML by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        to_png(data, path)
    elif suffix == ".svg":
        path.write_text(to_svg(data), encoding="utf-8")
    elif suffix in (".html", ".htm"):
        path.write_text(to_html(data), encoding="utf-8")
    else:
        from havewemet.errors import InputError

        raise InputError(
            str(path), "unknown picture format", fix="Name the file .svg, .png or .html"
        )
