"""Social archives: the helpers the social readers share.

The Mastodon, X/Twitter, Facebook and Bluesky readers live in ``social_mastodon``,
``social_x``, ``social_facebook`` and ``social_bluesky`` and build on the helpers here:
:class:`Collector` (one identity per key, one interaction per id, a report per
file), :class:`JsonDoc` (JSON parsed with the line each object starts on, so
that every record keeps its provenance) and :func:`fix_mojibake`.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from havewemet.errors import InputError
from havewemet.models import Direction, FileReport, Identity, ImportBatch, Interaction

log = logging.getLogger(__name__)

__all__ = [
    "Collector",
    "JsonDoc",
    "fix_mojibake",
    "utc_date",
    "zip_names",
    "listing",
    "basename",
    "is_single_file",
]


# -- shared helpers --------------------------------------------------------------------


class Collector:
    """The identities and interactions of one batch: one identity per key.

    Readers call :meth:`person` and :meth:`interact` as they go; the same key seen
    again (in another file of the archive) merges into the first identity, and
    the same interaction (same id) is kept once.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.identities: dict[str, Identity] = {}
        self.interactions: dict[str, Interaction] = {}

    def person(
        self,
        key: str,
        file: str,
        line: int,
        report: FileReport,
        *,
        name: str = "",
        handles: tuple[str, ...] | list[str] = (),
        urls: tuple[str, ...] | list[str] = (),
        emails: tuple[str, ...] | list[str] = (),
        extra: dict[str, object] | None = None,
    ) -> Identity:
        """The identity under ``key``, created (and counted in ``report``) if new."""
        ident = self.identities.get(key)
        if ident is None:
            ident = self.identities[key] = Identity(self.source, key, file=file, line=line)
            report.identities += 1
        if name and not ident.name:
            ident.name = name
        for field_name, values in (("handles", handles), ("urls", urls), ("emails", emails)):
            if values:
                have: list[str] = getattr(ident, field_name)
                for v in values:  # a handful at most: a list beats a set here
                    if v and v not in have:
                        have.append(v)
        for k, value in (extra or {}).items():
            old = ident.extra.get(k)
            if isinstance(value, list) and isinstance(old, list):
                old.extend(x for x in value if x not in old)
            else:
                ident.extra[k] = value
        return ident

    def interact(
        self,
        key: str,
        kind: str,
        direction: Direction,
        file: str,
        line: int,
        report: FileReport,
        *,
        at: str | None = None,
        detail: str = "",
    ) -> None:
        """Record one interaction with the identity ``key`` (kept once per id)."""
        act = Interaction(self.source, key, kind, at, direction, detail, file, line)
        if act.id not in self.interactions:
            self.interactions[act.id] = act
            report.interactions += 1

    def finish(self, batch: ImportBatch) -> ImportBatch:
        """Move what was collected into ``batch`` and return it."""
        batch.identities.extend(self.identities.values())
        batch.interactions.extend(self.interactions.values())
        return batch


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_TRACKED_DEPTH = 3


