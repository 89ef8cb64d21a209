"""Facebook's HTML download and its message threads (issue 13).

Facebook's "Download your information" defaults to HTML: ``connections/friends/
your_friends.html`` and one ``message_1.html`` per thread (``messages/inbox/
<thread>/`` or, since 2023, ``your_facebook_activity/messages/inbox/<thread>/``).
Each entry of those pages is a ``<section>`` (2023+: ``<h2>`` the name, a
``<footer>`` holding the date, ``Jul 01, 2026 6:25:04 PM``) or, in older
downloads, a ``<div class="... uiBoxWhite ...">`` box (a heading or first text, the
date last). The generated class names change with every build, so entries are
read by structure and text only.

The JSON download gives threads as ``message_1.json`` (``participants``,
``messages`` with ``sender_name`` and ``timestamp_ms``), with Facebook's mojibake.

A thread is contact with each other participant: their messages are ``message``
*in*, the user's are ``message`` *out* (in a thread of two), each counted with the
first and last date, as LinkedIn messages are. The user is the profile's name,
else the one participant in every thread, else the one participant who is
not a thread's title (a thread with one person is titled with their name).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from havewemet.errors import InputError
from havewemet.importers.social import Collector, JsonDoc, fix_mojibake
from havewemet.models import Direction, FileReport, ImportBatch, Interaction

__all__ = ["Entry", "Thread", "html_entries", "html_date", "json_thread", "html_thread", "save"]

#: What Facebook writes for an account that is gone: nobody to match.
_GONE = {"facebook user", "facebook-nutzer", "utilisateur de facebook", "usuario de facebook"}


@dataclass(slots=True)
class Entry:
    """One entry of a Facebook HTML page: a heading (a name) and the texts after it."""

    line: int
    heading: str = ""
    texts: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    """Collect the page's ``<h1>`` and its entries (``<section>`` or ``uiBoxWhite`` box)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.entries: list[Entry] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, opens an entry)
        self._in_heading = 0
        self._in_h1 = False
        self._skip = 0  # inside <style>/<script>/<head>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1
        classes = (dict(attrs).get("class") or "").split()
        opens = (tag == "section" or (tag == "div" and "uiBoxWhite" in classes)) and not any(
            o for _t, o in self._stack
        )
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return  # void elements have no end tag
        self._stack.append((tag, opens))
        if opens:
            self.entries.append(Entry(self.getpos()[0]))
        if tag in ("h2", "h3") and self._in_entry():
            self._in_heading += 1
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip = max(self._skip - 1, 0)
        if tag in ("h2", "h3") and self._in_heading:
            self._in_heading -= 1
        if tag == "h1":
            self._in_h1 = False
        for i in range(len(self._stack) - 1, -1, -1):  # close up to the matching tag
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def _in_entry(self) -> bool:
        return any(o for _t, o in self._stack)

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or self._skip:
            return
        if self._in_h1 and not self.title:
            self.title = text
        elif self._in_entry():
            entry = self.entries[-1]
            if self._in_heading and not entry.heading:
                entry.heading = text
            else:
                entry.texts.append(text)


def html_entries(text: str) -> tuple[str, list[Entry]]:
    """The page's title (its ``<h1>``) and its entries, each with its heading (the
    first text when the entry has no heading, as in older downloads)."""
    page = _Page()
    page.feed(text)
    page.close()
    for entry in page.entries:
        if not entry.heading and entry.texts:
            entry.heading = entry.texts.pop(0)
    return page.title, page.entries


_DATE_FORMATS = ("%b %d %Y %I:%M:%S %p", "%b %d %Y %I:%M %p", "%b %d %Y", "%B %d %Y")


