"""``/request/{id}``: one request's whole story: the verdict and the rule, every
evidence line with its source, the raw timeline of interactions (file and line),
the identities it was matched to with the reasons and probability ("Same person" /
"Not the same" on each "possibly" match, and the identities the user said are not
the requester, each with an undo: :func:`havewemet.web.decide.write_same_person`),
mutual connections with tie strength, and earlier decisions; ``.json`` is the twin."""

from __future__ import annotations

from havewemet.errors import NotFoundError
from havewemet.identity.people import said_about
from havewemet.triage.decisions import history as decision_history
from havewemet.triage.engine import Triager
from havewemet.web.context import Context
from havewemet.web.inbox import ACTIONS, item, linkedin_next, reply

#: The timeline shows at most this many interactions (newest first).
TIMELINE_LIMIT = 300


def _linked_ids(ctx: Context, ids: list[str]) -> list[str]:
    """The matched identities and every identity resolved to the same person."""
    return sorted(ctx.store.same_people(ids))


def known_as(identity: dict) -> str:
    """How a source knows someone: the name, else the handle, e-mail, profile
    address or phone it gives (a Mastodon follow is a handle alone)."""
    if identity.get("name"):
        return str(identity["name"])
    for field in ("handles", "emails", "urls", "phones"):
        if identity.get(field):
            return str(identity[field][0])
    return ""


def page(ctx: Context, rid: str) -> dict:
    """One request by id (as in the inbox's links).

    Raises:
        NotFoundError: no request has this id (shown as a 404).
    """
    req = ctx.store.request(rid)
    if req is None:
        raise NotFoundError(f"no request with id {rid!r}; the inbox at / lists them")
    cached = [t for t in ctx.triaged() if t.request.id == rid]
    if cached:
        triage = cached[0]
    else:  # decided or already connected: triage it on its own
        triage = Triager(ctx.store, policy=ctx.policy, today=ctx.settings.today).triage(req)
    data = item(triage)
    ids = _linked_ids(ctx, [m["identity_id"] for m in data["matches"]])
    names = {i["id"]: known_as(i) for i in ctx.store.identities(ids)}
    for m in data["matches"]:  # a match by handle alone has no name: show the handle
        m["name"] = m["name"] or names.get(m["identity_id"], "")
    said = said_about(ctx.store, req)
    not_same = [
        {
            "identity_id": i["id"],
            "name": known_as(i),
            "source": i["source"],
            "file": i.get("file") or "",
            "line": i.get("line") or 0,
        }
        for i in ctx.store.identities(sorted(k for k, v in said.items() if v == "unlink"))
    ]
    timeline = sorted(ctx.store.interactions_for(ids), key=lambda r: r["at"] or "", reverse=True)
    seen = {
        d["id"]: d
        for ref in (rid, req.slug, req.name)
        if ref
        for d in decision_history(ctx.store, ref)
    }
    history = sorted(seen.values(), key=lambda d: (d["decided_at"], d["id"]))
    return {
        "title": req.name,
        "request": {
            **data,
            "status": req.status,
            "mutual_names": list(req.mutuals),
            "reminders": req.reminders,
            "source": req.source,
            "file": req.file,
            "line": req.line,
            "reply": reply(ctx, triage),
        },
        "linkedin": linkedin_next(req.status),
        "actions": list(ACTIONS),
        "timeline": [
            {
                "at": r["at"],
                "kind": r["kind"],
                "direction": r["direction"],
                "detail": r["detail"],
                "count": r["count"],
                "who": names.get(r["identity_id"], ""),
                "file": r["file"],
                "line": r["line"],
            }
            for r in timeline[:TIMELINE_LIMIT]
        ],
        "timeline_total": len(timeline),
        "not_same": not_same,
        "decisions": history,
    }
