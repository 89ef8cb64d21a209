"""Triage commands: inbox, check, decide, history, decisions export/import, reply, outreach,
eval triage."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from havewemet.cli import render
from havewemet.cli.app import (
    JsonOpt,
    PolicyOpt,
    PresetOpt,
    _print_json,
    app,
    command,
    console,
    notice_preparing,
)
from havewemet.cli.app import open_store as _open
from havewemet.errors import HaveWeMetError

decisions_app = typer.Typer(
    help="Export or import your decisions (CSV or JSON).", no_args_is_help=True
)
app.add_typer(decisions_app, name="decisions")


def _eval_app() -> typer.Typer:
    """The ``eval`` group, shared with other areas (``eval identity``)."""
    for group in app.registered_groups:
        if group.name == "eval" and group.typer_instance is not None:
            return group.typer_instance
    sub = typer.Typer(help="Measure havewemet on labelled cases.", no_args_is_help=True)
    app.add_typer(sub, name="eval")
    return sub


eval_app = _eval_app()


@command()
def inbox(
    policy: PolicyOpt = None,
    preset: PresetOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="All evidence.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Every pending request with its verdict, evidence and recommendation."""
    from havewemet.triage.engine import triage_inbox
    from havewemet.triage.policy import load_policy

    store = _open()
    if not as_json:
        notice_preparing(store)
    results = triage_inbox(store, policy=load_policy(policy, preset_name=preset))
    if as_json:
        return _print_json([r.to_dict() for r in results])
    render.inbox(console, results, verbose=verbose)


