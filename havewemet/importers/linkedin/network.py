"""LinkedIn export: the profile, e-mail addresses, positions, connections, invitations."""

from __future__ import annotations

import re
from operator import itemgetter

from havewemet.importers._io import (
    CsvRows,
    Undated,
    parse_date,
)
from havewemet.importers.linkedin.export import (
    SOURCE,
    add_person,
    export_file,
    full_name,
    me_identity,
    person_key,
    require_columns,
)
from havewemet.models import (
    FileReport,
    Identity,
    ImportBatch,
    Interaction,
    OwnIdentifier,
    OwnKind,
    Request,
)
from havewemet.normalize import normalize_email, normalize_phone, profile_slug


@export_file("profile", order=0, markers=("First Name", "Last Name"))
def _profile(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    for line, row in list(table.records())[:1]:
        me = me_identity(batch)
        me.first_name, me.last_name = row.get("firstname", ""), row.get("lastname", "")
        me.name = full_name(me.first_name, me.last_name)
        me.title = row.get("headline", "")
        me.location = row.get("geolocation", "") or row.get("location", "")
        me.file, me.line = table.file, line
        if row.get("maidenname"):
            me.extra["maiden_name"] = row["maidenname"]
        for h in re.split(r"[,\s]+", row.get("twitterhandles", "")):
            if h.strip("[]@"):
                me.handles.append("@" + h.strip("[]@"))
        maiden = full_name(me.first_name, row.get("maidenname", ""))
        own: list[tuple[OwnKind, str]] = [("name", me.name), ("name", maiden)]
        own += [("handle", h) for h in me.handles]
        for kind, value in dict.fromkeys(own):
            if value and (kind != "name" or " " in value):
                batch.own.append(OwnIdentifier(kind, value, table.file, line))
        report.identities = 1


@export_file("emailaddresses", order=1, markers=("Email Address",))
def _emails(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    me = me_identity(batch)
    for line, row in table.records():
        raw = row.get("emailaddress", "")
        email = normalize_email(raw)
        if raw.strip() and not email:
            batch.warnings.append(
                f"{table.file}, line {line}: {raw.strip()!r} is not an e-mail address; "
                "it is not taken as yours (havewemet me --add ADDRESS adds the right one)"
            )
        if email and email not in me.emails:
            me.emails.append(email)
            primary = row.get("primary", "").strip().lower() in ("yes", "true", "1")
            batch.own.append(OwnIdentifier("email", email, table.file, line, primary=primary))
            report.identities = 1


@export_file("phonenumbers", order=1, markers=("Number",))
def _phones(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    """``PhoneNumbers.csv`` (``Extension,Number,Type``): the user's own numbers."""
    me = me_identity(batch)
    for line, row in table.records():
        raw = row.get("number", "").strip()
        phone = normalize_phone(raw, keep_raw=True) if any(c.isdigit() for c in raw) else ""
        if phone and phone not in me.phones:
            me.phones.append(phone)
            batch.own.append(OwnIdentifier("phone", phone, table.file, line))
            report.identities = 1


@export_file("positions", order=2, markers=("Company Name",))
def _positions(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    started, finished = Undated(table, "Started On"), Undated(table, "Finished On")
    for line, row in table.records():
        start, end = row.get("startedon", ""), row.get("finishedon", "")
        batch.positions.append(
            {
                "company": row.get("companyname", ""),
                "title": row.get("title", ""),
                "start": started.check(line, start, parse_date(start)) or "",
                "end": finished.check(line, end, parse_date(end)) or "",
                "file": table.file,
                "line": str(line),
            }
        )
    started.warn(batch)
    finished.warn(batch)


@export_file(
    "connections",
    order=10,
    markers=("First Name", "Last Name"),
    signature=("First Name", "Last Name", "Company", "Position", "Connected On"),
)
def _connections(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    require_columns(table, "First Name", "Last Name", "Company", "Position", "Connected On")
    file, identities, interactions = table.file, batch.identities, batch.interactions
    columns = ("firstname", "lastname", "url", "emailaddress", "company", "position")
    # Column-wise, positional records: 30,000 rows are the bulk of an export (issue 2).
    # Dates are parsed once per distinct text (30,000 connections fall on a few
    # thousand days).
    raw_dates = list(map(itemgetter(table.col["connectedon"]), table.rows))
    dates = {d: parse_date(d) for d in dict.fromkeys(raw_dates)}
    if any(d.strip() and not at for d, at in dates.items()):
        undated = Undated(table, "Connected On")
        for line, raw in zip(table.lines, raw_dates, strict=True):
            undated.check(line, raw.strip(), dates[raw])
        undated.warn(batch)
    before, hidden = len(identities), 0
    for line, raw_date, first, last, url, email, company, title in zip(
        table.lines, raw_dates, *map(table.column, columns), strict=True
    ):
        name = f"{first} {last}" if first and last else first or last
        if not name and not url:
            hidden += 1  # a hidden profile: LinkedIn gives only the date
            continue
        key = person_key(url, name, company)
        email = normalize_email(email) if email else ""
        identities.append(
            Identity(
                SOURCE,
                key,
                name,
                first,
                last,
                [email] if email else [],
                [],
                [url] if url else [],
                [],
                [],
                company,
                title,
                "",
                file,
                line,
                connection=True,
            )
        )
        interactions.append(
            Interaction(SOURCE, key, "connected", dates[raw_date], "both", "", file, line)
        )
    report.identities += len(identities) - before
    report.interactions += len(identities) - before
    if hidden:
        report.note = f"{hidden} hidden profiles (date only) skipped"


@export_file(
    "invitations",
    order=20,
    markers=("From", "To"),
    signature=("From", "To", "Sent At", "Direction"),
)
def _invitations(table: CsvRows, batch: ImportBatch, report: FileReport) -> None:
    require_columns(table, "From", "To", "Sent At", "Direction")
    undated = Undated(table, "Sent At")
    own: dict[str, int] = {}  # the user's profile slugs (each invitation names it, 2023+)
    for line, row in table.records():
        direction = row.get("direction", "").upper()
        mine = {"INCOMING": "inviteeprofileurl", "OUTGOING": "inviterprofileurl"}.get(direction)
        slug = profile_slug(row.get(mine, "")) if mine else ""
        if slug:
            own.setdefault(slug, line)
        raw = row.get("sentat", "")
        sent = undated.check(line, raw, parse_date(raw))
        note = row.get("message", "")
        if direction == "INCOMING":
            batch.requests.append(
                Request(
                    name=row.get("from", ""),
                    profile_url=row.get("inviterprofileurl", ""),
                    note=note,
                    sent_at=sent,
                    source=SOURCE,
                    file=table.file,
                    line=line,
                )
            )
            report.requests += 1
        elif direction == "OUTGOING":
            name, url = row.get("to", ""), row.get("inviteeprofileurl", "")
            key = person_key(url, name)
            ident = Identity(
                SOURCE, key, name=name, urls=[url] if url else [], file=table.file, line=line
            )
            add_person(batch, report, ident, "invitation", sent, "out", note[:300])
    undated.warn(batch)
    batch.own += [OwnIdentifier("profile", s, table.file, line) for s, line in own.items()]
