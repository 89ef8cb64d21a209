"""Triage: for each pending request, a verdict, its evidence, risk signals and a
recommendation under the user's policy.

The :class:`Triager` loads the user's identities, positions and decisions once;
:meth:`Triager.triage` then takes one request (a dict as :meth:`Store.requests`
gives) to a :class:`Triage`. Mutual connections are weighed by the user's tie
strength with each (:mod:`havewemet.network.ties`), not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from havewemet.identity.handles import handle_fit, profile_slug
from havewemet.identity.match import Match, Matcher, Query, query_rec
from havewemet.identity.names import ParsedName, given_level, parse_name, surname_level
from havewemet.identity.prepared import load_matcher
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
    strongest_first,
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
CLOSE_MUTUAL = 0.3
SOME_CONTACT = 0.1


@lru_cache(maxsize=4096)
def _only_member_ids(slugs: frozenset[str]) -> bool:
    """Whether every profile address is a LinkedIn member id (cached: a frozenset
    keeps its hash, and the same sets come back across a batch)."""
    return all(_is_opaque(s) for s in slugs)


def _is_opaque(slug: str) -> bool:
    """LinkedIn member ids (``ACoAAB...``) stand for a profile but are not its address."""
    return slug.startswith("acoa")


def same_name(a: str, b: str) -> bool:
    """Whether two display names are the same name (a form of the given name allowed)."""
    return same_parsed_name(parse_name(a), parse_name(b))


def same_parsed_name(pa: ParsedName, pb: ParsedName) -> bool:
    """:func:`same_name` of two parsed names."""
    if not (pa.first and pa.last and pb.first and pb.last):
        return False
    return given_level(pa.first, pb.first)[0] in ("exact", "spelling", "variant") and surname_level(
        pa, pb
    )[0] in ("exact", "spelling")


@dataclass(slots=True)
class Mutual:
    name: str
    resolved: str = ""
    strength: float = 0.0
    holders: int = 0
    """How many people in the user's data have exactly this name, when several do
    (``strength`` is then the weakest of their ties: whichever it is, at least that)."""

    def line(self) -> str:
        if self.holders > 1:
            return (
                f"{self.name}: one of {self.holders} people with this name in your data, "
                f"{describe_tie(self.strength)} at least (tie {self.strength:.2f})"
            )
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
            "id": r["id"],
            "name": r["name"],
            "profile_url": r.get("profile_url", ""),
            "headline": r.get("headline", ""),
            "note": r.get("note", ""),
            "sent_at": r.get("sent_at"),
            "verdict": self.verdict,
            "recommendation": self.action,
            "rule": self.rule,
            "evidence": [
                {"level": e.level, "kind": e.kind, "text": e.text, "source": e.source, "at": e.at}
                for e in self.evidence
            ],
            "signals": [
                {"name": s.name, "text": s.text, "severity": s.severity} for s in self.signals
            ],
            "matches": self.matches,
            "mutuals": [
                {"name": m.name, "resolved": m.resolved, "strength": m.strength}
                | ({"holders": m.holders} if m.holders else {})
                for m in self.mutuals
            ],
        }


class Triager:
    """Everything triage needs from the store, loaded once for a batch of requests."""

    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        today: date | None = None,
        matcher: Matcher | None = None,
    ):
        """Load what triage needs; ``matcher`` reuses an index built over the same
        store's identities (building one is the slow part)."""
        self.store = store
        self.policy = policy or load_policy()
        self.today = today or date.today()
        self.matcher = matcher or load_matcher(store)
        self.person_of: dict[str, str] = {}
        self.by_person: dict[str, list[str]] = defaultdict(list)
        for iid, pid in store.db.conn.execute(
            "select id, person_id from identities where person_id is not null and person_id != ''"
        ):
            self.person_of[iid] = pid
            self.by_person[pid].append(iid)
        self.positions = store.positions()
        self.me = store.profile()
        self._ties: dict[str, float] = {}
        self._mutuals: dict[str, Mutual] = {}
        self._decisions: dict[str, list[dict]] = defaultdict(list)
        for d in store.db.query("select * from decisions order by decided_at"):
            self._decisions[d["request_id"]].append(d)
            if d.get("slug"):
                self._decisions["slug:" + d["slug"]].append(d)
            self._decisions["name:" + " ".join(d["name"].lower().split())].append(d)

    def _expand(self, ids: list[str]) -> list[str]:
        out = list(ids)
        for iid in ids:
            pid = self.person_of.get(iid)
            out += [x for x in self.by_person.get(pid, []) if x not in out] if pid else []
        return out

    def _earlier(self, request: dict) -> list[dict]:
        """Decisions taken on the same request, profile or name before."""
        seen: dict[int, dict] = {}
        slug = request.get("slug") or profile_slug(request.get("profile_url", ""))
        for key in (
            request["id"],
            "slug:" + (slug or "-"),
            "name:" + " ".join(request["name"].lower().split()),
        ):
            for d in self._decisions.get(key, []):
                seen[d["id"]] = d
        return sorted(seen.values(), key=lambda d: d["decided_at"])

    def tie(self, *identity_ids: str) -> float:
        """The user's tie strength with the person behind one or more identities
        (cached)."""
        key = identity_ids[0] if len(identity_ids) == 1 else ",".join(sorted(identity_ids))
        if key not in self._ties:
            ids = self._expand(list(identity_ids))
            self._ties[key] = tie_strength(self.store.interactions_for(ids), today=self.today)
        return self._ties[key]

    def _each_tie(self, ids: list[str]) -> list[float]:
        """:meth:`tie` of each identity, the interactions read in one query."""
        todo = {i: self._expand([i]) for i in ids if i not in self._ties}
        if todo:
            rows: dict[str, list[dict]] = defaultdict(list)
            for r in self.store.interactions_for({x for g in todo.values() for x in g}):
                rows[r["identity_id"]].append(r)
            for i, group in todo.items():
                own = [r for x in sorted(group) for r in rows[x]]
                self._ties[i] = tie_strength(own, today=self.today)
        return [self._ties[i] for i in ids]

    def _people(self, holders: list[str]) -> int:
        """How many people identities with one name are: a source's identities are
        different people (two LinkedIn connections), so are different clusters;
        sources otherwise agree on a name, so one in each is one person."""
        if len(holders) < 2:
            return len(holders)
        marks = ", ".join("?" * len(holders))
        by_source: dict[str, set[str]] = defaultdict(set)
        for iid, source in self.store.db.execute(
            f"select id, source from identities where id in ({marks})", holders
        ):
            by_source[source].add(self.person_of.get(iid, iid))
        clustered = {self.person_of[i] for i in holders if i in self.person_of}
        return max(len(clustered), *(len(p) for p in by_source.values()))

    def _mutual(self, name: str) -> Mutual:
        key = " ".join(name.lower().split())
        if key not in self._mutuals:  # the same mutuals recur across a batch
            self._mutuals[key] = self._resolve_mutual(name)
        m = self._mutuals[key]
        return Mutual(name, m.resolved, m.strength, m.holders)

    def _resolve_mutual(self, name: str) -> Mutual:
        """The person behind a mutual connection's name. LinkedIn names mutual
        connections as the user's own connections' names, so a name that exactly one
        person in the user's data holds is that person (however common the name); a
        name several people hold is one of them, known at least as well as the least
        known; another name is matched as a requester's would be, at 0.8."""
        holders = self.matcher.named(parse_name(name)) if not profile_slug(name) else []
        people = self._people(holders)
        if people == 1:
            return Mutual(name, self.matcher.recs[min(holders)].display, self.tie(*holders))
        if people > 1:
            weakest = min(self._each_tie(holders))
            return Mutual(name, self.matcher.recs[min(holders)].display, weakest, people)
        if profile_slug(name):
            found = self.matcher.match(Query(profile_url=name), limit=1, threshold=0.8)
        else:
            found = [
                m
                for m in self.matcher.match(Query(name=name), limit=3, threshold=0.8)
                if not m.conflict
            ]
        if not found:
            return Mutual(name)
        iid = found[0].identity_id
        return Mutual(name, self.matcher.recs[iid].display, self.tie(iid))

    def find(self, request: dict) -> list[Match]:
        """The request's candidate identities. A conflict only with a LinkedIn member
        id (``ACoA…``, as messages carry) is rescored on the other fields: it is
        another address of the same profile, not a different person."""
        query = query_rec(Query(name=request["name"], profile_url=request.get("profile_url", "")))
        bare = query_rec(Query(name=request["name"]))
        out = []
        seen: dict[ParsedName, bool] = {}  # namesakes share a parsed name

        def namesake(pn: ParsedName) -> bool:
            if pn not in seen:
                seen[pn] = same_parsed_name(query.name, pn)
            return seen[pn]

        # Only matches at 0.5 or more, name-less identities and two kinds of conflicts
        # are used below: namesakes (the signal) and other addresses of the same profile.
        # The matcher may leave the other candidates out early.
        found = self.matcher.match_rec(
            query,
            limit=40,
            threshold=0.0,
            prune=0.5,
            keep=lambda iid: not self.matcher.recs[iid].display,
            conflicts=lambda other: _only_member_ids(other.slugs) or namesake(other.name),
        )
        for m in found:
            rec = self.matcher.recs[m.identity_id]
            if m.conflict and rec.slugs and _only_member_ids(rec.slugs):
                m = self.matcher.score(bare, m.identity_id)
                m.reasons.append("the other profile address is a LinkedIn member id")
            elif not m.conflict and m.probability < 0.5 and not rec.display:
                # A handle with no name (a Mastodon follow): only a possible match,
                # so its evidence counts at most as *known of*.
                ident = self.matcher.identities[m.identity_id]
                fit = max(
                    (handle_fit(h, request["name"]) for h in ident.get("handles", [])),
                    default=(0.0, ""),
                )
                if fit[0] < 0.8:
                    continue
                m = Match(m.identity_id, 0.5, [fit[1]])
            if m.probability >= 0.5 or m.conflict:
                out.append(m)
        out.sort(key=lambda m: -m.probability)
        out = out[:8]
        fetch = getattr(self.matcher.identities, "fetch", None)
        if fetch is not None:  # read lazily (load_matcher): the matches' rows at once
            fetch([m.identity_id for m in out])
        return out

    def triage(self, request: dict, *, template_count: int = 0) -> Triage:
        """Verdict, evidence, signals and recommendation for one request.

        Args:
            request: a request dict (``id``, ``name``, ``profile_url``, ``headline``,
                ``note``, ``mutuals``, ``reminders``, ``sent_at``).
            template_count: how many other requesters sent the same note.
        """
        matches = self.find(request)
        sure = [m for m in matches if not m.conflict and m.probability >= SURE_MATCH]
        unsure = [m for m in matches if not m.conflict and SURE_MATCH > m.probability >= 0.5]
        evidence = self._evidence(sure)
        weak = self._evidence(unsure)
        for e in weak:
            e.text = f"possibly: {e.text}"
            if LEVELS[e.level] > LEVELS[KNOWN_OF]:
                e.level = KNOWN_OF
        company = headline_company(request.get("headline", ""))
        companies = [company] + [
            self.matcher.identities[m.identity_id].get("company", "") for m in sure
        ]
        evidence += weak + shared_employer([c for c in companies if c], self.positions)
        verdict = verdict_of(evidence)
        mutuals = [self._mutual(n) for n in request.get("mutuals", []) if n.strip()]
        if mutuals:
            mev = mutual_evidence(mutuals)
            evidence.append(mev)
            if verdict == STRANGER and mev.level == CONNECTED:
                verdict = CONNECTED
        evidence = strongest_first(evidence)
        sent = (request.get("sent_at") or "")[:10]
        earlier_invites = [
            r
            for r in self.store.interactions_for(self._expand([m.identity_id for m in sure]))
            if r["kind"] == "invitation" and r["direction"] == "in" and (r["at"] or "")[:10] < sent
        ]
        signals = read_signals(
            request,
            template_count=template_count,
            earlier=self._earlier(request),
            earlier_invitations=len(earlier_invites),
            extra_dirs=tuple(self.policy.signal_files),
        )
        for m in matches:
            if not m.conflict:
                continue
            ident = self.matcher.identities[m.identity_id]
            if same_name(request["name"], ident["name"]):
                other = next((r for r in m.reasons if r.startswith("but ")), "another profile")
                signals.append(
                    Signal(
                        "namesake",
                        f"has the name of {ident['name']} in your "
                        f"data ({ident['source']}), {other}: not the same person, "
                        "or someone posing as them",
                        2,
                    )
                )
                break
        emails = [e for m in sure for e in self.matcher.identities[m.identity_id]["emails"]]
        action, rule = recommend(
            verdict,
            signals,
            request,
            self.policy,
            emails=emails,
            companies=[c for c in companies if c],
        )
        return Triage(
            request,
            verdict,
            evidence,
            signals,
            action,
            rule,
            [self._match_info(m) for m in sure + unsure],
            mutuals,
        )

    def triage_all(self, requests: list[dict]) -> list[Triage]:
        """Triage a batch (template notes are found across it), clear cases first."""
        templates = template_groups((r["id"], r.get("note") or "") for r in requests)
        out = [self.triage(r, template_count=templates.get(r["id"], 0)) for r in requests]
        out.sort(key=lambda x: (ORDER[x.action], -LEVELS[x.verdict], x.request["name"]))
        return out

    def _match_info(self, m: Match) -> dict:
        ident = self.matcher.identities[m.identity_id]
        return {
            "identity_id": m.identity_id,
            "name": ident["name"],
            "source": ident["source"],
            "file": ident["file"],
            "probability": round(m.probability, 3),
            "reasons": m.reasons,
        }

    def _evidence(self, matches: list[Match]) -> list[Evidence]:
        if not matches:
            return []
        ids = self._expand([m.identity_id for m in matches])
        out = from_interactions(self.store.interactions_for(ids))
        for e in out:
            if e.kind == "connected":
                e.level = KNOWN_OF  # a bare connection with a namesake is not proof
        reasons = [r for m in matches for r in m.reasons if not r.startswith("same name")][:2]
        if reasons and out:
            out[0].text += f" [matched: {'; '.join(reasons)}]"
        return out


