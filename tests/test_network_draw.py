"""The circles map: ``havewemet graph --out`` as SVG, PNG and self-contained HTML on
a store built here; names escaped; nothing loaded from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.models import Identity as Ident
from havewemet.models import ImportBatch, Interaction, Request
from havewemet.store import Store

HOSTILE = "<script>alert(1)</script> Eve"


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    store = Store.open(path)
    people = [
        Ident("linkedin", f"e{i}", name=f"Eve{i} Archer", company="Eastvale") for i in range(5)
    ]
    people += [Ident("linkedin", f"l{i}", name=f"Lou{i} Conway") for i in range(4)]
    people.append(Ident("linkedin", "h", name=HOSTILE, company="Eastvale"))
    inter = [
        Interaction("linkedin", p.key, "message", "2026-05-01", "both", f"t{p.key}") for p in people
    ]
    inter += [
        Interaction("linkedin", f"l{i}", "event", "2025-06-12", "both", "LibCon 2025")
        for i in range(4)
    ]
    req = Request("Hannah Osei", mutuals=["Eve0 Archer", "Eve1 Archer"], sent_at="2026-11-01")
    store.save(ImportBatch("linkedin", "linkedin", "x", people, inter, [req]))
    store.close()
    return path


def _graph(db: Path, out: Path, *extra: str):
    return CliRunner().invoke(app, ["--db", str(db), "graph", "--out", str(out), *extra])


def test_svg_names_circles_and_highlights_the_requester(tmp_path: Path) -> None:
    db = _db(tmp_path)
    r = _graph(db, tmp_path / "map.svg", "--request", "Hannah Osei")
    assert r.exit_code == 0, r.output
    assert "sits in your Eastvale circle through Eve0 Archer and Eve1 Archer" in r.output
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    names = re.findall(r'class="circle-name"[^>]*>([^<]*)<', svg)
    assert names == ["Eastvale (6)", "LibCon 2025 (4)"]
    assert ">Hannah Osei</text>" in svg
    assert svg.count('class="cm-edge-path"') == 4  # you to each mutual, each mutual to her
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; Eve" in svg


def test_html_is_self_contained_and_png_is_drawn(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert _graph(db, tmp_path / "map.html").exit_code == 0
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="', html)  # no file or CDN loaded
    assert "innerHTML" not in html and "<script>alert" not in html
    assert html.count('data-name="') == 12  # everyone drawn is findable: you, 10, Hannah
    r = _graph(db, tmp_path / "map.png", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["circles"][0]["name"] == "Eastvale"
    with Image.open(tmp_path / "map.png") as img:
        assert img.size == (2400, 2000)
        assert len(img.getcolors(1_000_000) or []) > 10  # not a blank page
    bad = _graph(db, tmp_path / "map.gif")
    assert bad.exit_code == 1 and "Name the file .svg, .png or .html" in bad.output
