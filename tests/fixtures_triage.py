"""Small stores for triage tests, built from ImportBatch records in code."""

from __future__ import annotations

from datetime import date

from havewemet.models import Identity, ImportBatch, Interaction, Request
from havewemet.store import Store

TODAY = date(2026, 6, 1)


def person(
    batch: ImportBatch,
    key: str,
    name: str,
    *,
    url: str = "",
    emails=(),
    company: str = "",
    line: int = 2,
    file: str = "Connections.csv",
) -> str:
    first, _, last = name.partition(" ")
    batch.identities.append(
        Identity(
            batch.source,
            key,
            name,
            first,
            last,
            emails=list(emails),
            urls=[url] if url else [],
            company=company,
            file=file,
            line=line,
        )
    )
    return key


def did(
    batch: ImportBatch,
    key: str,
    kind: str,
    at: str | None,
    direction: str = "none",
    *,
    detail: str = "",
    count: int = 1,
    file: str = "messages.csv",
    line: int = 2,
) -> None:
    batch.interactions.append(
        Interaction(
            batch.source, key, kind, at, direction, detail, file=file, line=line, count=count
        )
    )


def batch(source: str = "linkedin") -> ImportBatch:
    return ImportBatch(source=source, kind="test", path="test")


def request(
    store: Store,
    name: str,
    *,
    url: str = "",
    note: str = "",
    headline: str = "",
    mutuals=(),
    sent_at: str | None = "2026-05-30T10:00:00",
    reminders: int = 0,
) -> dict:
    rid = store.add_request(Request(name, url, headline, note, sent_at, list(mutuals), reminders))
    return store.get_request(rid)


def li(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}"