def mutual_evidence(mutuals: list[Mutual]) -> Evidence:
    """One line weighing the mutual connections by the user's tie with each:
    *connected through* with one close mutual (tie 0.3+) or several with some
    contact (0.1+ each) adding up to 0.5; otherwise they count for nothing."""
    known = [m for m in mutuals if m.resolved]
    strong = sorted((m for m in known if m.strength >= SOME_CONTACT), key=lambda m: -m.strength)
    close = any(m.strength >= CLOSE_MUTUAL for m in strong)
    connected = close or sum(m.strength for m in strong) >= MUTUAL_STRENGTH
    n = len(mutuals)
    text = f"{n} mutual connection{'s' * (n > 1)}, {len(known)} found in your data"
    if strong:
        names = ", ".join(
            f"{m.resolved} ({describe_tie(m.strength)}, tie {m.strength:.2f})" for m in strong[:3]
        )
        more = f" and {len(strong) - 3} more" if len(strong) > 3 else ""
        text += f"; you know {len(strong)} of them: {names}{more}"
    else:
        text += "; you know none of them beyond a connection"
    return Evidence(CONNECTED if connected else STRANGER, "mutuals", text, "the invitation")


ORDER = {"accept": 0, "report": 1, "ignore": 2, "ask": 3}


def triage_inbox(
    store: Store,
    *,
    policy: Policy | None = None,
    today: date | None = None,
    status: str = "pending",
) -> list[Triage]:
    """Triage every request with ``status``, clear cases first (accept, report,
    ignore), then the ones that need the user's thought (ask)."""
    t = Triager(store, policy=policy, today=today)
    return t.triage_all(store.requests(status=status))
