"""The ``havewemet`` command: a thin layer over the library.

Each command parses its options, opens the store, calls the library and prints.
Library errors become ``Error: ...`` with exit code 1.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from havewemet import render
from havewemet.errors import HaveWeMetError
from havewemet.store import Store, default_path

app = typer.Typer(
    help="Have we met? Triage connection requests against your own data, locally.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Show, write or check your triage policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
eval_app = typer.Typer(help="Measure havewemet on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
console = Console(soft_wrap=True)
_state: dict[str, Path | None] = {"db": None}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PolicyOpt = Annotated[Path | None, typer.Option("--policy", help="A TOML policy file.")]
PresetOpt = Annotated[
    str | None,
    typer.Option(
        "--preset", help="gatekeeper (default) or networker; overrides the file's preset."
    ),
]


def fail(error: Exception) -> typer.Exit:
    """Print ``Error: ...`` (one line per problem) on stderr; exit code 1."""
    sys.stderr.write(f"Error: {error}\n")
    return typer.Exit(1)


def errors_to_exit(fn):
    """Turn library errors into ``Error: ...`` and exit code 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except HaveWeMetError as e:
            raise fail(e) from None

    return wrapper


def command(*args, typer_app: typer.Typer | None = None, **kwargs):
    """``app.command`` (or ``typer_app.command``) with library errors turned into
    ``Error: ...`` and exit code 1."""

    def deco(fn):
        return (typer_app or app).command(*args, **kwargs)(errors_to_exit(fn))

    return deco


def open_store() -> Store:
    """The store named by --db / HAVEWEMET_DB (for command modules)."""
    return _store()


def _store() -> Store:
    return Store.open(_state["db"] or default_path())


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@app.callback()
def _main(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="HAVEWEMET_DB",
            help="The store (SQLite). Default: havewemet.db in your user data folder.",
        ),
    ] = None,
) -> None:
    _state["db"] = db


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
    if keep:
        console.print(f"\nFiles and store kept in {keep}")


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
        typer.Option("--map", help="For CSV lists of people: field=Column, e.g. name='Full Name'."),
    ] = None,
    event: Annotated[str | None, typer.Option(help="For attendee lists: the event.")] = None,
    event_date: Annotated[str | None, typer.Option(help="The event's date (YYYY-MM-DD).")] = None,
    list_kind: Annotated[
        str, typer.Option(help="event (attendees) or member (directory).")
    ] = "event",
    me: Annotated[list[str] | None, typer.Option(help="Your own e-mail address(es).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import one source into the store, in one transaction (re-importing changes nothing)."""
    from havewemet.importers import ImportOptions, read_source

    mapping = {}
    for item in map_ or []:
        if "=" not in item:
            raise HaveWeMetError(
                f"--map {item!r}: write it as field=Column, e.g. --map name='Full Name'"
            )
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    store = _store()
    opts = ImportOptions(
        source=source,
        mapping=mapping,
        event=event,
        event_date=event_date,
        list_kind=list_kind,
        me_emails=list(me or []),
    )
    batch = read_source(path, format=format, options=opts)
    result = store.save(batch)
    if as_json:
        return _print_json(
            {
                "source": batch.source,
                "path": batch.path,
                "files": [asdict(f) for f in batch.files],
                "unknown_files": batch.unknown_files,
                "added": result.added,
                "updated": result.updated,
                "warnings": batch.warnings,
            }
        )
    render.import_summary(console, batch, result)


#: From this many identities to prepare, a triage says why it takes seconds.
PREPARE_NOTICE = 5000


def notice_preparing(store: Store) -> int:
    """How many identities the next triage prepares for matching; one line on stderr
    when they are many (after an import: a few seconds at 30,000)."""
    from havewemet.identity.prepared import to_prepare

    n = to_prepare(store)
    if n >= PREPARE_NOTICE:
        sys.stderr.write(f"Preparing {n:,} people for matching (once after an import)...\n")
    return n


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

    store = _store()
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
    from havewemet.models import Request
    from havewemet.triage.engine import Triager
    from havewemet.triage.policy import load_policy

    store = _store()
    if id_:
        req = store.get_request(id_)
    elif name:
        r = Request(
            name=name, profile_url=url, headline=headline, note=note, mutuals=list(mutual or [])
        )
        if save:
            req = store.get_request(store.add_request(r))
        else:
            from havewemet.identity.handles import profile_slug

            req = {
                "id": r.id,
                "name": name,
                "profile_url": url,
                "slug": profile_slug(url),
                "headline": headline,
                "note": note,
                "mutuals": r.mutuals,
                "reminders": 0,
            }
    else:
        raise HaveWeMetError(
            "give the requester's NAME (with --url, --headline, --note, "
            "--mutual), or --id for a stored request"
        )
    if not as_json:
        notice_preparing(store)
    result = Triager(store, policy=load_policy(policy, preset_name=preset)).triage(req)
    if as_json:
        return _print_json(result.to_dict())
    render.inbox(console, [result], verbose=True)


@command()
def sources(as_json: JsonOpt = False) -> None:
    """What is imported, when, and how much each source gave."""
    rows = _store().sources()
    if as_json:  # the per-file report as JSON, not as a string holding JSON
        return _print_json([{**r, "report": json.loads(r["report"] or "[]")} for r in rows])
    if not rows:
        console.print("Nothing imported yet: `havewemet import PATH`.")
    for r in rows:
        console.print(
            f"{r['name']:28} {r['kind']:14} {r['imported_at']}  "
            f"{r['identities']} people, {r['interactions']} evidence, "
            f"{r['requests']} requests  ({r['path']})",
            markup=False,
        )


@command()
def forget(
    source: Annotated[str, typer.Argument(help="A source name from `havewemet sources`.")],
) -> None:
    """Remove everything one source gave from the store."""
    removed = _store().forget(source)
    console.print(
        f"Removed {source}: " + ", ".join(f"{n} {t}" for t, n in removed.items()), markup=False
    )


@command("show", typer_app=policy_app)
def policy_show(policy: PolicyOpt = None, preset: PresetOpt = None) -> None:
    """Print the policy in force as TOML."""
    from havewemet.triage.policy import load_policy, policy_toml

    sys.stdout.write(policy_toml(load_policy(policy, preset_name=preset)))


@command("init", typer_app=policy_app)
def policy_init(
    path: Annotated[Path, typer.Argument(help="Where to write the file.")],
    preset: Annotated[str, typer.Option(help="gatekeeper or networker.")] = "gatekeeper",
    force: Annotated[bool, typer.Option(help="Overwrite.")] = False,
) -> None:
    """Write a policy file from a preset, to edit."""
    from havewemet.triage.policy import policy_toml
    from havewemet.triage.policy import preset as make_preset

    if path.exists() and not force:
        raise HaveWeMetError(f"{path} exists; add --force to overwrite it")
    path.write_text(policy_toml(make_preset(preset)), encoding="utf-8")
    console.print(f"Wrote {path}; use it with --policy {path}", markup=False)


@command("check", typer_app=policy_app)
def policy_check(path: Annotated[Path, typer.Argument(help="The policy file.")]) -> None:
    """Check a policy file; every error is listed with its line and key."""
    from havewemet.triage.policy import load_policy

    pol = load_policy(path)
    console.print(f"{path}: OK (preset {pol.preset})", markup=False)


def _load_command_modules() -> None:
    import importlib

    from havewemet.commands import AREAS

    for area in AREAS:
        importlib.import_module(f"havewemet.commands.{area}")


_load_command_modules()


def main() -> None:
    app()
