"""``POST /decide``: the page's only write. A decision (accept, ask, ignore, report)
on one request is recorded with its time and reason, and the request leaves the
inbox. Cross-site posts are refused (see :func:`havewemet.web.app.same_origin`).

The form works without JavaScript (a 303 back to the inbox); the page's script
posts with ``Accept: application/json`` and updates the card and the counts in place
from the answer (``pending``, ``counts``, ``decided``), and says what LinkedIn still
needs (``linkedin``). The same decision posted again keeps nothing new.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from havewemet.errors import HaveWeMetError, NotFoundError
from havewemet.store import Store
from havewemet.triage.decisions import INVITATION_MANAGER, linkedin_step, record_decision
from havewemet.triage.policy import ACTIONS
from havewemet.web.context import Context, error_response, same_origin, wants_json
from havewemet.web.inbox import summary


def write_decision(store: Store, request_id: str, decision: str, *, reason: str = "") -> dict:
    """Record a decision on the request with this exact id: every write the web page
    makes goes through here, to :func:`havewemet.triage.decisions.record_decision`
    (one transaction; the request's status becomes the decision).

    Raises:
        HaveWeMetError: the decision is not one of accept, ask, ignore, report.
        NotFoundError: no request has this id.
    """
    if decision not in ACTIONS:
        raise HaveWeMetError(f"decision {decision!r} is not one of: {', '.join(ACTIONS)}")
    request = store.request(request_id)
    if request is None:
        raise NotFoundError(f"no request with id {request_id!r}; reload the inbox")
    return record_decision(store, request, decision, reason=reason)


def _decide(ctx: Context, fields: dict[str, str]) -> dict:
    rid = fields.get("request_id", "")
    decision = fields.get("decision", "")
    reason = fields.get("reason") or "decided on the web page"
    record = write_decision(ctx.store, rid, decision, reason=reason[:500])
    ctx.forget_decided(rid)
    counts = summary(ctx, [t.action for t in ctx.triaged()])
    return {
        "ok": True,
        "decision": record,
        **counts,
        "linkedin": {"text": linkedin_step([decision]), "url": INVITATION_MANAGER},
    }


def _run(request: Request, fields: dict[str, str]) -> dict:
    ctx = Context(request)
    try:
        return _decide(ctx, fields)
    finally:
        ctx.close()


async def endpoint(request: Request) -> Response:
    """Read the form (or JSON) body, then write in a worker thread like every page."""
    if not same_origin(request):
        return error_response(
            request, 403, "decisions are accepted only from this page (cross-site request refused)"
        )
    body = await request.body()
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            fields = {k: str(v) for k, v in json.loads(body or b"{}").items()}
        else:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
    except (ValueError, AttributeError):
        return error_response(
            request, 400, "send a form or a JSON object with request_id and decision"
        )
    data = await run_in_threadpool(_run, request, fields)
    if wants_json(request):
        return JSONResponse(data)
    # Back to the inbox, which says what LinkedIn still needs for this decision.
    return RedirectResponse(
        f"/?decided={quote(fields.get('request_id', ''), safe='')}", status_code=303
    )