@command()
def check(
    name: Annotated[str | None, typer.Argument(help="The requester's name.")] = None,
    url: Annotated[str, typer.Option(help="Their LinkedIn profile URL.")] = "",
    headline: Annotated[str, typer.Option(help="Their headline.")] = "",
    note: Annotated[str, typer.Option(help="The note they sent.")] = "",
    mutual: Annotated[
        list[str] | None,
        typer.Option(help="A mutual connection's name (repeat the option for each)."),
    ] = None,
    id_: Annotated[
        str | None,
        typer.Option("--id", help="Re-check a stored request by id, profile URL or name."),
    ] = None,
    save: Annotated[bool, typer.Option(help="Keep the request in the inbox.")] = True,
    policy: PolicyOpt = None,
    preset: PresetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check one request typed by hand (or a stored one with --id)."""
    from havewemet.models import PendingRequest, Request
    from havewemet.triage.engine import Triager
    from havewemet.triage.policy import load_policy

    store = _open()
    saved = ""
    if id_:
        req = store.get_request(id_)
    elif name:
        r = Request(
            name=name, profile_url=url, headline=headline, note=note, mutuals=list(mutual or [])
        )
        if save:
            before = store.request_statuses([r.id])
            req = store.get_request(store.add_request(r))
            saved = _saved_line(req.status, existed=bool(before))
        else:
            saved = "Not saved (--no-save): your inbox is unchanged."
            req = PendingRequest.of(r)
    else:
        raise HaveWeMetError(
            "give the requester's NAME (with --url, --headline, --note, "
            "--mutual), or --id for a stored request"
        )
    if not as_json:
        notice_preparing(store)
    result = Triager(store, policy=load_policy(policy, preset_name=preset)).check(req)
    if as_json:
        return _print_json(result.to_dict())
    render.inbox(console, [result], verbose=True, summary=False)
    if saved:
        console.print(saved, markup=False, highlight=False)


def _saved_line(status: str, *, existed: bool) -> str:
    """What ``check`` did with the request it was given (issue 13: say which)."""
    if status == "pending":
        if existed:
            return "Saved: it updated the same request already pending in your inbox."
        return "Saved: it is now pending in your inbox (havewemet inbox lists it)."
    if status == "connected":
        return "Not added to your inbox: you are already connected on LinkedIn."
    return f"Not added to your inbox: you already decided it ({status})."


@command("decide")
def decide_cmd(
    request: Annotated[
        str | None, typer.Argument(help="The request: id, profile URL or name.")
    ] = None,
    decision: Annotated[str | None, typer.Argument(help="accept, ask, ignore or report.")] = None,
    reason: Annotated[str, typer.Option(help="Why (shown if they come back).")] = "",
    all_recommended: Annotated[
        bool,
        typer.Option(
            "--all-recommended",
            help="Accept every pending request recommended for accept "
            "(ignore and report are never applied in bulk).",
        ),
    ] = False,
    policy: PolicyOpt = None,
    preset: PresetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record what you did with a request; it leaves the pending inbox."""
    from havewemet.triage.decisions import decide, decide_recommended, linkedin_step
    from havewemet.triage.policy import load_policy

    store = _open()
    if all_recommended:
        rows = decide_recommended(store, policy=load_policy(policy, preset_name=preset))
    elif request and decision:
        rows = [decide(store, request, decision, reason=reason)]
    else:
        raise HaveWeMetError(
            "give REQUEST and DECISION (accept, ask, ignore or report), or --all-recommended"
        )
    if as_json:
        return _print_json(rows)
    for r in rows:
        why = escape(r["reason"] or "no reason")
        console.print(f"{r['decision']}: {escape(r['name'])} ({why})")
    if not rows:
        console.print("No pending request is recommended for accept.")
    else:
        console.print(linkedin_step([r["decision"] for r in rows]), markup=False, highlight=False)


@command("history")
def history_cmd(
    person: Annotated[str, typer.Argument(help="A name, profile URL or request id.")],
    as_json: JsonOpt = False,
) -> None:
    """Every decision you took about a person."""
    from havewemet.triage.decisions import history

    rows = history(_open(), person)
    if as_json:
        return _print_json(rows)
    if not rows:
        console.print(f"No decisions about {escape(person)}.")
    for r in rows:
        why = f" - {escape(r['reason'])}" if r["reason"] else ""
        console.print(f"{r['decided_at'][:16]}  {r['decision']:7} {escape(r['name'])}{why}")


@command("export", typer_app=decisions_app)
def decisions_export(
    path: Annotated[Path, typer.Argument(help="FILE.csv or FILE.json.")],
    force: Annotated[bool, typer.Option(help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write every decision to a CSV or JSON file (readable by you only)."""
    from havewemet.triage.decisions import export_decisions

    n = export_decisions(_open(), path, overwrite=force)
    console.print(f"Wrote {n} decisions to {escape(str(path))}")


@command("import", typer_app=decisions_app)
def decisions_import(path: Annotated[Path, typer.Argument(help="FILE.csv or FILE.json.")]) -> None:
    """Read decisions exported before (those already kept are skipped)."""
    from havewemet.triage.decisions import import_decisions

    added, kept = import_decisions(_open(), path)
    console.print(f"Imported {added} decisions ({kept} already kept)")


@command("reply")
def reply_cmd(
    request: Annotated[str, typer.Argument(help="The request: id, profile URL or name.")],
    template: Annotated[
        str | None, typer.Option(help="A template name (default: the one for its recommendation).")
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            help="Your templates file (TOML); default $HAVEWEMET_REPLIES or replies.toml in "
            "your config folder."
        ),
    ] = None,
    policy: PolicyOpt = None,
    preset: PresetOpt = None,
) -> None:
    """Print a reply to a request, filled from a template."""
    from havewemet.triage.engine import Triager
    from havewemet.triage.policy import load_policy
    from havewemet.triage.replies import load_templates, reply_for

    store = _open()
    result = Triager(store, policy=load_policy(policy, preset_name=preset)).triage(
        store.get_request(request)
    )
    _, text = reply_for(
        result, template=template, templates=load_templates(templates), me=store.profile()["name"]
    )
    typer.echo(text)


@command("outreach")
def outreach_cmd(
    target: Annotated[str | None, typer.Argument(help="Their name or profile URL.")] = None,
    note: Annotated[str | None, typer.Option(help="The note you plan to send.")] = None,
    mutual: Annotated[
        list[str] | None, typer.Option(help="A mutual connection LinkedIn shows (repeat for each).")
    ] = None,
    audit: Annotated[
        bool, typer.Option("--audit", help="Review the invitations you sent.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Before you send a request: what you share, whether to send it, and the note."""
    from havewemet.triage.outreach import audit_outgoing, outreach

    if audit:
        result = audit_outgoing(_open())
        return _print_json(result.to_dict()) if as_json else render.audit(console, result)
    if not target:
        raise HaveWeMetError("give a NAME or profile URL, or --audit")
    res = outreach(_open(), target, note=note, mutuals=list(mutual or []))
    return _print_json(res.to_dict()) if as_json else render.outreach(console, res)


@command("triage", typer_app=eval_app)
def eval_triage(
    cases: Annotated[Path | None, typer.Argument(help="A cases file (JSON Lines).")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Score the demo's shipped cases.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy and confusion matrices of the triage on labelled cases."""
    from havewemet.evaluate.triage import evaluate, evaluate_demo

    if demo:
        with tempfile.TemporaryDirectory(prefix="havewemet-eval-") as tmp:
            report = evaluate_demo(Path(tmp))
    elif cases:
        report = evaluate(cases)
    else:
        raise HaveWeMetError("give a CASES.jsonl file, or --demo")
    return _print_json(report.to_dict()) if as_json else render.evaluation(console, report)
