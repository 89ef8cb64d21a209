"""The Facebook download ("Download your information", JSON format).

Read: ``your_friends.json`` (``{"friends_v2": [{"name": ..., "timestamp": ...}]}``;
exports before 2021 call it ``friends.json`` with the key ``friends``),
``received_friend_requests.json``, ``sent_friend_requests.json``,
``removed_friends.json``, ``rejected_friend_requests.json`` and
``profile_information.json`` (the user). The file's kind is told from its top
key, else from its name, so renamed folders (``friends/``,
``connections/friends/``, ``friends_and_followers/``) do not matter.

Facebook writes UTF-8 bytes as ``\\u00XX`` escapes (``"Jos\\u00c3\\u00a9"`` for
"José"); every string is repaired with :func:`fix_mojibake`. Friends carry no
id, so a friend's key is ``facebook/<name in lower case>``. Friends are
``friend`` interactions both ways at the date they became friends (UTC);
requests received and sent are ``friend`` in/out with the detail "friend
request"; removed and rejected people are kept as extra only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import decode_text, iter_members
from havewemet.importers.social import (
    Collector,
    JsonDoc,
    basename,
    fix_mojibake,
    is_single_file,
    listing,
    utc_date,
)
from havewemet.importers.social_facebook_pages import (
    Entry,
    Thread,
    entry_date,
    html_entries,
    html_thread,
    json_thread,
)
from havewemet.importers.social_facebook_pages import save as save_threads
from havewemet.models import FileReport, Identity, ImportBatch

SOURCE = "facebook"
_FIX = "Download your information again from Facebook in JSON format"

#: top-level key -> kind of file
_KEYS = {
    "friends_v2": "friends",
    "friends": "friends",
    "received_requests_v2": "received",
    "received_requests": "received",
    "sent_requests_v2": "sent",
    "sent_requests": "sent",
    "deleted_friends_v2": "removed",
    "deleted_friends": "removed",
    "removed_friends_v2": "removed",
    "rejected_requests_v2": "rejected",
    "rejected_requests": "rejected",
    "profile_v2": "profile",
    "profile": "profile",
}
#: file name -> kind of file
_NAMES = {
    "your_friends.json": "friends",
    "friends.json": "friends",
    "received_friend_requests.json": "received",
    "sent_friend_requests.json": "sent",
    "removed_friends.json": "removed",
    "rejected_friend_requests.json": "rejected",
    "profile_information.json": "profile",
}
_ORDER = ("profile", "friends", "received", "sent", "removed", "rejected")


#: a message thread's file: ``messages/inbox/<thread>/message_1.json`` (or ``.html``);
#: message requests and filtered threads (strangers, spam) are not read.
_THREAD = re.compile(
    r"(^|/)messages/(inbox|archived_threads|e2ee_cutover)/[^/]+/message_\d+\.(json|html?)$"
)


def _html_kind(base: str) -> str | None:
    """The kind of a page of the HTML download, by its name (``your_friends.html``)."""
    stem = base.rsplit(".", 1)[0]
    return _NAMES.get(f"{stem}.json") if base.endswith((".html", ".htm")) else None


def _sniff(path: Path, head: bytes) -> int:
    names = listing(path, head)
    if names is not None:
        names = [n for n in names if not n.endswith("/")]  # a zip's folder entries
        if any(basename(n) in _NAMES and basename(n) != "friends.json" for n in names):
            return 85
        if any(n.lower().endswith("friends/friends.json") for n in names):
            return 85
        if any(_html_kind(basename(n)) or _THREAD.search(n.lower()) for n in names):
            return 85
        return 0
    text = head[:4096].decode("utf-8", errors="replace")
    if re.search(
        r'^\s*\{\s*"(friends_v2|received_requests_v2|sent_requests_v2|'
        r'deleted_friends_v2|rejected_requests_v2|profile_v2)"',
        text,
    ):
        return 95
    if path.name.lower() in _NAMES and re.search(r'"(friends|timestamp)"', text):
        return 80
    if re.match(r"message_\d+\.json$", path.name.lower()) and '"participants"' in text:
        return 85
    if (_html_kind(path.name.lower()) or re.match(r"message_\d+\.html?$", path.name.lower())) and (
        "<section" in text or "uiBoxWhite" in text
    ):
        return 85
    return 0


def _name(entry: dict) -> str:
    value = entry.get("name") or entry.get("title")
    if not isinstance(value, str):
        # 2024 exports: {"label_values": [{"label": "Name", "value": "..."}]}
        labels = entry.get("label_values")
        value = (
            next(
                (
                    lv.get("value")
                    for lv in labels
                    if isinstance(lv, dict) and str(lv.get("label", "")).lower() == "name"
                ),
                "",
            )
            if isinstance(labels, list)
            else ""
        )
    return " ".join(fix_mojibake(value).split()) if isinstance(value, str) else ""


def _entries(doc: JsonDoc, kind: str) -> list:
    data = doc.data
    if isinstance(data, dict):
        data = next((v for k, v in data.items() if _KEYS.get(k) == kind), data)
    if not isinstance(data, list):
        raise InputError(doc.file, f"does not hold a list of {kind} entries", line=1, fix=_FIX)
    return data


def _profile(doc: JsonDoc, batch: ImportBatch) -> int:
    data = doc.data
    prof = data.get("profile_v2") or data.get("profile") if isinstance(data, dict) else None
    if not isinstance(prof, dict):
        return 0
    name = prof.get("name")
    names = name if isinstance(name, dict) else {}

    def text(d: dict, key: str) -> str:
        v = d.get(key)
        return fix_mojibake(v).strip() if isinstance(v, str) else ""

    me = Identity(
        SOURCE,
        "me",
        name=text(names, "full_name"),
        first_name=text(names, "first_name"),
        last_name=text(names, "last_name"),
        file=doc.file,
        line=doc.line_of(prof, 1),
    )
    emails = prof.get("emails")
    mails = emails if isinstance(emails, dict) else {}
    for key in ("emails", "previous_emails"):
        values = mails.get(key)
        for e in values if isinstance(values, list) else []:
            if isinstance(e, str) and "@" in e and e.strip().lower() not in me.emails:
                me.emails.append(e.strip().lower())
    if text(prof, "username"):
        me.handles.append(f"facebook:{text(prof, 'username')}")
    if text(prof, "profile_uri"):
        me.urls.append(text(prof, "profile_uri"))
    city = prof.get("current_city")
    me.location = text(city, "name") if isinstance(city, dict) else ""
    jobs = prof.get("work_experiences")
    for job in jobs if isinstance(jobs, list) else []:
        if not isinstance(job, dict):
            continue
        employer = job.get("employer")
        company = text(employer, "name") if isinstance(employer, dict) else ""
        if company:
            batch.positions.append(
                {
                    "company": company,
                    "title": text(job, "title"),
                    "start": utc_date(job.get("start_timestamp")) or "",
                    "end": utc_date(job.get("end_timestamp")) or "",
                    "file": doc.file,
                    "line": str(doc.line_of(job, me.line)),
                }
            )
    batch.me = me
    return 1


@register(
    "facebook-json",
    description="Facebook download in JSON (friends, friend requests)",
    sniff=_sniff,
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read friends, friend requests and the user's profile from a Facebook download."""
    batch = ImportBatch(source=SOURCE, kind="facebook-json", path=str(path))
    people = Collector(SOURCE)
    docs: list[tuple[str, str, JsonDoc | list[Entry]]] = []
    threads: list[Thread] = []
    # In a folder or zip only the known files are parsed (a download holds thousands).
    single = is_single_file(path)
    inside: dict[str, str] = {}  # how errors name a file -> its path in the download
    for member in iter_members(path):
        inside[member.display] = member.name
        base, lower = basename(member.name), member.name.lower()
        thread = _THREAD.search(lower) or (single and re.match(r"message_\d+\.", base))
        if thread:
            text = decode_text(member.read(), member.display)
            if base.endswith(".json"):
                threads.append(json_thread(JsonDoc(text, member.display, fix=_FIX), _FIX))
            else:
                threads.append(html_thread(text, member.display))
            continue
        if _html_kind(base):
            _title, entries = html_entries(decode_text(member.read(), member.display))
            docs.append((_html_kind(base) or "", member.display, entries))
            continue
        if not base.endswith(".json") or (base not in _NAMES and not single):
            batch.unknown_files.append(member.name)
            continue
        doc = JsonDoc(decode_text(member.read(), member.display), member.display, fix=_FIX)
        keys = list(doc.data) if isinstance(doc.data, dict) else []
        kind = next((_KEYS[k] for k in keys if k in _KEYS), _NAMES.get(base))
        if kind is None:
            batch.unknown_files.append(member.name)
            continue
        docs.append((kind, member.display, doc))
    if not docs and not threads:
        raise InputError(
            str(path),
            "holds no Facebook friends, friend-request or message file",
            fix=f"Give your_friends.json (or .html) or the whole download. {_FIX}",
        )
    undated: list[tuple[str, int, str]] = []
    for kind, name, read in sorted(docs, key=lambda d: (_ORDER.index(d[0]), d[1])):
        report = FileReport(file=name, kind=kind)
        batch.files.append(report)
        if kind == "profile":
            if isinstance(read, JsonDoc):
                report.identities = _profile(read, batch)
            continue
        rows = (
            _json_rows(read, kind) if isinstance(read, JsonDoc) else _html_rows(read, name, undated)
        )
        for full, line, at, email in rows:
            report.rows += 1
            extra: dict[str, object] = {}
            if kind in ("removed", "rejected"):
                extra = {f"facebook_{kind}": at or True}
            key = f"{SOURCE}/{full.lower()}"
            people.person(
                key, name, line, report, name=full, emails=[email] if email else [], extra=extra
            )
            if kind == "friends":
                people.interact(key, "friend", "both", name, line, report, at=at)
            elif kind in ("received", "sent"):
                people.interact(
                    key,
                    "friend",
                    "in" if kind == "received" else "out",
                    name,
                    line,
                    report,
                    at=at,
                    detail="friend request",
                )
    if undated:
        file, line, raw = undated[0]
        batch.warnings.append(
            f"{file}: {len(undated)} date(s) not understood (the first on line {line}: "
            f"{raw!r}); those people are kept without a date"
        )
    reports = {}
    for t in threads:
        if t.file not in reports:
            reports[t.file] = FileReport(file=t.file, kind="messages")
            batch.files.append(reports[t.file])
    save_threads(threads, batch, people, reports, {})
    for report in batch.files:  # the summary names the file inside the download
        report.file = inside.get(report.file, report.file)
    return people.finish(batch)


def _json_rows(doc: JsonDoc, kind: str) -> Iterator[tuple[str, int, str | None, str]]:
    """(name, line, date, e-mail) of each entry of a JSON friends or requests file."""
    entries = _entries(doc, kind)
    for n, entry in enumerate(entries):
        line = doc.line_of(entry, doc.line_of_item(entries, n))
        full = _name(entry) if isinstance(entry, dict) else ""
        if not full:
            raise InputError(doc.file, f"entry {n + 1} has no name", line=line, fix=_FIX)
        contact = entry.get("contact_info")
        email = contact.strip().lower() if isinstance(contact, str) and "@" in contact else ""
        yield full, line, utc_date(entry.get("timestamp")), email


def _html_rows(
    entries: list[Entry], file: str, undated: list[tuple[str, int, str]]
) -> Iterator[tuple[str, int, str | None, str]]:
    """(name, line, date, "") of each entry of an HTML friends or requests page."""
    for entry in entries:
        if not entry.heading:
            continue
        at, raw = entry_date(entry)
        if at is None and raw:
            undated.append((file, entry.line, raw))
        yield entry.heading, entry.line, at[:10] if at else None, ""
