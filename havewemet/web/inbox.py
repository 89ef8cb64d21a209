"""``/``: every pending request with its verdict, evidence, signals and the
recommendation under the user's policy, the ones that need judgement first;
``/.json`` is the twin."""

from __future__ import annotations

from havewemet.errors import HaveWeMetError
from havewemet.models import INBOX_ORDER
from havewemet.network.ties import describe_tie
from havewemet.triage.decisions import INVITATION_MANAGER, linkedin_step
from havewemet.triage.engine import Triage
from havewemet.triage.policy import ACTIONS as POLICY_ACTIONS
from havewemet.triage.replies import reply_for
from havewemet.web.context import Context

#: The groups in order and their headings (judgement first): the CLI's table.
ACTIONS = INBOX_ORDER


def item(t: Triage) -> dict:
    """One triaged request as the page and its JSON twin show it."""
    d = t.to_dict()
    for m in d["mutuals"]:
        if m.get("holders"):
            m["tie"] = f"one of {m['holders']} people with this name"
            if m["strength"]:
                m["tie"] += f", {describe_tie(m['strength'])} at least"
        elif m["resolved"]:
            m["tie"] = describe_tie(m["strength"])
        else:
            m["tie"] = "not in your data"
    return d


def reply(ctx: Context, t: Triage) -> dict:
    """The reply ``havewemet reply`` prints for this request (the user's templates
    file, else the shipped ones): ``{"text": ...}``, or ``{"error": ...}`` naming
    the fix when the user's templates file is broken."""
    try:
        _, text = reply_for(t, templates=ctx.templates(), me=ctx.me())
    except HaveWeMetError as e:
        return {"text": "", "error": str(e)}
    return {"text": text, "error": ""}


def linkedin_next(status: str) -> dict | None:
    """For a decided request: what LinkedIn still needs (the text, then the link)."""
    if status not in POLICY_ACTIONS:
        return None
    text = linkedin_step([status])
    return {"before": text.removesuffix(INVITATION_MANAGER), "url": INVITATION_MANAGER}


def summary(ctx: Context, actions: list[str]) -> dict:
    """The counts above the inbox (pending, per recommendation, decided so far): the
    page shows them and ``POST /decide`` answers with them, so a click updates them."""
    counts = {a: actions.count(a) for a in ACTIONS}
    return {
        "pending": len(actions),
        "decided": ctx.store.decided_count(),
        "counts": counts,
    }


def page(ctx: Context) -> dict:
    """The inbox.

    Examples:
        ``GET /.json`` gives ``{"pending": 32, "counts": {"ask": 4, ...},
        "requests": [{"id": ..., "verdict": "known", "recommendation": "accept",
        "evidence": [...], "signals": [...], ...}], ...}``; a request recommended
        "ask" also has ``"reply": {"text": "Hi Pat, ..."}``.
    """
    requests = []
    for t in ctx.triaged():
        r = item(t)
        if t.action == "ask":
            r["reply"] = reply(ctx, t)
        requests.append(r)
    counts = summary(ctx, [r["recommendation"] for r in requests])
    return {
        "just_decided": _just_decided(ctx),
        "title": "Inbox",
        "me": ctx.me(),
        "policy": ctx.policy.preset,
        **counts,
        "groups": [
            {"action": a.value, "heading": a.heading, "count": counts["counts"][a]}
            for a in ACTIONS
            if counts["counts"][a]
        ],
        "requests": requests,
    }


def _just_decided(ctx: Context) -> dict | None:
    """After a decision posted without the page's script (``/?decided=ID``, the
    redirect's target): whom it was about, and what LinkedIn still needs."""
    rid = ctx.request.query_params.get("decided", "")
    found = [r for r in ctx.store.requests(status=None) if r.id == rid] if rid else []
    if not found or (step := linkedin_next(found[0].status)) is None:
        return None
    return {"name": found[0].name, "decision": found[0].status, **step}
