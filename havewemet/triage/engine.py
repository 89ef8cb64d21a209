"""Triage: for each pending request, a verdict, its evidence, risk signals and a
recommendation under the user's policy.

The :class:`Triager` loads the user's identities, positions and decisions once;
:meth:`Triager.triage` then takes one request (a
:class:`~havewemet.models.PendingRequest`, as :meth:`Store.requests` gives) to a
:class:`Triage`. Mutual connections are weighed by the user's tie
strength with each (:mod:`havewemet.network.ties`), not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from havewemet._gc import paused as gc_paused
from havewemet.identity.compare import Rec
from havewemet.identity.handles import handle_fit
from havewemet.identity.match import Match, Matcher, Query, query_rec
from havewemet.identity.names import ParsedName, given_level, parse_name, skeleton, surname_level
from havewemet.identity.prepared import load_matcher
from havewemet.models import Action, PendingRequest, Request
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
from havewemet.triage.people import Mutual, People, mutual_evidence
from havewemet.triage.policy import Policy, load_policy, recommend
from havewemet.triage.signals import Signal, label, read_signals, template_groups

if TYPE_CHECKING:  # the network (scipy, igraph) is read only when requesters are placed
    from havewemet.network.place import Network, Placement

#: Below this match probability the evidence is shown but cannot make a verdict
#: stronger than *known of*: a wrong merge would accept a stranger.
SURE_MATCH = 0.75


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
    if pa.last != pb.last and skeleton(pa.last) != skeleton(pb.last):
        return False  # the surname can be neither exact nor a spelling (surname_level)
    return given_level(pa.first, pb.first)[0] in ("exact", "spelling", "variant") and surname_level(
        pa, pb
    )[0] in ("exact", "spelling")


#: Why a match is sure when the user said so (``havewemet link``, the request page's
#: "Same person" button; issue 12).
SAID_SAME = "you said this is the same person"

#: Above this many identities the triage does not place requesters in the network:
#: the ego graph and its circles take 12 s at 50,000 identities (bench/triage_speed.py),
#: six times the triage's 2 s budget. ``havewemet graph`` still draws the circles.
PLACE_UP_TO = 10_000


@dataclass(slots=True)
class Triage:
    request: PendingRequest
    verdict: str
    evidence: list[Evidence]
    signals: list[Signal]
    action: Action
    rule: str
    matches: list[dict] = field(default_factory=list)
    mutuals: list[Mutual] = field(default_factory=list)
    placement: Placement | None = None
    """Where the requester sits in the user's network (circles, paths, how expected),
    when they name mutual connections."""

    def to_dict(self) -> dict:
        r = self.request
        return {
            "id": r.id,
            "name": r.name,
            "profile_url": r.profile_url,
            "headline": r.headline,
            "note": r.note,
            "sent_at": r.sent_at,
            "verdict": self.verdict,
            "recommendation": self.action,
            "rule": self.rule,
            "evidence": [e.to_dict() for e in self.evidence],
            "signals": [
                {"name": s.name, "label": label(s.name), "text": s.text, "severity": s.severity}
                | ({"strength": s.strength} if s.strength is not None else {})
                | ({"reasons": s.reasons} if s.reasons else {})
                for s in self.signals
            ],
            "matches": self.matches,
            "mutuals": [m.to_dict() for m in self.mutuals],
            "placement": self.placement.to_dict() if self.placement else None,
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
        self.people = People(store, self.matcher, self.today)
        self._initials_note = ""  # why an initial gave no evidence (set by find)
        self.positions = store.positions()
        self.me = store.profile()
        self._own = store.own_identity_ids()  # the user's own cards: never a match (issue 12)
        self._network: Network | None = None
        self._decisions: dict[str, list[dict]] = defaultdict(list)
        for d in store.decisions():
            self._decisions[d["request_id"]].append(d)
            if d.get("slug"):
                self._decisions["slug:" + d["slug"]].append(d)
            self._decisions["name:" + " ".join(d["name"].lower().split())].append(d)

    def _earlier(self, request: PendingRequest) -> list[dict]:
        """Decisions taken on the same request, profile or name before."""
        seen: dict[int, dict] = {}
        for key in (
            request.id,
            "slug:" + (request.slug or "-"),
            "name:" + " ".join(request.name.lower().split()),
        ):
            for d in self._decisions.get(key, []):
                seen[d["id"]] = d
        return sorted(seen.values(), key=lambda d: d["decided_at"])

    def find(self, name: str, profile_url: str = "") -> list[Match]:
        """The candidate identities of a requester. A conflict only with a LinkedIn
        member id (``ACoA…``, as messages carry) is rescored on the other fields: it is
        another address of the same profile, not a different person."""
        query = query_rec(Query(name=name, profile_url=profile_url))
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
            conflicts=lambda name, slugs: _only_member_ids(slugs) or namesake(name),
        )
        if self._own:
            found = [m for m in found if m.identity_id not in self._own]
        self._initials_note = ""
        if len(query.name.first.strip(".")) == 1 and query.name.last:
            found += self._by_initial(query, found)
        for m in found:
            rec = self.matcher.recs[m.identity_id]
            if m.conflict and rec.slugs and _only_member_ids(rec.slugs):
                m = self.matcher.score(query_rec(Query(name=name)), m.identity_id)
                m.reasons.append("the other profile address is a LinkedIn member id")
            elif not m.conflict and m.probability < 0.5 and not rec.display:
                # A handle with no name (a Mastodon follow): only a possible match,
                # so its evidence counts at most as *known of*.
                ident = self.matcher.identities[m.identity_id]
                fit = max(
                    (handle_fit(h, name) for h in ident.get("handles", [])),
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

    def _by_initial(self, query: Rec, found: list[Match]) -> list[Match]:
        """A requester named by an initial (``D. Okafor``): the people in the user's data
        whose surname is the same and whose given name starts with that letter. One
        such person is a possible match (at most *known of*, so the user is asked);
        several give no evidence, and :attr:`_initials_note` says why (issue 12)."""
        initial = query.name.first.strip(".")[:1]
        fits: dict[str, list[str]] = {}  # person -> identity ids
        for m in self.matcher.match_rec(query, limit=40, threshold=0.0):
            pn = self.matcher.recs[m.identity_id].name
            if (
                m.identity_id in self._own
                or m.conflict
                or len(pn.first) < 2
                or not pn.first.startswith(initial)
            ):
                continue
            if surname_level(query.name, pn)[0] not in ("exact", "spelling", "maiden"):
                continue
            person = self.people.person_of.get(m.identity_id, m.identity_id)
            fits.setdefault(person, []).append(m.identity_id)
        if len(fits) > 1:
            names = sorted({self.matcher.recs[ids[0]].display for ids in fits.values()})
            self._initials_note = (
                f"the initial {initial.upper()}. fits {len(fits)} people in your data "
                f"({', '.join(names[:3])}{', ...' if len(names) > 3 else ''}): no evidence"
            )
            return []
        have = {m.identity_id for m in found if m.probability >= 0.5}
        return [
            Match(iid, 0.6, [f"only one person in your data fits the initial {initial.upper()}."])
            for ids in fits.values()
            for iid in ids
            if iid not in have
        ]

    def _your_word(self, request: PendingRequest, matches: list[Match]) -> list[Match]:
        """The user's word on who the requester is (``havewemet link``/``unlink``, the
        request page's "Same person" / "Not the same"; issue 12), read from the store
        for each request: an identity said to be the requester is a sure match, so its
        interactions count in full; one said not to be is no match. Each word holds for
        the person behind the identity. The requester is their request's id and the
        identities with their profile address (:func:`havewemet.identity.people.requester`)."""
        slug, recs = request.slug, self.matcher.recs
        mine = {request.id} | {m.identity_id for m in matches if slug in recs[m.identity_id].slugs}
        said: dict[str, str] = {}
        for a, b, kind in self.store.links_of(mine):
            other = b if a in mine else a
            if other not in mine and other in self.matcher.recs:
                said[other] = kind
        if not said:
            return matches
        person = self.people.person_of
        gone = {person.get(i, i) for i in said}
        out = [
            m
            for m in matches
            if m.identity_id in mine or person.get(m.identity_id, m.identity_id) not in gone
        ]
        out += [Match(i, 1.0, [SAID_SAME]) for i, kind in said.items() if kind == "link"]
        if any(kind == "link" for kind in said.values()):
            self._initials_note = ""  # the user picked one of the people the initial fits
        return sorted(out, key=lambda m: -m.probability)

    def triage(self, request: PendingRequest, *, template_count: int = 0) -> Triage:
        """Verdict, evidence, signals and recommendation for one request.

        Args:
            request: the request (from the store, or :meth:`PendingRequest.of` one
                typed by hand).
            template_count: how many other requesters sent the same note.
        """
        matches = self._your_word(request, self.find(request.name, request.profile_url))
        sure = [m for m in matches if not m.conflict and m.probability >= SURE_MATCH]
        unsure = [m for m in matches if not m.conflict and SURE_MATCH > m.probability >= 0.5]
        sure_rows = self._interactions(sure)
        evidence = self._evidence(sure, sure_rows)
        weak = self._evidence(unsure, self._interactions(unsure))
        for e in weak:
            e.text = f"possibly: {e.text}"
            if LEVELS[e.level] > LEVELS[KNOWN_OF]:
                e.level = KNOWN_OF
        company = headline_company(request.headline)
        companies = [company] + [
            self.matcher.identities[m.identity_id].get("company", "") for m in sure
        ]
        evidence += weak + shared_employer([c for c in companies if c], self.positions)
        if self._initials_note:
            evidence.append(Evidence(STRANGER, "initial", self._initials_note, "your data"))
        verdict = verdict_of(evidence)
        mutuals = [self.people.mutual(n) for n in request.mutuals if n.strip()]
        placement = None
        if mutuals:
            mev = mutual_evidence(mutuals, request.mutual_count)
            evidence.append(mev)
            if verdict == STRANGER and mev.level == CONNECTED:
                verdict = CONNECTED
            network = self.network
            if network is not None:
                placement = network.place(
                    [m.resolved or m.name for m in mutuals], request_id=request.id
                )
            if (
                placement is not None and placement.found
            ):  # an explanation: as strong as the mutuals, no stronger
                evidence.append(Evidence(mev.level, "circle", placement.text(), "your network"))
        evidence = strongest_first(evidence)
        sent = (request.sent_at or "")[:10]
        earlier_invites = [
            r
            for r in sure_rows
            if r["kind"] == "invitation" and r["direction"] == "in" and (r["at"] or "")[:10] < sent
        ]
        signals = read_signals(
            request,
            template_count=template_count,
            earlier=self._earlier(request),
            earlier_invitations=len(earlier_invites),
            extra_dirs=tuple(self.policy.signal_files),
            today=self.today,
        )
        for m in matches:
            if not m.conflict:
                continue
            ident = self.matcher.identities[m.identity_id]
            if same_name(request.name, ident["name"]):
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
            placement,
        )

    @property
    def network(self) -> Network | None:
        """The user's network (ego graph, circles, scores), built at the first request
        that names mutual connections; None above :data:`PLACE_UP_TO` identities."""
        if self._network is None and len(self.matcher) <= PLACE_UP_TO:
            from havewemet.network.place import Network

            self._network = Network.from_store(self.store, today=self.today)
        return self._network

    def check(self, request: PendingRequest) -> Triage:
        """:meth:`triage` of one request, its note compared with every stored request's
        for the template signal, as :meth:`triage_all` compares a batch's (issue 12)."""
        notes = {r.id: r.note for r in self.store.requests(status=None)}
        notes[request.id] = request.note
        count = template_groups(notes.items()).get(request.id, 0)
        return self.triage(request, template_count=count)

    def triage_all(self, requests: list[PendingRequest]) -> list[Triage]:
        """Triage a batch (template notes are found across it), in the inbox's order
        (:class:`~havewemet.models.Action`: the requests to ask about first)."""
        # The collector paused: a batch makes no reference cycles (none found after
        # 1,000 requests), and its full collections walked the whole loaded index.
        with gc_paused():
            templates = template_groups((r.id, r.note) for r in requests)
            self.people.prefetch(n for r in requests for n in r.mutuals)
            out = [self.triage(r, template_count=templates.get(r.id, 0)) for r in requests]
        out.sort(key=lambda x: (Action.of(x.action).order, -LEVELS[x.verdict], x.request.name))
        return out

    def _match_info(self, m: Match) -> dict:
        ident = self.matcher.identities[m.identity_id]
        return {
            "identity_id": m.identity_id,
            "name": ident["name"],
            "source": ident["source"],
            "file": ident["file"],
            "line": ident.get("line") or 0,
            "probability": round(m.probability, 3),
            "reasons": m.reasons,
            "possibly": m.probability < SURE_MATCH,
            "confirmed": SAID_SAME in m.reasons,
        }

    def _interactions(self, matches: list[Match]) -> list[dict]:
        """The interactions of the people behind ``matches`` (each one's identities)."""
        if not matches:
            return []
        return self.store.interactions_for(self.people.expand([m.identity_id for m in matches]))

    def _evidence(self, matches: list[Match], rows: list[dict]) -> list[Evidence]:
        if not matches:
            return []
        out = from_interactions(rows)
        for e in out:
            if e.kind == "connected":
                e.level = KNOWN_OF  # a bare connection with a namesake is not proof
        # Why the best match is taken to be the requester: its own reasons, not a mix
        # of several identities' (the lines below may come from any of them).
        best = max(matches, key=lambda m: m.probability)
        reasons = [r for r in best.reasons if not r.startswith("same name")][:3]
        if reasons and out:
            out[0].text += f" [matched: {'; '.join(reasons)}]"
        return out


