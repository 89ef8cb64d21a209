"""Outreach check for senders: before sending a request, what do I share with them?

:func:`outreach` runs the same matching and evidence as the triage (the user is
now the sender): the evidence, the mutual connections weighed by tie, a shared
employer or event; whether a request is appropriate; a check of the note
(missing, generic, a pitch, no shared context, over LinkedIn's 300-character
limit for invitation notes) and a suggested opening that names the shared context.

:func:`audit_outgoing` reviews the invitations the user sent (interactions of kind
``invitation``, direction ``out``): for each, the evidence dated before it was
sent, and how many went to strangers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from havewemet.identity.match import Query
from havewemet.models import PendingRequest, Request
from havewemet.normalize import profile_slug
from havewemet.store import Store
from havewemet.triage.engine import SURE_MATCH, Mutual, Triager
from havewemet.triage.evidence import (
    CONNECTED,
    KNOWN,
    KNOWN_OF,
    MET,
    STRANGER,
    Evidence,
    from_interactions,
    strongest_first,
    verdict_of,
)
from havewemet.triage.policy import Policy
from havewemet.triage.replies import first_name, shared_context
from havewemet.triage.signals import phrase_lists

#: LinkedIn's limit for a note on an invitation (free accounts; premium allows more).
NOTE_LIMIT = 300


@dataclass(slots=True)
class Outreach:
    """What the user shares with someone they want to invite, and advice."""

    name: str
    profile_url: str
    verdict: str
    evidence: list[Evidence]
    mutuals: list[Mutual]
    appropriate: bool
    advice: str
    note_problems: list[str] = field(default_factory=list)
    opening: str = ""
    connected: bool = False

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "profile_url": self.profile_url,
            "verdict": self.verdict,
            "appropriate": self.appropriate,
            "advice": self.advice,
            "connected": self.connected,
            "evidence": [e.to_dict() for e in self.evidence],
            "mutuals": [m.to_dict() for m in self.mutuals],
            "note_problems": self.note_problems,
            "opening": self.opening,
        }


def _target(t: Triager, ref: str) -> tuple[str, str]:
    """(name, profile URL) for a name or a profile URL."""
    if profile_slug(ref):
        found = t.matcher.match(Query(profile_url=ref), limit=1, threshold=0.5)
        name = t.matcher.identities[found[0].identity_id]["name"] if found else ""
        return name or profile_slug(ref).replace("-", " ").title(), ref
    return ref.strip(), ""


def _context_terms(evidence: list[Evidence], mutuals: list[Mutual]) -> set[str]:
    terms: set[str] = set()
    for e in evidence:
        terms |= {w for w in re.findall(r"\w{4,}", e.detail.lower())}
    for m in mutuals:
        if m.resolved:
            terms |= {w for w in re.findall(r"\w{3,}", m.resolved.lower())}
    return terms - {"limited", "company", "group", "the", "and"}


#: Word starts that say how two people know each other ("we met", "worked together").
_HOW = re.compile(
    r"^(met|meet\w*|spoke|talk\w*|worked|colleague\w*|endors\w*|recommend\w*"
    r"|conference\w*|event\w*|introduc\w*|wrote|messag\w*|project\w*)$"
)

#: Word starts that name a reason to write without a shared context: their work, a
#: talk, a common interest (what the advice asks for; issue 13).
_REASON = re.compile(
    r"^(talk\w*|keynote\w*|present\w*|lectur\w*|panel\w*|webinar\w*|podcast\w*|session\w*"
    r"|article\w*|paper\w*|post\w*|blog\w*|book\w*|research\w*|work\w*|project\w*"
    r"|interest\w*|admir\w*|read|heard|saw|watched)$"
)


def check_note(
    note: str | None, *, evidence: Sequence[Evidence] = (), mutuals: Sequence[Mutual] = ()
) -> list[str]:
    """Problems with an invitation note, each a sentence with the fix; [] when fine.

    Examples:
        >>> check_note("")
        ['no note: add one that says where you met or what you share']
    """
    text = (note or "").strip()
    if not text:
        return ["no note: add one that says where you met or what you share"]
    problems = []
    if len(text) > NOTE_LIMIT:
        problems.append(
            f"{len(text)} characters: LinkedIn allows {NOTE_LIMIT} in an "
            f"invitation note; cut {len(text) - NOTE_LIMIT}"
        )
    lists = phrase_lists()
    words = re.findall(r"\w+", text)
    if any(p.search(text) for p in lists.get("template", [])) or len(words) < 6:
        problems.append("generic: it could be sent to anyone; say why this person")
    if hit := next((m.group(0) for p in lists.get("pitch", []) if (m := p.search(text))), ""):
        problems.append(f'reads as a sales pitch ("{hit}"): a request is not the place')
    terms = _context_terms(list(evidence), list(mutuals))
    said = {w.lower() for w in words}
    if not evidence and not any(m.resolved and m.strength >= 0.1 for m in mutuals):
        if not any(_REASON.match(w) for w in said):
            problems.append(
                "no shared context in your data: name the reason you are writing "
                "(their work, a talk, a common interest)"
            )
    elif not (terms & said) and not any(_HOW.match(w) for w in said):
        problems.append("does not name what you share: mention it (see the opening below)")
    return problems


def outreach(
    store: Store,
    target: str,
    *,
    note: str | None = None,
    mutuals: list[str] | None = None,
    policy: Policy | None = None,
    today: date | None = None,
) -> Outreach:
    """Check a request the user wants to send to ``target`` (a name or profile URL)."""
    t = Triager(store, policy=policy, today=today)
    name, url = _target(t, target)
    res = t.triage(
        PendingRequest.of(Request(name, url, mutuals=list(mutuals or [])), id="outreach")
    )
    connected = any(
        e.kind == "connected" and not e.text.startswith("possibly") for e in res.evidence
    )
    evidence = [e for e in res.evidence if e.kind != "connected"]
    # An invitation the user already sent is not something they share with the person.
    invited = max((e.at or "" for e in evidence if e.kind == "invitation"), default=None)
    shared = [e for e in evidence if e.kind != "invitation"]
    verdict = verdict_of(shared) if invited is not None else res.verdict
    ctx = shared_context(shared, res.mutuals)
    first = first_name(name)
    if connected:
        ok, advice = False, "already a LinkedIn connection: send a message instead"
    elif invited is not None:
        ok, advice = (
            False,
            f"you invited them on {invited[:10] or 'a day your data does not give'} and "
            "they have not accepted: do not send another; a second request reads as pressure",
        )
    elif verdict in (KNOWN, MET):
        ok, advice = (
            True,
            f"yes: you {verdict if verdict == MET else 'know them'}; a short "
            "note naming it is enough",
        )
    elif verdict in (KNOWN_OF, CONNECTED):
        ok, advice = True, "yes, with a note that names what you share: they may not remember you"
    else:
        ok, advice = (
            False,
            "not yet: your data shows nothing you share; a cold request "
            "is what careful people ignore. Find a shared context first (an event, a "
            "mutual contact who can introduce you)",
        )
    opening = (
        f"Hi {first}, {ctx}. I'd be glad to stay in touch here."
        if ctx
        else f"Hi {first}, I'm writing because [the reason: their work, a talk, a shared interest]."
    )
    problems = [] if connected else check_note(note, evidence=shared, mutuals=res.mutuals)
    return Outreach(
        name, url, verdict, evidence, res.mutuals, ok, advice, problems, opening, connected
    )


@dataclass(slots=True)
class Audit:
    """The user's outgoing invitations by what they shared when they sent them."""

    total: int
    by_verdict: dict[str, int]
    invitations: list[dict]

    @property
    def strangers(self) -> int:
        return self.by_verdict.get(STRANGER, 0)

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "strangers": self.strangers,
            "by_verdict": self.by_verdict,
            "invitations": self.invitations,
        }


