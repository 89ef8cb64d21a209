"""``/``: every pending request with its verdict, evidence, signals and the
recommendation under the user's policy, clear cases first; ``/.json`` is the twin."""

from __future__ import annotations

import re

from havewemet.network.ties import describe_tie
from havewemet.triage.engine import Triage
from havewemet.triage.policy import INBOX_ORDER, Action
from havewemet.web.app import Context

#: The groups' order (the CLI's: clear cases first).
ACTIONS = INBOX_ORDER


def heading(action: Action) -> str:
    """A group's heading as the page prints it (typographic quotes)."""
    return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", action.heading)


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


def page(ctx: Context) -> dict:
    """The inbox.

    Examples:
        ``GET /.json`` gives ``{"pending": 32, "counts": {"accept": 9, ...},
        "requests": [{"id": ..., "verdict": "known", "recommendation": "accept",
        "evidence": [...], "signals": [...], ...}], ...}``
    """
    requests = [item(t) for t in ctx.triaged()]
    counts = {a: sum(1 for r in requests if r["recommendation"] == a) for a in ACTIONS}
    decided = ctx.store.decided_count()
    return {
        "title": "Inbox",
        "me": ctx.store.profile()["name"],
        "policy": ctx.policy.preset,
        "pending": len(requests),
        "decided": decided,
        "counts": counts,
        "groups": [
            {"action": a.value, "heading": heading(a), "count": counts[a]}
            for a in ACTIONS
            if counts[a]
        ],
        "requests": requests,
    }
