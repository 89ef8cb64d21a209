"""Mail correspondents: one message's headers read, the user's address guessed, and the
messages summed per person and direction into identities and interactions (issue 4).

Used by :mod:`havewemet.importers.mail`, which finds the messages in an mbox file,
a Maildir folder or one ``.eml`` message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime

from havewemet.importers._mail_headers import addresses, bulk_kind
from havewemet.models import FileReport, Identity, ImportBatch, Interaction


@dataclass(slots=True)
class _Raw:
    """One message's bytes and where it came from."""

    file: str
    line: int
    data: bytes
    sent_folder: bool
    group: str
    """The mailbox (file or Maildir folder) it belongs to, for the file report."""


@dataclass(slots=True)
class _Mail:
    file: str
    line: int
    group: str
    sent_folder: bool
    sender: tuple[str, str] | None
    recipients: list[tuple[str, str]] = field(default_factory=list)
    at: str | None = None
    bulk: str = ""
    delivered_to: str = ""


def _read_mail(headers: dict[str, list[str]], raw: _Raw) -> _Mail:
    senders = addresses(headers, "from")
    labels = ",".join(headers.get("x-gmail-labels", [])).split(",")
    sent = raw.sent_folder or any(label.strip().lower() == "sent" for label in labels)
    mail = _Mail(raw.file, raw.line, raw.group, sent, senders[0] if senders else None)
    for h in ("to", "cc", "bcc"):
        mail.recipients += addresses(headers, h)
    date = headers.get("date", [""])[0]
    try:
        dt = parsedate_to_datetime(date) if date.strip() else None
    except (ValueError, TypeError, IndexError, OverflowError):
        dt = None
    if dt is not None:
        if dt.tzinfo is not None:
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        mail.at = dt.isoformat(timespec="seconds")
    mail.bulk = bulk_kind(headers, mail.sender[0] if mail.sender else "")
    for h in ("delivered-to", "x-original-to"):
        got = addresses(headers, h)
        if got:
            mail.delivered_to = got[0][0]
            break
    return mail


def _guess_me(mails: list[_Mail]) -> tuple[set[str], bool]:
    """The user's address: most frequent From in sent folders, else delivered-to, else
    To; and whether the guess is sure enough to remember (issue 12): the first two say
    whose mailbox it is, the most frequent recipient does not (the user writing twice to
    a colleague who wrote back once makes the colleague the most frequent)."""
    for sure, counts in (
        (True, Counter(m.sender[0] for m in mails if m.sent_folder and m.sender)),
        (True, Counter(m.delivered_to for m in mails if m.delivered_to)),
        (False, Counter(r[0] for m in mails if not m.bulk for r in {*m.recipients})),
    ):
        top = counts.most_common(2)
        if top and (len(top) == 1 or top[1][1] < top[0][1]):
            return {top[0][0]}, sure
    return set(), False


def _aggregate(
    batch: ImportBatch, mails: list[_Mail], me: set[str], reports: dict[str, FileReport]
) -> None:
    # (email, direction) -> [count, first, last, file, line]
    agg: dict[tuple[str, str], list] = {}
    people: dict[str, Identity] = {}
    skipped: Counter[tuple[str, str]] = Counter()
    group_of: dict[str, str] = {}
    for m in mails:
        if m.bulk:
            skipped[(m.group, m.bulk)] += 1
            continue
        if m.sender is None:
            continue
        if m.sender[0] in me:
            targets, direction = [r for r in m.recipients if r[0] not in me], "out"
        else:
            targets, direction = [m.sender], "in"
        for email_, name in dict(targets).items():
            ident = people.get(email_)
            if ident is None:
                ident = people[email_] = Identity(
                    batch.source, email_, name=name, emails=[email_], file=m.file, line=m.line
                )
                batch.identities.append(ident)
            elif name and not ident.name:
                ident.name = name
            if email_ not in group_of:
                group_of[email_] = m.group
            slot = agg.setdefault((email_, direction), [0, m.at, m.at, m.file, m.line])
            slot[0] += 1
            if m.at and (slot[1] is None or m.at < slot[1]):
                slot[1] = m.at
            if m.at and (slot[2] is None or m.at > slot[2]):
                slot[2] = m.at
    for (email_, direction), (n, first, last, file, line) in agg.items():
        batch.interactions.append(
            Interaction(
                batch.source,
                email_,
                "mail",
                last,
                direction,  # type: ignore[arg-type]
                f"first {first}" if first else "",
                file,
                line,
                count=n,
            )
        )
    for ident in batch.identities:
        reports[group_of[ident.key]].identities += 1
    for inter in batch.interactions:
        reports[group_of[inter.identity_key]].interactions += 1
    for folder, report in reports.items():
        lists, noreply = skipped[(folder, "list")], skipped[(folder, "noreply")]
        notes = [f"{lists} mailing-list/bulk messages skipped"] if lists else []
        if noreply:
            notes.append(f"{noreply} no-reply messages skipped")
        report.note = "; ".join(notes)
