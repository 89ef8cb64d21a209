"""Evidence: turning a requester's matched identities into dated, sourced lines.

Each line has a *level*, the verdict it supports on its own (issue 5):

=================  ==========================================================
known              direct, dated, two-way contact: a thread both wrote in,
                   two or more meetings, a recommendation; or two independent
                   kinds of *met* evidence that agree
met                one shared context: a meeting, an event, an address-book
                   entry, an endorsement, a thread you started, friends on a
                   social network
known of           one-way: they wrote or follow, you follow them, the same
                   list, the same employer, a bare LinkedIn connection (those
                   are often accepted blindly), an invitation you sent
connected through  no evidence of your own, but mutual connections you know
                   well (decided in :mod:`havewemet.triage.engine`)
stranger           nothing of the above
=================  ==========================================================

Every line names its source: the file and, for one-row evidence, the line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from havewemet.models import INTERACTION_KINDS, InteractionKind

KNOWN, MET, KNOWN_OF, CONNECTED, STRANGER = (
    "known",
    "met",
    "known of",
    "connected through",
    "stranger",
)
LEVELS = {KNOWN: 4, MET: 3, KNOWN_OF: 2, CONNECTED: 1, STRANGER: 0}


@dataclass(slots=True)
class Evidence:
    level: str
    kind: str
    text: str
    source: str
    """The file (and line) the evidence comes from."""
    at: str | None = None
    detail: str = ""
    """What was shared (the event, meeting, employer, skill), for replies and openings."""

    def line(self) -> str:
        return f"{self.text} ({self.source})"

    def to_dict(self) -> dict:
        """The evidence as ``--json`` and the web page give it."""
        return {
            "level": self.level,
            "kind": self.kind,
            "text": self.text,
            "source": self.source,
            "at": self.at,
        }


def _src(row: dict, *, line: bool = True) -> str:
    name = PurePosixPath(str(row.get("file") or "").split(":")[-1]).name or row.get("source", "")
    if line and row.get("line"):
        return f"{name}, line {row['line']}"
    return name


def _day(at: str | None) -> str:
    return (at or "")[:10]


_NETWORK = {
    "mastodon": "Mastodon",
    "x": "X",
    "bsky": "Bluesky",
    "linkedin": "LinkedIn",
    "facebook": "Facebook",
}


def _network(row: dict) -> str:
    src = str(row.get("source", "")).split(":")[0].split("-")[0]
    return _NETWORK.get(src, row.get("detail") or src)


def from_interactions(rows: list[dict]) -> list[Evidence]:
    """Evidence lines from a requester's interactions (all matched identities), as
    the table of kinds (:data:`havewemet.models.INTERACTION_KINDS`) says: a line per
    interaction, then a line per thread, per identity and network followed, per
    calendar met in."""
    out: list[Evidence] = []
    threads: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    meetings: dict[str, list[dict]] = defaultdict(list)
    follows: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        how = INTERACTION_KINDS.get(r["kind"])
        if how is None:
            continue
        if how.evidence == "row":
            ev = _row_evidence(r, how)
            if ev is not None:
                out.append(ev)
        elif how.evidence == "thread":
            threads[(r["kind"], _src(r, line=False))][r["direction"]].append(r)
        elif how.evidence == "meeting":
            meetings[_src(r, line=False)].append(r)
        else:
            follows[(r.get("identity_id") or "", _network(r))].append(r)
    for (kind, src), by_dir in threads.items():
        out.append(_thread(kind, src, by_dir))
    for (_identity, net), fs in follows.items():
        out.append(_follow(net, fs))
    for src, ms in meetings.items():
        ms.sort(key=lambda r: r["at"] or "")
        last = ms[-1]
        text = f"met at {last['detail'] or 'a meeting'} on {_day(last['at'])}"
        if len(ms) > 1:
            text += f" and {len(ms) - 1} other meeting{'s' if len(ms) > 2 else ''}"
        out.append(
            Evidence(
                KNOWN if len(ms) > 1 else MET,
                "meeting",
                text,
                src,
                last["at"],
                last["detail"] or "",
            )
        )
    return out


def _row_evidence(r: dict, kind: InteractionKind) -> Evidence | None:
    """The line of one interaction: the first of its kind's lines for its direction."""
    d = r["direction"]
    line = next(((lv, tx) for di, lv, tx in kind.lines if di in ("*", d)), None)
    if line is None:
        return None
    level, text = line
    detail, at = r["detail"], r["at"]
    day = _day(at)
    text = text.format(
        day=day,
        on_day=f" on {day}" if at else "",
        since_day=f" since {day}" if at else "",
        detail=detail,
        for_detail=f" for {detail}" if detail else "",
        at_detail=f" at {detail}" if detail else "",
        network=_network(r) if "{network}" in text else "",
    )
    return Evidence(
        level, r["kind"], text, _src(r), at, (detail or "") if kind.shares_detail else ""
    )