def triage_inbox(
    store: Store,
    *,
    policy: Policy | None = None,
    today: date | None = None,
    status: str = "pending",
) -> list[Triage]:
    """Triage every request with ``status``: the ones that need the user's thought
    (ask) first, then the clear cases (accept, report, ignore)."""
    t = Triager(store, policy=policy, today=today)
    return t.triage_all(store.requests(status=status))


def check_request(
    store: Store,
    request: Request,
    *,
    policy: Policy | None = None,
    today: date | None = None,
    save: bool = True,
) -> Triage:
    """Triage one request read on LinkedIn's site (typed or pasted by hand).

    Args:
        store: The user's store.
        request: The requester as the invitation shows them: name, profile address,
            headline, note and the mutual connections' names.
        policy: The triage policy (default: the gatekeeper preset).
        today: The date tie strength and signals are computed for (default: today).
        save: Keep the request in the inbox (merged into the same earlier one).

    Returns:
        The verdict, its evidence, the risk signals and the recommendation.

    Examples:
        >>> store = Store.open(":memory:")
        >>> result = check_request(store, Request("Ann Lee", note="Buy our product!"))
        >>> print(result.verdict, result.action)
        stranger ignore
    """
    if save:
        pending = store.get_request(store.add_request(request))
    else:
        pending = PendingRequest.of(request)
    return Triager(store, policy=policy, today=today).check(pending)
