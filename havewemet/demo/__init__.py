"""The built-in demo: a generated persona imported into a temporary store and triaged."""

from __future__ import annotations

import shlex
from pathlib import Path

from havewemet.demo.persona import PLANTED, TODAY, build_export
from havewemet.demo.sources import EVENT, EVENT_DATE, write_sources
from havewemet.identity.cluster import save_and_group
from havewemet.importers import ImportOptions, read_source
from havewemet.models import Request
from havewemet.store import Store
from havewemet.triage.engine import Triage, triage_inbox
from havewemet.triage.policy import load_policy

__all__ = [
    "PLANTED",
    "REPRODUCE",
    "TODAY",
    "build_export",
    "load_demo",
    "reproduce_script",
    "run_demo",
    "write_demo",
]

#: The script, beside the demo's files, that rebuilds its store with havewemet's commands.
REPRODUCE = "reproduce.sh"


def write_demo(
    folder: Path, *, seed: int = 7
) -> tuple[list[tuple[Path, ImportOptions]], list[dict]]:
    """Write every demo source in ``folder``: the sources with the options to import
    each, and the invitation pages (what the user reads on LinkedIn's site)."""
    people: list = []
    export, pages = build_export(folder, seed=seed, people_out=people)
    files = write_sources(folder / "sources", people, pages, seed=seed)
    # No --me: the export's Email Addresses.csv, imported first, tells the mail and the
    # calendar which address is Ruth's (issue 12).
    sources = [
        (export, ImportOptions()),
        (files["vcard"], ImportOptions()),
        (files["ical"], ImportOptions()),
        (files["mbox"], ImportOptions()),
        (files["mastodon"], ImportOptions()),
        (files["event"], ImportOptions(event=EVENT, event_date=EVENT_DATE)),
    ]
    script = folder / REPRODUCE
    script.write_text(reproduce_script(folder, sources, pages), encoding="utf-8")
    script.chmod(0o755)
    return sources, pages


def reproduce_script(
    folder: Path, sources: list[tuple[Path, ImportOptions]], pages: list[dict]
) -> str:
    """A POSIX shell script of ``havewemet`` commands that rebuilds the demo's store
    from the files in ``folder``: each import with its options, then one
    ``havewemet check`` per invitation page with the mutual connections the user
    typed from it (the export has no second-degree connections: without them Victor
    Lane would show 2 mutuals, not 40). Every value is shell-quoted."""
    q = shlex.quote
    lines = [
        "#!/bin/sh",
        "# Rebuilds the havewemet demo's store from the files in this folder, as a user",
        "# would: import each source, then type what each invitation page shows.",
        "# Into a store of its own:  HAVEWEMET_DB=demo-again.db sh reproduce.sh",
        "# then:                     HAVEWEMET_DB=demo-again.db havewemet inbox",
        "set -e",
        'here=$(dirname "$0")',
        "",
    ]
    for path, opts in sources:
        args = ["havewemet", "import", path.relative_to(folder).as_posix()]
        args[2] = '"$here"/' + q(args[2])
        args += [a for email in opts.me_emails for a in ("--me", email)]
        if opts.event:
            args += ["--event", opts.event]
        if opts.event_date:
            args += ["--event-date", opts.event_date]
        lines.append(" ".join([*args[:3], *(q(a) for a in args[3:])]) + " > /dev/null")
    lines += ["", "# The mutual connections typed from each invitation page (havewemet check)."]
    for page in pages:
        if page["mutuals"]:
            args = ["havewemet", "check", page["name"], "--url", page["profile_url"]]
            args += [a for name in page["mutuals"] for a in ("--mutual", name)]
            lines.append(" ".join(q(a) for a in args) + " --json > /dev/null")
    lines += ["", 'echo "Done: havewemet inbox shows the demo\'s requests."', ""]
    return "\n".join(lines)


def load_demo(folder: Path, *, store: Store | None = None, seed: int = 7) -> Store:
    """Generate the persona's files in ``folder`` and import them into a store."""
    store = store or Store.open(folder / "demo.db")
    sources, pages = write_demo(folder, seed=seed)
    for path, options in sources:
        options.known_me = store.my_addresses()  # as `havewemet import` does (issue 12)
        save_and_group(store, read_source(path, options=options))
    for page in pages:  # mutual names the user pastes from the invitation page
        if page["mutuals"]:
            store.add_request(
                Request(
                    name=page["name"],
                    profile_url=page["profile_url"],
                    mutuals=page["mutuals"],
                    source="invitation page",
                )
            )
    return store


def run_demo(folder: Path, *, preset: str = "gatekeeper", seed: int = 7) -> list[Triage]:
    """Build, import and triage the demo; the inbox as the user would see it."""
    store = load_demo(folder, seed=seed)
    try:
        return triage_inbox(store, policy=load_policy(preset_name=preset), today=TODAY.date())
    finally:
        store.close()
