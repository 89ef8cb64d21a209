"""The built-in demo: a generated persona imported into a temporary store and triaged."""

from __future__ import annotations

from pathlib import Path

from havewemet.demo.persona import ME_EMAIL, PLANTED, TODAY, build_export
from havewemet.demo.sources import EVENT, EVENT_DATE, write_sources
from havewemet.importers import ImportOptions, read_source
from havewemet.models import Request
from havewemet.store import Store
from havewemet.triage.engine import Triage, triage_inbox
from havewemet.triage.policy import load_policy

__all__ = ["PLANTED", "TODAY", "build_export", "load_demo", "run_demo", "write_demo"]


def write_demo(
    folder: Path, *, seed: int = 7
) -> tuple[list[tuple[Path, ImportOptions]], list[dict]]:
    """Write every demo source in ``folder``: the sources with the options to import
    each, and the invitation pages (what the user reads on LinkedIn's site)."""
    people: list = []
    export, pages = build_export(folder, seed=seed, people_out=people)
    files = write_sources(folder / "sources", people, pages, seed=seed)
    me = [ME_EMAIL]
    return [
        (export, ImportOptions()),
        (files["vcard"], ImportOptions()),
        (files["ical"], ImportOptions(me_emails=me)),
        (files["mbox"], ImportOptions(me_emails=me)),
        (files["mastodon"], ImportOptions()),
        (files["event"], ImportOptions(event=EVENT, event_date=EVENT_DATE, me_emails=me)),
    ], pages


def load_demo(folder: Path, *, store: Store | None = None, seed: int = 7) -> Store:
    """Generate the persona's files in ``folder`` and import them into a store."""
    store = store or Store.open(folder / "demo.db")
    sources, pages = write_demo(folder, seed=seed)
    for path, options in sources:
        store.save(read_source(path, options=options))
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
