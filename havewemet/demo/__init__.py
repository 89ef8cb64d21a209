"""The built-in demo: a generated persona imported into a temporary store and triaged."""

from __future__ import annotations

from pathlib import Path

from havewemet.demo.persona import PLANTED, TODAY, build_export
from havewemet.importers import read_source
from havewemet.models import Request
from havewemet.store import Store
from havewemet.triage.engine import Triage, triage_inbox
from havewemet.triage.policy import load_policy

__all__ = ["PLANTED", "TODAY", "build_export", "load_demo", "run_demo"]


def load_demo(folder: Path, *, store: Store | None = None, seed: int = 7) -> Store:
    """Generate the persona's files in ``folder`` and import them into a store."""
    store = store or Store.open(folder / "demo.db")
    export, pages = build_export(folder, seed=seed)
    store.save(read_source(export))
    for page in pages:  # what the user reads on each invitation: headline, mutuals
        store.add_request(Request(name=page["name"], profile_url=page["profile_url"],
                                  headline=page["headline"], mutuals=page["mutuals"],
                                  source="invitation page"))
    return store


def run_demo(folder: Path, *, preset: str = "gatekeeper", seed: int = 7) -> list[Triage]:
    """Build, import and triage the demo; the inbox as the user would see it."""
    store = load_demo(folder, seed=seed)
    try:
        return triage_inbox(store, policy=load_policy(preset_name=preset), today=TODAY.date())
    finally:
        store.close()