def html_date(text: str) -> str | None:
    """The ISO date and time of a date as Facebook's HTML pages write it, else None.

    Examples:
        >>> html_date("Jul 01, 2026 6:25:04 PM"), html_date("Feb 28, 2025 10:07 am")
        ('2026-07-01T18:25:04', '2025-02-28T10:07:00')
        >>> html_date("Jan 1, 2018, 10:30 AM"), html_date("hello")
        ('2018-01-01T10:30:00', None)
    """
    clean = " ".join(text.replace(",", " ").replace(" at ", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            dt = datetime.strptime(clean, fmt)
        except ValueError:
            continue
        return dt.isoformat(timespec="seconds") if "%I" in fmt else dt.date().isoformat()
    return None


def entry_date(entry: Entry) -> tuple[str | None, str]:
    """The entry's date (the last text that reads as one) and the raw text it was
    read from (``""`` when no text looks like a date at all)."""
    for text in reversed(entry.texts):
        at = html_date(text)
        if at:
            return at, text
    looks = next((t for t in reversed(entry.texts) if re.search(r"\d{4}", t)), "")
    return None, looks


@dataclass(slots=True)
class Thread:
    """One message thread: its file, title, participants and dated messages."""

    file: str
    line: int
    title: str
    participants: list[str]
    messages: list[tuple[str, str | None, int]] = field(default_factory=list)
    """(sender, ISO date or None, line) per message."""


def _clean(name: object) -> str:
    return " ".join(fix_mojibake(name).split()) if isinstance(name, str) else ""


def json_thread(doc: JsonDoc, fix: str) -> Thread:
    """A thread from ``message_N.json`` (names repaired of Facebook's mojibake)."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InputError(doc.file, "does not hold a 'messages' list", line=1, fix=fix)
    people = data.get("participants")
    names = [_clean(p.get("name")) for p in people if isinstance(p, dict)] if people else []
    thread = Thread(doc.file, doc.line_of(data, 1), _clean(data.get("title")), names)
    messages = data["messages"]
    for n, msg in enumerate(messages):
        if not isinstance(msg, dict):
            continue
        stamp = msg.get("timestamp_ms")
        at = None
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
            try:
                at = datetime.fromtimestamp(stamp / 1000).isoformat(timespec="seconds")
            except (OverflowError, OSError, ValueError):
                at = None
        sender = _clean(msg.get("sender_name"))
        if sender:
            thread.messages.append((sender, at, doc.line_of(msg, doc.line_of_item(messages, n))))
    return thread


def html_thread(text: str, file: str) -> Thread:
    """A thread from ``message_N.html``: the title is the page's heading, each entry
    a message (sender, then the content, the date last)."""
    title, entries = html_entries(text)
    thread = Thread(file, 1, title, [])
    for entry in entries:
        if entry.heading:
            thread.messages.append((entry.heading, entry_date(entry)[0], entry.line))
    return thread


def _me(threads: list[Thread], profile_name: str) -> str:
    if profile_name:
        return profile_name
    seen: Counter[str] = Counter()
    for t in threads:
        seen.update({*t.participants, *(s for s, _a, _l in t.messages)})
    if len(threads) > 1:
        everywhere = [n for n, c in seen.items() if c == len(threads)]
        if len(everywhere) == 1:
            return everywhere[0]
    # A thread with one other person is titled with their name: who else writes is you.
    untitled = {
        n
        for t in threads
        for n in (*t.participants, *(s for s, _a, _l in t.messages))
        if n != t.title
    }
    return untitled.pop() if len(untitled) == 1 else ""


def save(
    threads: list[Thread],
    batch: ImportBatch,
    people: Collector,
    reports: dict[str, FileReport],
    key_of: dict[str, str],
) -> None:
    """Add each thread's people and their ``message`` interactions to the batch.

    ``key_of`` maps a name to its identity key (friends first, so that a thread
    joins the friend of the same name); ``reports`` are the file reports by file.
    """
    profile = batch.me.name if batch.me else ""
    me = _me(threads, profile)
    if threads and not me:
        batch.warnings.append(
            f"{threads[0].file}: could not tell which participant is you, so every "
            "message is counted as written to you; add profile_information.json (or the "
            "whole download) to the import"
        )
    # (key, direction) -> [count, first, last, file, line]
    sums: dict[tuple[str, Direction], list] = {}
    for t in sorted(threads, key=lambda t: t.file):
        report = reports[t.file]
        report.rows += len(t.messages)
        names = [n for n in dict.fromkeys([*t.participants, *(s for s, _a, _l in t.messages)])]
        others = [n for n in names if n != me and n.lower() not in _GONE]
        for name in others:
            key = key_of.setdefault(name, f"{people.source}/{name.lower()}")
            people.person(key, t.file, t.line, report, name=name)
        for sender, at, line in t.messages:
            if sender.lower() in _GONE:
                continue
            direction: Direction
            if sender == me:
                if len(others) != 1:
                    continue  # the user writing to a group is no contact with any one of them
                targets, direction = others, "out"
            else:
                targets, direction = [sender], "in"
            for name in targets:
                agg = sums.setdefault((key_of[name], direction), [0, at, at, t.file, line])
                agg[0] += 1
                if at and (not agg[1] or at < agg[1]):
                    agg[1] = at
                if at and (not agg[2] or at > agg[2]):
                    agg[2] = at
    for (key, direction), (n, first, last, file, line) in sums.items():
        act = Interaction(
            people.source,
            key,
            "message",
            last,
            direction,
            f"first {first[:10]}" if first else "",
            file,
            line,
            count=n,
        )
        if act.id not in people.interactions:
            people.interactions[act.id] = act
            reports[file].interactions += 1
