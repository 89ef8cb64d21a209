"""Evaluating the triage on labelled cases: accuracy and confusion matrices.

A cases file is JSON Lines, one request per line::

    {"name": "Grace Liang", "profile_url": "https://www.linkedin.com/in/grace-liang-archives",
     "note": "", "headline": "", "mutuals": [], "data": "demo",
     "expected_verdict": "met", "expected_recommendation": "accept",
     "preset": "gatekeeper", "today": "2026-11-20"}

``data`` is the user's data folder (or one file), relative to the cases file:
every file or folder in it is imported into a fresh in-memory store. Cases that
share a data folder, preset and day are triaged together as one inbox, with the
pending requests the data itself holds, so template notes are found across them
as in real use. ``preset`` defaults to gatekeeper, ``today`` to the real date.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from havewemet.errors import InputError, UnsupportedFormatError
from havewemet.identity.match import Matcher
from havewemet.models import Request
from havewemet.store import Store
from havewemet.triage.engine import Triager
from havewemet.triage.evidence import LEVELS
from havewemet.triage.policy import ACTIONS, PRESETS, load_policy

log = logging.getLogger(__name__)

REQUIRED = ("name", "data", "expected_verdict", "expected_recommendation")


@dataclass(slots=True)
class CaseResult:
    line: int
    name: str
    preset: str
    expected_verdict: str
    verdict: str
    expected_recommendation: str
    recommendation: str
    rule: str

    @property
    def ok(self) -> bool:
        return (
            self.verdict == self.expected_verdict
            and self.recommendation == self.expected_recommendation
        )


@dataclass(slots=True)
class EvalReport:
    results: list[CaseResult] = field(default_factory=list)

    def accuracy(self, what: str = "both") -> float:
        if not self.results:
            return 0.0
        if what == "verdict":
            good = sum(r.verdict == r.expected_verdict for r in self.results)
        elif what == "recommendation":
            good = sum(r.recommendation == r.expected_recommendation for r in self.results)
        else:
            good = sum(r.ok for r in self.results)
        return good / len(self.results)

    def confusion(self, what: str = "verdict") -> dict[str, dict[str, int]]:
        """``matrix[expected][predicted] = count`` over every label."""
        labels = list(LEVELS) if what == "verdict" else list(ACTIONS)
        pairs = Counter((getattr(r, f"expected_{what}"), getattr(r, what)) for r in self.results)
        return {e: {p: pairs.get((e, p), 0) for p in labels} for e in labels}

    def to_dict(self) -> dict:
        return {
            "cases": len(self.results),
            "accuracy": round(self.accuracy(), 4),
            "verdict_accuracy": round(self.accuracy("verdict"), 4),
            "recommendation_accuracy": round(self.accuracy("recommendation"), 4),
            "confusion_verdict": self.confusion("verdict"),
            "confusion_recommendation": self.confusion("recommendation"),
            "errors": [
                {
                    "line": r.line,
                    "name": r.name,
                    "preset": r.preset,
                    "expected": [r.expected_verdict, r.expected_recommendation],
                    "got": [r.verdict, r.recommendation],
                    "rule": r.rule,
                }
                for r in self.results
                if not r.ok
            ],
        }


def read_cases(path: str | Path) -> list[tuple[int, dict]]:
    """(line, case) pairs; a bad line raises InputError naming it."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as e:
        raise InputError(str(p), "no such file") from e
    except UnicodeDecodeError as e:
        raise InputError(str(p), "not UTF-8 text") from e
    out = []
    for n, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            case = json.loads(raw)
        except json.JSONDecodeError as e:
            raise InputError(str(p), f"not valid JSON ({e.msg})", line=n) from e
        if not isinstance(case, dict):
            raise InputError(str(p), "each line must be a JSON object", line=n)
        missing = [k for k in REQUIRED if not case.get(k)]
        if missing:
            raise InputError(
                str(p),
                f"missing {', '.join(missing)}",
                line=n,
                fix=f"Each case needs {', '.join(REQUIRED)}",
            )
        if case["expected_verdict"] not in LEVELS:
            raise InputError(
                str(p),
                f"expected_verdict {case['expected_verdict']!r} is not one of {', '.join(LEVELS)}",
                line=n,
            )
        if case["expected_recommendation"] not in ACTIONS:
            raise InputError(
                str(p),
                f"expected_recommendation "
                f"{case['expected_recommendation']!r} is not one of "
                f"{', '.join(ACTIONS)}",
                line=n,
            )
        if case.get("preset", "gatekeeper") not in PRESETS:
            raise InputError(str(p), f"unknown preset {case['preset']!r}", line=n)
        out.append((n, case))
    return out


MANIFEST = "havewemet-import.json"


