"""Decisions kept: what the user did with each request, when and why.

Every decision is a row of the ``decisions`` table (``id, request_id, name, slug,
decision, reason, decided_at``) and sets the request's status to the decision, so
it leaves the pending inbox. The :class:`~havewemet.triage.engine.Triager` reads
these rows back: a requester who returns (same profile slug or same name) is
flagged with the earlier decision.

All writes happen in one transaction (``store.transaction()``). Export writes CSV
(cells that a spreadsheet would run as a formula are neutralised) or JSON; import
reads either and skips decisions already kept, so importing twice adds nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

from havewemet.errors import HaveWeMetError, InputError
from havewemet.models import PendingRequest
from havewemet.normalize import profile_slug
from havewemet.store import Store
from havewemet.triage.policy import ACTIONS, Policy

FIELDS = ("id", "request_id", "name", "slug", "decision", "reason", "decided_at")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


#: Where LinkedIn lists the invitations received: a decision kept here still needs
#: the click there (havewemet never talks to LinkedIn).
INVITATION_MANAGER = "https://www.linkedin.com/mynetwork/invitation-manager/"

_LINKEDIN_STEP = {
    "accept": "click Accept",
    "ignore": "click Ignore",
    "report": "click Ignore, then report the profile from its More menu",
    "ask": "send your question with Message (the invitation waits there meanwhile)",
}


def linkedin_step(decisions: list[str]) -> str:
    """The sentence that says a decision is kept here only and what to click on
    LinkedIn, with the invitation manager's address.

    Examples:
        >>> linkedin_step(["accept"])  # doctest: +NORMALIZE_WHITESPACE
        'Saved here only: LinkedIn does not know yet. On LinkedIn, click Accept in the
        invitation manager: https://www.linkedin.com/mynetwork/invitation-manager/'
    """
    steps = [_LINKEDIN_STEP[d] for d in dict.fromkeys(decisions) if d in _LINKEDIN_STEP]
    what = steps[0] if len(steps) == 1 else "; ".join(steps)
    return (
        f"Saved here only: LinkedIn does not know yet. On LinkedIn, {what} in the "
        f"invitation manager: {INVITATION_MANAGER}"
    )


def record_decision(
    store: Store, request: PendingRequest, decision: str, *, reason: str = "", at: str | None = None
) -> dict:
    """Keep one decision on a request and set the request's status to it.

    Args:
        store: the store.
        request: the request as :meth:`Store.get_request` gives it.
        decision: ``accept``, ``ask``, ``ignore`` or ``report``.
        reason: why (free text, shown when the person comes back).
        at: when (ISO 8601); now by default.

    Returns:
        The decision row as stored. The same decision again on a request already
        decided so (a repeated click or POST) keeps nothing new and returns the row
        kept before.

    Examples:
        >>> s = Store.open(":memory:")
        >>> from havewemet.models import Request
        >>> rid = s.add_request(Request("Ann Lee", "https://www.linkedin.com/in/ann-lee"))
        >>> record_decision(s, s.get_request(rid), "ignore", at="2026-01-02T10:00:00")["slug"]
        'ann-lee'
    """
    if decision not in ACTIONS:
        raise HaveWeMetError(f"unknown decision {decision!r}; use one of: {', '.join(ACTIONS)}")
    if request.status == decision:  # the same decision again (a repeated click)
        last = store.last_decision(request.id)
        if last is not None and last["decision"] == decision:
            return last
    row: dict[str, object] = {
        "request_id": request.id,
        "name": request.name,
        "slug": request.slug,
        "decision": decision,
        "reason": reason or "",
        "decided_at": at or _now(),
    }
    row["id"] = store.record_decision(row)
    return row


def decide(store: Store, ref: str, decision: str, *, reason: str = "") -> dict:
    """:func:`record_decision` for a request named by id, profile URL/slug or name."""
    return record_decision(store, store.get_request(ref), decision, reason=reason)


def decide_recommended(
    store: Store, *, policy: Policy | None = None, today: date | None = None
) -> list[dict]:
    """Accept every pending request whose recommendation is *accept*.

    Only acceptances are applied in bulk: ignoring or reporting someone should be
    a decision the user looks at (a report is sent to LinkedIn and cannot be
    taken back), so those stay in the inbox. The rule that fired is kept as the
    reason.
    """
    from havewemet.triage.engine import triage_inbox

    results = triage_inbox(store, policy=policy, today=today)
    return [
        record_decision(store, r.request, "accept", reason=f"recommended: {r.rule}")
        for r in results
        if r.action == "accept"
    ]


def history(store: Store, person: str) -> list[dict]:
    """Every decision about a person (request id, profile URL or slug, or name),
    oldest first."""
    slug = profile_slug(person) or person.strip().lower()
    name = " ".join(person.lower().split())
    return store.decisions_about(person, slug, name)


def all_decisions(store: Store) -> list[dict]:
    """Every decision, oldest first."""
    return store.decisions()


def _safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: formula starts get a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_decisions(store: Store, path: str | Path, *, overwrite: bool = False) -> int:
    """Write every decision to ``path`` (``.csv`` or ``.json``), readable by the user
    only (0600, like the store); returns the count.

    Raises:
        HaveWeMetError: ``path`` exists and ``overwrite`` is false (as ``backup``
            refuses), is a folder, or is named neither .csv nor .json.
    """
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".json"):
        raise HaveWeMetError(f"{p}: name the file .csv or .json to choose the format")
    if p.is_dir():
        raise HaveWeMetError(f"{p} is a folder; give a file name")
    if p.exists() and not overwrite:
        raise HaveWeMetError(f"{p} exists; add --force to overwrite it")
    rows = all_decisions(store)
    if p.suffix.lower() == ".json":
        data = (json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([_safe_cell(r[f]) for f in FIELDS])
        data = buf.getvalue().encode("utf-8-sig")
    _write_private(p, data)
    return len(rows)


def _write_private(p: Path, data: bytes) -> None:
    """Write ``data`` to ``p`` with mode 0600 (through a new file, then renamed, so
    an earlier file's wider mode is not kept)."""
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, p)
    except OSError as e:
        raise HaveWeMetError(f"{p}: not written ({e.strerror}); check the folder") from e
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _unsafe_cell(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _read_rows(p: Path) -> list[tuple[int, dict]]:
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(str(p), "no such file") from e
    except UnicodeDecodeError as e:
        raise InputError(str(p), "not UTF-8 text", fix="Export it again as UTF-8") from e
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(str(p), f"not valid JSON ({e.msg})", line=e.lineno) from e
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise InputError(
                str(p),
                "expected a JSON list of decision objects",
                fix="Use a file written by `havewemet decisions export`",
            )
        return [(i + 1, d) for i, d in enumerate(data)]
    if p.suffix.lower() != ".csv":
        raise InputError(str(p), "unknown format", fix="Name the file .csv or .json")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "decision", "decided_at"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(
            str(p),
            f"missing columns: {', '.join(sorted(missing))}",
            line=1,
            fix=f"The header is {','.join(FIELDS)}",
        )
    return [
        (i + 2, {k: _unsafe_cell(v or "") for k, v in r.items() if k}) for i, r in enumerate(reader)
    ]


def import_decisions(store: Store, path: str | Path) -> tuple[int, int]:
    """Read decisions exported before; returns (added, already kept).

    Every row is checked first; any bad row stops the import with its line (CSV)
    or item number (JSON) and nothing is written.
    """
    p = Path(path)
    rows = []
    for line, r in _read_rows(p):
        decision = str(r.get("decision") or "").strip()
        if decision not in ACTIONS:
            raise InputError(
                str(p), f"decision {decision!r} is not one of {', '.join(ACTIONS)}", line=line
            )
        when = str(r.get("decided_at") or "").strip()
        try:
            datetime.fromisoformat(when)
        except ValueError as e:
            raise InputError(
                str(p),
                f"decided_at {when!r} is not an ISO date",
                line=line,
                fix="Write it like 2026-01-31T10:00:00+00:00",
            ) from e
        name = str(r.get("name") or "").strip()
        if not name:
            raise InputError(str(p), "the name is empty", line=line)
        slug = str(r.get("slug") or "").strip()
        from havewemet.models import Request

        rid = (
            str(r.get("request_id") or "").strip()
            or Request(name, f"https://www.linkedin.com/in/{slug}" if slug else "").id
        )
        rows.append(
            {
                "request_id": rid,
                "name": name,
                "slug": slug,
                "decision": decision,
                "reason": str(r.get("reason") or ""),
                "decided_at": when,
            }
        )
    return store.add_decisions(rows)


__all__ = [
    "FIELDS",
    "all_decisions",
    "decide",
    "decide_recommended",
    "export_decisions",
    "history",
    "import_decisions",
    "record_decision",
    "INVITATION_MANAGER",
    "linkedin_step",
]
