"""The page's writes, the user's decisions. Cross-site posts are refused (see
:func:`havewemet.web.context.same_origin`).

``POST /decide``: a decision (accept, ask, ignore, report) on one request is recorded
with its time and reason, and the request leaves the inbox. The form works without
JavaScript (a 303 back to the inbox); the page's script posts with ``Accept:
application/json`` and updates the card and the counts in place from the answer
(``pending``, ``counts``, ``decided``), and says what LinkedIn still needs
(``linkedin``). The same decision posted again keeps nothing new.

``POST /same-person``: the user's word on a "possibly" match of the request page
(issue 12): ``same`` (:func:`~havewemet.identity.cluster.link` the requester and the
identity: the match then counts in full), ``not`` (``unlink``: it is no match any
more) or ``undo`` (the matcher decides again). A 303 back to the request page, whose
verdict and evidence follow; the same word posted again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
    """Record a decision on the request with this exact id: every decision the web
    page records goes through here, to :func:`havewemet.triage.decisions.record_decision`
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


async def _write(
    request: Request, what: str, needs: str, write: Callable[[Context, dict[str, str]], dict]
) -> dict | Response:
    """Every write's guard and body: refuse a cross-site post, read the form (or JSON)
    body, then ``write`` in a worker thread with its own store, like every page."""
    if not same_origin(request):
        return error_response(
            request, 403, f"{what} are accepted only from this page (cross-site request refused)"
        )
    body = await request.body()
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            fields = {k: str(v) for k, v in json.loads(body or b"{}").items()}
        else:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
    except (ValueError, AttributeError):
        return error_response(request, 400, f"send a form or a JSON object with {needs}")

    def run() -> dict:
        ctx = Context(request)
        try:
            return write(ctx, fields)
        finally:
            ctx.close()

    return await run_in_threadpool(run)


async def endpoint(request: Request) -> Response:
    """``POST /decide``."""
    data = await _write(request, "decisions", "request_id and decision", _decide)
    if isinstance(data, Response):
        return data
    if wants_json(request):
        return JSONResponse(data)
    # Back to the inbox, which says what LinkedIn still needs for this decision.
    rid = data["decision"]["request_id"]
    return RedirectResponse(f"/?decided={quote(rid, safe='')}", status_code=303)


#: The answers of the request page's "Same person" / "Not the same" buttons and undo.
ANSWERS = ("same", "not", "undo")


def write_same_person(store: Store, request_id: str, identity_id: str, answer: str) -> dict:
    """Record the user's word that the requester of ``request_id`` is (``same``) or is
    not (``not``) the person behind ``identity_id``, or take it back (``undo``), through
    :mod:`havewemet.identity.cluster`'s link, unlink and take_back (issue 12).

    Raises:
        HaveWeMetError: the answer is not one of same, not, undo.
        NotFoundError: no request or no identity has this id.
    """
    from havewemet.identity.cluster import link, take_back, unlink

    if answer not in ANSWERS:
        raise HaveWeMetError(f"answer {answer!r} is not one of: {', '.join(ANSWERS)}")
    if store.request(request_id) is None:
        raise NotFoundError(f"no request with id {request_id!r}; reload the inbox")
    if not identity_id or store.identity_ids(identity_id) != [identity_id]:
        raise NotFoundError(f"no identity with id {identity_id!r}; reload the page")
    if answer == "undo":
        take_back(store, request_id, identity_id)
    else:
        (link if answer == "same" else unlink)(store, request_id, identity_id)
    return {"ok": True, "request_id": request_id, "identity_id": identity_id, "answer": answer}


def _same_person(ctx: Context, fields: dict[str, str]) -> dict:
    return write_same_person(
        ctx.store,
        fields.get("request_id", ""),
        fields.get("identity_id", ""),
        fields.get("answer", ""),
    )


async def same_person_endpoint(request: Request) -> Response:
    """``POST /same-person``: back to the request page (or answer JSON)."""
    needs = "request_id, identity_id and answer"
    data = await _write(request, "answers", needs, _same_person)
    if isinstance(data, Response):
        return data
    if wants_json(request):
        return JSONResponse(data)
    return RedirectResponse(
        f"/request/{quote(data['request_id'], safe='')}#matched", status_code=303
    )