def _load_data(store: Store, data: Path) -> None:
    """Import a data folder: as its manifest says (``havewemet-import.json``: a list
    of ``{"path", "format", "options"}``), else every file or folder in it."""
    from havewemet.importers import ImportOptions, read_source

    if not data.exists():
        raise InputError(str(data), "the data folder named by a case does not exist")
    manifest = data / MANIFEST
    if manifest.is_file():
        try:
            items = json.loads(manifest.read_text(encoding="utf-8"))
            for item in items:
                opts = ImportOptions(**item.get("options", {}))
                store.save(
                    read_source(data / item["path"], format=item.get("format"), options=opts)
                )
        except (json.JSONDecodeError, TypeError, KeyError, AttributeError) as e:
            raise InputError(
                str(manifest),
                f"not a list of {{path, format, options}} ({e})",
                fix="See havewemet.evaluate.triage for the shape",
            ) from e
        return
    if data.is_file() or any(f.name.lower() == "connections.csv" for f in data.iterdir()):
        store.save(read_source(data))  # one source (or an unzipped LinkedIn export)
        return
    for entry in sorted(data.iterdir()):
        try:
            store.save(read_source(entry))
        except UnsupportedFormatError:
            log.info("%s: not a known source, skipped", entry)


def evaluate(path: str | Path) -> EvalReport:
    """Triage every case in a cases file and compare with what was expected."""
    p = Path(path)
    cases = read_cases(p)
    groups: dict[tuple[str, str, str], list[tuple[int, dict]]] = {}
    for n, c in cases:
        key = (c["data"], c.get("preset", "gatekeeper"), c.get("today", ""))
        groups.setdefault(key, []).append((n, c))
    report = EvalReport()
    bases: dict[str, tuple[Store, Matcher]] = {}
    for (data, preset, today), items in groups.items():
        if data not in bases:  # import and index each data folder once, copy it per group
            base = Store.open(":memory:")
            _load_data(base, (p.parent / data).resolve())
            bases[data] = (base, Matcher(base.identities()))
        store = _copy(bases[data][0])
        ids = {}
        for n, c in items:
            ids[n] = store.add_request(
                Request(
                    name=c["name"],
                    profile_url=c.get("profile_url", ""),
                    headline=c.get("headline", ""),
                    note=c.get("note", ""),
                    mutuals=list(c.get("mutuals", [])),
                    source="cases",
                )
            )
        day = date.fromisoformat(today) if today else None
        t = Triager(
            store, policy=load_policy(preset_name=preset), today=day, matcher=bases[data][1]
        )
        wanted = set(ids.values())
        pending = store.requests(status="pending")
        pending += [
            r for r in store.requests(status=None) if r.id in wanted and r.status != "pending"
        ]
        by_id = {r.request.id: r for r in t.triage_all(pending)}
        for n, c in items:
            r = by_id[ids[n]]
            report.results.append(
                CaseResult(
                    n,
                    c["name"],
                    preset,
                    c["expected_verdict"],
                    r.verdict,
                    c["expected_recommendation"],
                    r.action,
                    r.rule,
                )
            )
        store.close()
    for base, _ in bases.values():
        base.close()
    report.results.sort(key=lambda r: r.line)
    return report


def _copy(store: Store) -> Store:
    return store.copy()


def demo_cases(data: str = "demo") -> list[dict]:
    """The demo's planted cases under both presets, as a cases file holds them."""
    import tempfile

    from havewemet.demo import write_demo
    from havewemet.demo.persona import PLANTED, TODAY

    with tempfile.TemporaryDirectory() as tmp:
        _, pages = write_demo(Path(tmp))
    page = {pg["name"]: pg for pg in pages}
    out = []
    for preset in PRESETS:
        for c in PLANTED:
            out.append(
                {
                    "name": c.name,
                    "profile_url": c.url,
                    "note": c.note,
                    "headline": c.headline,
                    "mutuals": page.get(c.name, {}).get("mutuals", list(c.mutuals)),
                    "data": data,
                    "expected_verdict": c.verdict,
                    "expected_recommendation": getattr(c, preset),
                    "preset": preset,
                    "today": TODAY.date().isoformat(),
                    "why": c.why,
                }
            )
    return out


def evaluate_demo(folder: Path) -> EvalReport:
    """Write the demo's data (with its import manifest) and the shipped cases file in
    ``folder`` and score them."""
    from dataclasses import asdict
    from importlib import resources

    from havewemet.demo import write_demo

    data = folder / "demo"
    sources, _ = write_demo(data)
    manifest = [
        {"path": str(path.relative_to(data)), "options": asdict(opts)} for path, opts in sources
    ]
    (data / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    cases = folder / "cases.jsonl"
    cases.write_text(
        resources.files("havewemet.demo").joinpath("cases.jsonl").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return evaluate(cases)


__all__ = ["CaseResult", "EvalReport", "demo_cases", "evaluate", "evaluate_demo", "read_cases"]
