"""The LinkedIn export's smaller files: imported contacts, endorsements,
recommendations, member follows and events.

Registered with :func:`havewemet.importers.linkedin.export_file` when
:mod:`havewemet.importers.linkedin` is imported (it imports this module last).
"""

from __future__ import annotations

import re

from havewemet.importers._io import CsvRows, Undated, parse_date
from havewemet.importers.linkedin.export import (
    SOURCE,
    Transformer,
    add_person,
    export_file,
    full_name,
    person_key,
)
from havewemet.models import Direction, FileReport, Identity, ImportBatch, stable_id
from havewemet.normalize import normalize_email


@export_file("importedcontacts", "contacts", order=40)
def _contacts(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    undated = Undated(table, "CreatedAt")
    for line, row in table.records():
        first, last = row.get("firstname", ""), row.get("lastname", "")
        name = row.get("fullname", "") or full_name(first, last)
        emails = [normalize_email(e) for e in re.split(r"[,;\s]+", row.get("emails", ""))]
        emails = [e for e in emails if e]
        if not name and not emails:
            continue
        key = "contact/" + (emails[0] if emails else stable_id(name.lower(), row.get("companies")))
        phones = [p.strip() for p in re.split(r"[,;]", row.get("phonenumbers", "")) if p.strip()]
        urls = [u.strip() for u in re.split(r"[,\s]+", row.get("profiles", "")) if u.strip()]
        ident = Identity(
            SOURCE,
            key,
            name=name,
            first_name=first,
            last_name=last,
            emails=emails,
            phones=phones,
            urls=urls,
            company=row.get("companies", ""),
            title=row.get("title", ""),
            file=table.file,
            line=line,
        )
        raw = row.get("createdat", "")
        at = undated.check(line, raw, parse_date(raw.split(" UTC")[0]) if raw else None)
        add_person(batch, report, ident, "contact", at, "out", row.get("source", ""))
    undated.warn(batch)


def _endorsements(direction: Direction) -> Transformer:
    def fn(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
        who = "endorser" if direction == "in" else "endorsee"
        undated = Undated(table, "Endorsement Date")
        for line, row in table.records():
            first, last = row.get(f"{who}firstname", ""), row.get(f"{who}lastname", "")
            name, url = full_name(first, last), row.get(f"{who}publicurl", "")
            if not name and not url:
                continue
            key = person_key(url, name)
            ident = Identity(
                SOURCE,
                key,
                name=name,
                first_name=first,
                last_name=last,
                urls=[url] if url else [],
                file=table.file,
                line=line,
            )
            raw = row.get("endorsementdate", "")
            at = undated.check(line, raw, parse_date(raw.replace("/", "-").replace(" UTC", "")))
            add_person(batch, report, ident, "endorsement", at, direction, row.get("skillname", ""))
        undated.warn(batch)

    return fn


export_file(
    "endorsementreceivedinfo",
    order=50,
    signature=("Endorsement Date", "Skill Name", "Endorser First Name", "Endorser Public Url"),
)(_endorsements("in"))
export_file(
    "endorsementgiveninfo",
    order=50,
    signature=("Endorsement Date", "Skill Name", "Endorsee First Name", "Endorsee Public Url"),
)(_endorsements("out"))


def _recommendations(direction: Direction) -> Transformer:
    def fn(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
        undated = Undated(table, "Creation Date")
        for line, row in table.records():
            first, last = row.get("firstname", ""), row.get("lastname", "")
            name = full_name(first, last)
            if not name:
                continue
            key = person_key("", name, row.get("company", ""))
            ident = Identity(
                SOURCE,
                key,
                name=name,
                first_name=first,
                last_name=last,
                company=row.get("company", ""),
                title=row.get("jobtitle", ""),
                file=table.file,
                line=line,
            )
            raw = row.get("creationdate", "")
            at = undated.check(line, raw, parse_date(raw))
            detail = row.get("text", "")[:200]
            add_person(batch, report, ident, "recommendation", at, direction, detail)
        undated.warn(batch)

    return fn


export_file("recommendationsreceived", order=50)(_recommendations("in"))
export_file("recommendationsgiven", order=50)(_recommendations("out"))


@export_file("memberfollows", order=50)
def _follows(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    undated = Undated(table, "Date")
    for line, row in table.records():
        name = row.get("fullname", "")
        if not name or row.get("status", "").lower() not in ("", "active"):
            continue
        key = person_key("", name)
        ident = Identity(SOURCE, key, name=name, file=table.file, line=line)
        at = undated.check(line, row.get("date", ""), parse_date(row.get("date", "")))
        add_person(batch, report, ident, "follow", at, "out", "LinkedIn")
    undated.warn(batch)


@export_file("events", order=50)
def _events(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    # The user's own events: no other people are named, so they are kept as notes.
    report.note = f"{len(table.rows)} of your events (no attendees in the export)"