class JsonDoc:
    """A JSON document parsed with the line on which each of its objects starts.

    The top ``depth`` levels are walked here so that the line of each object and
    list item in them is known; deeper values are decoded by :mod:`json` in one
    go (fast: a reader asks for no more depth than it needs lines for).
    Every failure (bad syntax, truncation, nesting too deep) is an
    :class:`InputError` naming the file and the line.

    Examples:
        >>> doc = JsonDoc('{"friends_v2": [\\n {"name": "Ann"}\\n]}', "f.json")
        >>> doc.line_of(doc.data["friends_v2"][0])
        2
    """

    def __init__(
        self, text: str, file: str, *, start: int = 0, fix: str = "", depth: int = _TRACKED_DEPTH
    ) -> None:
        self.file = file
        self._depth = depth
        self._text = text
        self._fix = fix or "Download the export again; the file may be truncated or edited"
        self._last = (0, 1)  # (offset, its line): the parse moves forwards
        self._lines: dict[int, int] = {}
        self._items: dict[int, list[int]] = {}
        i = self._ws(start)
        self.data, i = self._value(i, 0)
        i = self._ws(i)
        if i < len(text):
            raise self.error(i, "has unexpected text after the JSON data")

    def line_at(self, pos: int) -> int:
        """The 1-based line of character offset ``pos``."""
        last_pos, last_line = self._last
        if pos < last_pos:
            return self._text.count("\n", 0, pos) + 1
        line = last_line + self._text.count("\n", last_pos, pos)
        self._last = (pos, line)
        return line

    def line_of(self, obj: object, default: int = 0) -> int:
        """The line on which the object ``obj`` (a dict of the document) starts."""
        return self._lines.get(id(obj), default)

    def line_of_item(self, items: object, n: int, default: int = 1) -> int:
        """The line on which item ``n`` of the list ``items`` (of the document) starts."""
        lines = self._items.get(id(items), [])
        return lines[n] if 0 <= n < len(lines) else default

    def error(self, pos: int, message: str, *, fix: str = "") -> InputError:
        """An InputError at offset ``pos``."""
        if pos >= len(self._text):
            message = "ends before the JSON data is complete (truncated?)"
            pos = max(len(self._text.rstrip()) - 1, 0)  # the last line with data
        return InputError(self.file, message, line=self.line_at(pos), fix=fix or self._fix)

    def _ws(self, i: int) -> int:
        return _WS.match(self._text, i).end()  # type: ignore[union-attr]

    def _raw(self, i: int) -> tuple[object, int]:
        try:
            return _DECODER.raw_decode(self._text, i)
        except json.JSONDecodeError as e:
            raise self.error(e.pos, f"is not valid JSON ({e.msg})") from e
        except RecursionError as e:
            raise self.error(i, "is not an export: its JSON is nested too deeply") from e

    def _value(self, i: int, depth: int) -> tuple[object, int]:
        text = self._text
        c = text[i : i + 1]
        if depth >= self._depth or c not in ("[", "{"):
            return self._raw(i)
        close = "]" if c == "[" else "}"
        out: list | dict = [] if c == "[" else {}
        start, i = i, self._ws(i + 1)
        item_lines: list[int] = []
        if text[i : i + 1] == close:
            i += 1
        else:
            while True:
                if isinstance(out, dict):
                    if text[i : i + 1] != '"':
                        raise self.error(i, "is not valid JSON (expected a quoted key)")
                    key, i = self._raw(i)
                    i = self._ws(i)
                    if text[i : i + 1] != ":":
                        raise self.error(i, "is not valid JSON (expected ':')")
                    out[key], i = self._value(self._ws(i + 1), depth + 1)
                else:
                    item_lines.append(self.line_at(i))
                    value, i = self._value(i, depth + 1)
                    out.append(value)
                i = self._ws(i)
                c = text[i : i + 1]
                if c == ",":
                    i = self._ws(i + 1)
                elif c == close:
                    i += 1
                    break
                else:
                    raise self.error(i, f"is not valid JSON (expected ',' or '{close}')")
        if isinstance(out, dict):
            self._lines[id(out)] = self.line_at(start)
        else:
            self._items[id(out)] = item_lines
        return out, i


def fix_mojibake(text: str) -> str:
    """Undo Facebook's escaping of UTF-8 bytes as Latin-1 code points.

    Facebook writes "José" as ``"Jos\\u00c3\\u00a9"``; a string that does not
    round-trip that way (already right) is returned unchanged.

    Examples:
        >>> fix_mojibake("Jos\\u00c3\\u00a9")
        'José'
        >>> fix_mojibake("José")
        'José'
    """
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def utc_date(value: object) -> str | None:
    """The UTC ISO date of a Unix timestamp in seconds, or None if there is none."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def zip_names(path: Path) -> list[str] | None:
    """The entry names of a zip archive, or None if ``path`` is not a readable zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return None


def listing(path: Path, head: bytes) -> list[str] | None:
    """The file names of a folder or zip (from ``head`` for a folder), else None."""
    if path.is_dir():
        return head.decode(errors="replace").splitlines()
    if path.suffix.lower() == ".zip":
        return zip_names(path) or []
    return None


def is_single_file(path: Path) -> bool:
    """True for one plain file (not a folder, not a zip archive)."""
    return path.is_file() and not zipfile.is_zipfile(path)


def basename(name: str) -> str:
    return PurePosixPath(name).name.lower()