def _follow(net: str, rows: list[dict]) -> Evidence:
    """One line per identity and network: following.js and follower.js may come in
    separate imports, as an ``out`` and an ``in`` row, which together are mutual."""
    dirs = {r["direction"] for r in rows}
    if "both" in dirs or {"in", "out"} <= dirs:
        text = f"you follow each other on {net}"
    elif dirs == {"out"}:
        text = f"you follow them on {net}"
    elif dirs == {"in"}:
        text = f"they follow you on {net}"
    else:
        text = f"follow on {net}"
    srcs = list(dict.fromkeys(_src(r) for r in sorted(rows, key=lambda r: r["direction"] != "out")))
    last = max((r["at"] for r in rows if r["at"]), default=None)
    return Evidence(KNOWN_OF, "follow", text, "; ".join(srcs), last)


def _thread(kind: str, src: str, by_dir: dict[str, list[dict]]) -> Evidence:
    n_in = sum(r["count"] or 1 for r in by_dir.get("in", []))
    n_out = sum(r["count"] or 1 for r in by_dir.get("out", []))
    last = max((r["at"] or "" for rs in by_dir.values() for r in rs), default="")
    noun = "messaged" if kind == "message" else "e-mailed"
    if n_in and n_out:
        return Evidence(
            KNOWN,
            kind,
            f"you {noun} each other {n_in + n_out} times ({n_out} from you), last {_day(last)}",
            src,
            last,
        )
    if n_out:
        return Evidence(
            MET,
            kind,
            f"you {noun} them {n_out} time{'s' * (n_out > 1)}, last {_day(last)}, no reply",
            src,
            last,
        )
    return Evidence(
        KNOWN_OF,
        kind,
        f"they {noun} you {n_in} time{'s' * (n_in > 1)}, last {_day(last)}, you never replied",
        src,
        last,
    )


# " at " or " @ " names the employer; " | " separates topics ("Open to work | Archives").
_AT = re.compile(r"\s(?:at|@)\s+(.+)$", re.I)


def headline_company(headline: str) -> str:
    """The employer named in a headline such as ``Paralegal at Harrow & Pike LLP``."""
    m = _AT.search(headline or "")
    return m.group(1).split("|")[0].strip(" .,") if m else ""


def _norm_org(s: str) -> str:
    s = re.sub(r"\b(ltd|llp|plc|inc|gmbh|llc|limited|the|co)\b\.?", " ", s.lower())
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def shared_employer(companies: list[str], positions: list[dict]) -> list[Evidence]:
    """Evidence that the requester works (or worked) where the user did."""
    out = []
    seen = set()
    for company in companies:
        norm = _norm_org(company)
        if not norm or norm in seen:
            continue
        for p in positions:
            if _norm_org(p["company"]) == norm:
                seen.add(norm)
                span = f"{p['start'][:7]} to {p['end'][:7] or 'now'}"
                when = "you work there too" if not p["end"] else f"where you worked {span}"
                out.append(
                    Evidence(
                        KNOWN_OF,
                        "colleague",
                        f"works or worked at {p['company']}, {when}",
                        _src(p),
                        p["start"],
                        p["company"],
                    )
                )
                break
    return out


def strongest_first(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence sorted by level, then the most recent first."""
    by_date = sorted(evidence, key=lambda e: e.at or "", reverse=True)
    return sorted(by_date, key=lambda e: -LEVELS[e.level])


def verdict_of(evidence: list[Evidence]) -> str:
    """The verdict the evidence supports: its strongest line, or *known* when two
    independent kinds of *met* evidence agree."""
    if not evidence:
        return STRANGER
    best = max(evidence, key=lambda e: LEVELS[e.level]).level
    met_kinds = {e.kind for e in evidence if e.level == MET}
    if best == MET and len(met_kinds) >= 2:
        return KNOWN
    return best