def _before(at: str | None, sent: str | None) -> bool:
    """Whether evidence dated ``at`` came before an invitation sent at ``sent``.

    Undated evidence counts. Times are compared when both have one (a meeting that
    morning, an invitation that afternoon); a bare date (an event's day) counts on
    the day the invitation was sent.

    Examples:
        >>> _before("2025-06-12T09:00:00", "2025-06-12T16:30:00")
        True
        >>> _before("2025-06-12T18:00:00", "2025-06-12T16:30:00")
        False
        >>> _before("2025-06-12", "2025-06-12T16:30:00")
        True
    """
    if not at or not sent:
        return True
    if len(at) <= 10:
        return at[:10] <= sent[:10]
    if len(sent) <= 10:
        return at[:10] < sent[:10]
    return at[:19] < sent[:19]


def audit_outgoing(store: Store, *, today: date | None = None) -> Audit:
    """For every invitation the user sent: the verdict from evidence dated before it
    (see :func:`_before`; the invitation and the connection that followed do not count)."""
    t = Triager(store, today=today)
    rows = store.outgoing_invitations()
    out: list[dict] = []
    counts: dict[str, int] = {}
    for inv in rows:
        ident = t.matcher.identities.get(inv["identity_id"], {})
        name = ident.get("name", "")
        urls = [u for u in ident.get("urls", []) if profile_slug(u)]
        ids = {inv["identity_id"]}
        if name:
            found = t.find(name, urls[0] if urls else "")
            ids |= {m.identity_id for m in found if not m.conflict and m.probability >= SURE_MATCH}
        before = [
            r
            for r in store.interactions_for(t.people.expand(sorted(ids)))
            if r["kind"] not in ("invitation", "connected") and _before(r["at"], inv["at"])
        ]
        ev = strongest_first(from_interactions(before))
        verdict = verdict_of(ev)
        counts[verdict] = counts.get(verdict, 0) + 1
        out.append(
            {
                "name": name,
                "profile_url": urls[0] if urls else "",
                "sent_at": inv["at"],
                "verdict": verdict,
                "evidence": [e.text for e in ev[:2]],
                "source": f"{inv['file'].split(':')[-1]}, line {inv['line']}",
            }
        )
    return Audit(len(rows), counts, out)


__all__ = ["NOTE_LIMIT", "Audit", "Outreach", "audit_outgoing", "check_note", "outreach"]
