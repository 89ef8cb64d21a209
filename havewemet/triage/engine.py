"""Triage: for each pending request, a verdict, its evidence, risk signals and a
recommendation under the user's policy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from havewemet.identity.match import Match, Matcher, Query
from havewemet.network.ties import describe_tie, tie_strength
from havewemet.store import Store
from havewemet.triage.evidence import (
    CONNECTED,
    KNOWN_OF,
    LEVELS,
    STRANGER,
    Evidence,
    from_interactions,
    headline_company,
    shared_employer,
    verdict_of,
)
from havewemet.triage.policy import Policy, load_policy, recommend
from havewemet.triage.signals import Signal, read_signals, template_groups

#: Below this match probability the evidence is shown but cannot make a verdict
#: stronger than *known of*: a wrong merge would accept a stranger.
SURE_MATCH = 0.75
#: A requester is *connected through* a mutual with a tie of 0.3 or more, or mutuals
#: whose ties of 0.1 or more add up to this: forty connection-only mutuals do not.
MUTUAL_STRENGTH = 0.5


@dataclass(slots=True)
class Mutual:
    name: str
    resolved: str = ""
    strength: float = 0.0

    def line(self) -> str:
        if not self.resolved:
            return f"{self.name}: not found in your data"
        return f"{self.name}: {describe_tie(self.strength)} (tie {self.strength:.2f})"


@dataclass(slots=True)
class Triage:
    request: dict
    verdict: str
    evidence: list[Evidence]
    signals: list[Signal]
    action: str
    rule: str
    matches: list[dict] = field(default_factory=list)
    mutuals: list[Mutual] = field(default_factory=list)

    def to_dict(self) -> dict:
        r = self.request
        return {
            "id": r["id"], "name": r["name"], "profile_url": r.get("profile_url", ""),
            "headline": r.get("headline", ""), "note": r.get("note", ""),
            "sent_at": r.get("sent_at"), "verdict": self.verdict,
            "recommendation": self.action, "rule": self.rule,
            "evidence": [{"level": e.level, "kind": e.kind, "text": e.text, "source": e.source,
                          "at": e.at} for e in self.evidence],
            "signals": [{"name": s.name, "text": s.text, "severity": s.severity}
                        for s in self.signals],
            "matches": self.matches,
            "mutuals": [{"name": m.name, "resolved": m.resolved, "strength": m.strength}
                        for m in self.mutuals],
        }


class Triager:
    """Everything triage needs from the store, loaded once for a batch of requests."""

    def __init__(self, store: Store, *, policy: Policy | None = None, today: date | None = None):
        self.store = store
        self.policy = policy or load_policy()
        self.today = today or date.today()
        idents = list(store.identities())
        self.matcher = Matcher(idents)
        self.by_person: dict[str, list[str]] = defaultdict(list)
        for i in idents:
            if i.get("person_id"):
                self.by_person[i["person_id"]].append(i["id"])
        self.positions = store.positions()
        self.me = store.profile()
        self._decisions: dict[str, list[dict]] = defaultdict(list)
        for d in store.db.query("select * from decisions order by decided_at"):
            self._decisions[d["request_id"]].append(d)
            if d.get("slug"):
                self._decisions["slug:" + d["slug"]].append(d)
            self._decisions["name:" + d["name"].lower()].append(d)

    def _expand(self, ids: list[str]) -> list[str]:
        out = list(ids)
        for iid in ids:
            pid = self.matcher.identities[iid].get("person_id")
            out += [x for x in self.by_person.get(pid, []) if x not in out] if pid else []
        return out

    def _earlier(self, request: dict) -> list[dict]:
        seen: dict[int, dict] = {}
        for key in (request["id"], "slug:" + (request.get("slug") or "-"),
                    "name:" + request["name"].lower()):
            for d in self._decisions.get(key, []):
                seen[d["id"]] = d
        return sorted(seen.values(), key=lambda d: d["decided_at"])

    def _mutual(self, name: str) -> Mutual:
        found = self.matcher.match(Query(name=name), limit=3, threshold=0.8)
        if not found:
            return Mutual(name)
        ids = self._expand([m.identity_id for m in found[:1]])
        strength = tie_strength(self.store.interactions_for(ids), today=self.today)
        return Mutual(name, self.matcher.identities[found[0].identity_id]["name"], strength)

    def triage(self, request: dict, *, template_count: int = 0) -> Triage:
        matches = self.matcher.match(
            Query(name=request["name"], profile_url=request.get("profile_url", "")), limit=8
        )
        sure = [m for m in matches if not m.conflict and m.probability >= SURE_MATCH]
        unsure = [m for m in matches if not m.conflict and m.probability < SURE_MATCH]
        evidence = self._evidence(sure)
        weak = self._evidence(unsure)
        for e in weak:
            e.text = f"possibly: {e.text}"
            if LEVELS[e.level] > LEVELS[KNOWN_OF]:
                e.level = KNOWN_OF
        company = headline_company(request.get("headline", ""))
        companies = [company] + [self.matcher.identities[m.identity_id].get("company", "")
                                 for m in sure]
        evidence += weak + shared_employer([c for c in companies if c], self.positions)
        verdict = verdict_of(evidence)
        mutuals = [self._mutual(n) for n in request.get("mutuals", []) if n.strip()]
        total = sum(m.strength for m in mutuals)
        if mutuals:
            close = [m for m in mutuals if m.resolved]
            text = (f"{len(mutuals)} mutual connection{'s' * (len(mutuals) > 1)}, "
                    f"{len(close)} in your data, tie strength {total:.2f}")
            if close:
                best = max(close, key=lambda m: m.strength)
                text += f"; closest: {best.resolved} ({describe_tie(best.strength)})"
            strong = [m.strength for m in mutuals if m.strength >= 0.1]
            level = CONNECTED if (max(strong, default=0) >= 0.3 or sum(strong) >= MUTUAL_STRENGTH) \
                else STRANGER
            evidence.append(Evidence(level, "mutuals", text, "the invitation"))
            if verdict == STRANGER and level == CONNECTED:
                verdict = CONNECTED
        evidence.sort(key=lambda e: (-LEVELS[e.level], e.at or ""), reverse=False)
        signals = read_signals(request, template_count=template_count,
                               earlier=self._earlier(request),
                               extra_dirs=tuple(self.policy.signal_files))
        for m in matches:
            if m.conflict:
                ident = self.matcher.identities[m.identity_id]
                signals.append(Signal("namesake", f"has the name of {ident['name']} in your data, "
                                      f"{m.reasons[-1]}", 2))
                break
        emails = [e for m in sure for e in self.matcher.identities[m.identity_id]["emails"]]
        action, rule = recommend(verdict, signals, request, self.policy, emails=emails)
        return Triage(request, verdict, evidence, signals, action, rule,
                      [self._match_info(m) for m in sure + unsure], mutuals)

    def _match_info(self, m: Match) -> dict:
        ident = self.matcher.identities[m.identity_id]
        return {"identity_id": m.identity_id, "name": ident["name"], "source": ident["source"],
                "file": ident["file"], "probability": round(m.probability, 3),
                "reasons": m.reasons}

    def _evidence(self, matches: list[Match]) -> list[Evidence]:
        if not matches:
            return []
        ids = self._expand([m.identity_id for m in matches])
        out = from_interactions(self.store.interactions_for(ids))
        for e in out:
            if e.kind == "connected":
                e.level = KNOWN_OF  # a bare connection with a namesake is not proof
        reasons = [r for m in matches for r in m.reasons
                   if not r.startswith("same name")][:2]
        if reasons and out:
            out[0].text += f" [matched: {'; '.join(reasons)}]"
        return out


ORDER = {"accept": 0, "report": 1, "ignore": 2, "ask": 3}


def triage_inbox(store: Store, *, policy: Policy | None = None, today: date | None = None,
                 status: str = "pending") -> list[Triage]:
    """Triage every request with ``status``, clear cases first (accept, report,
    ignore), then the ones that need the user's thought (ask)."""
    t = Triager(store, policy=policy, today=today)
    requests = store.requests(status=status)
    templates = template_groups((r["id"], r.get("note") or "") for r in requests)
    out = [t.triage(r, template_count=templates.get(r["id"], 0)) for r in requests]
    out.sort(key=lambda x: (ORDER[x.action], -LEVELS[x.verdict], x.request["name"]))
    return out
