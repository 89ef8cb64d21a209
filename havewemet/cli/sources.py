"""Commands for what is imported: demo, import, sources, forget."""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli import render
from havewemet.cli.app import (
    JsonOpt,
    _print_json,
    command,
    console,
    db_given,
    open_store,
)
from havewemet.errors import HaveWeMetError


@command()
def demo(
    preset: Annotated[str, typer.Option(help="gatekeeper or networker.")] = "gatekeeper",
    keep: Annotated[
        Path | None, typer.Option(help="Keep the generated files and store in this folder.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="All evidence.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Generate a demo persona (a librarian's LinkedIn export), import it and triage it."""
    from havewemet.demo import run_demo

    given = db_given()
    if given is not None:  # the demo never writes the user's store: say so
        where = f"in {keep / 'demo.db'}" if keep else "in a temporary folder"
        sys.stderr.write(f"The demo keeps its own store {where}: {given} is not touched.\n")
    with tempfile.TemporaryDirectory(prefix="havewemet-demo-") as tmp:
        folder = keep or Path(tmp)
        results = run_demo(folder, preset=preset)
    if as_json:
        return _print_json([r.to_dict() for r in results])
    console.print(
        "[bold]Demo:[/] Ruth Calloway, senior librarian at a city council, "
        f"policy [bold]{preset}[/]. Her data: a LinkedIn export (1,500 connections, "
        "a year of messages), an address book, a calendar, mail, a Mastodon list "
        f"and a conference attendee list; {len(results)} pending invitations.\n"
    )
    render.inbox(console, results, verbose=verbose)
    console.print(_demo_next(keep), markup=False, highlight=False)


def _demo_next(keep: Path | None) -> str:
    """What to try after the demo: keep its files, see it in the browser, use your own data."""
    from havewemet.demo import REPRODUCE

    if keep is None:
        steps = [
            ("havewemet demo --keep DIR", "keep the demo's files and store in DIR"),
            ("havewemet --db DIR/demo.db serve", "then the same inbox in your browser"),
        ]
    else:
        db = shlex.quote(str(keep / "demo.db"))
        steps = [
            (f"havewemet --db {db} serve", "this inbox in your browser (decide with a click)"),
            (f"havewemet --db {db} inbox", "this inbox again in the terminal"),
            (f"sh {shlex.quote(str(keep / REPRODUCE))}", "rebuild it from the kept files"),
        ]
    steps.append(("havewemet import PATH", "your own LinkedIn export (README: step 1)"))
    steps.append(("havewemet extension install", "the verdicts on LinkedIn's own pages"))
    width = max(len(c) for c, _ in steps)
    lines = [f"  {c:{width}}  {what}" for c, what in steps]
    head = f"\nFiles and store kept in {keep}. " if keep else "\n"
    return head + "Try next:\n" + "\n".join(lines)


@command("import")
def import_(
    path: Annotated[
        Path,
        typer.Argument(
            help="A file, folder or zip (e.g. your LinkedIn export Basic_LinkedInDataExport_*.zip)."
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            help="Force the format, e.g. vcard, ical, mbox, "
            "x-archive, people-list (an unrecognised "
            "file's error lists them all)."
        ),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Name the source in the store.")] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            help="For CSV lists of people: field=Column, e.g. name='Full Name'.",
        ),
    ] = None,
    event: Annotated[str | None, typer.Option(help="For attendee lists: the event.")] = None,
    event_date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="The event's date.")
    ] = None,
    list_kind: Annotated[
        str, typer.Option(help="event (attendees) or member (directory).")
    ] = "event",
    me: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ADDRESS",
            help="Your own e-mail address (repeat for each); remembered for later imports "
            "(havewemet me).",
        ),
    ] = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Read the file even if this very file was imported last time "
            "(same bytes, options and havewemet).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import one source into the store, in one transaction (re-importing changes nothing)."""
    from havewemet.identity.cluster import save_and_group
    from havewemet.importers import ImportOptions, fingerprint, read_source

    mapping = {}
    for item in map_ or []:
        if "=" not in item:
            raise HaveWeMetError(
                f"--map {item!r}: write it as field=Column, e.g. --map name='Full Name'"
            )
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    store = open_store()
    opts = ImportOptions(
        source=source,
        mapping=mapping,
        event=event,
        event_date=event_date,
        list_kind=list_kind,
        me_emails=list(me or []),
        known_me=store.my_addresses(),
        not_me=store.not_my_addresses(),
    )
    fp = fingerprint(path, format=format, options=opts)
    last = None if again else store.imported_from(fp)
    if last is not None:
        return _unchanged(path, last, store.source_request_statuses(last["name"]), as_json)
    batch = read_source(path, format=format, options=opts)
    result = save_and_group(store, batch, fingerprint=fp)
    statuses = store.request_statuses(r.id for r in batch.requests)
    if as_json:
        return _print_json(
            {
                "source": batch.source,
                "path": batch.path,
                "files": [asdict(f) for f in batch.files],
                "unknown_files": batch.unknown_files,
                "added": result.added,
                "updated": result.updated,
                "identities_found_to_be_you": result.you,
                "warnings": batch.warnings,
                "notes": batch.notes,
                "requests": statuses,
            }
        )
    render.import_summary(console, batch, result, statuses)


@command()
def sources(as_json: JsonOpt = False) -> None:
    """What is imported, when, and how much each source gave."""
    rows = open_store().sources()
    if as_json:  # the per-file report as JSON, not as a string holding JSON
        return _print_json([{**r, "report": json.loads(r["report"] or "[]")} for r in rows])
    if not rows:
        console.print("Nothing imported yet: `havewemet import PATH`.")
        return
    render.sources(console, rows)


def _unchanged(path: Path, last: dict, statuses: dict[str, int], as_json: bool) -> None:
    """Say that ``path`` is the file imported last time, as it was then: nothing to do;
    ``statuses``: how many of its requests are pending, already connected or decided."""
    if as_json:
        return _print_json(
            {
                "source": last["name"],
                "path": str(path),
                "unchanged": True,
                "imported_at": last["imported_at"],
                "files": json.loads(last["report"] or "[]"),
                "added": {},
                "updated": {},
                "requests": statuses,
            }
        )
    console.print(
        f"{path}: the same file as imported on {last['imported_at'][:16].replace('T', ' ')} "
        f"as source '{last['name']}' (same bytes, options and havewemet): nothing to "
        "change. `--again` reads it anyway.",
        markup=False,
        highlight=False,
    )
    if statuses:
        console.print(render.requests_line(statuses), markup=False, highlight=False)


@command()
def forget(
    source: Annotated[str, typer.Argument(help="A source name from `havewemet sources`.")],
) -> None:
    """Remove everything one source gave from the store (and group again the people its
    identities were part of)."""
    from havewemet.identity.cluster import forget_and_regroup

    removed = forget_and_regroup(open_store(), source)
    console.print(
        f"Removed {source}: " + ", ".join(f"{n} {t}" for t, n in removed.items()), markup=False
    )
