"""Terminal rendering of library results (Rich). Every string from the user's data
or from a requester is escaped: a name like ``[bold]`` or ``<script>`` is shown as
written, never interpreted."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from havewemet.store import SaveResult
from havewemet.triage.engine import Triage
from havewemet.triage.policy import INBOX_ORDER, Action

STYLE = {"accept": "bold green", "ask": "bold yellow", "ignore": "dim", "report": "bold red"}


def _one_line(text: str, limit: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inbox(console: Console, results: list[Triage], *, verbose: bool = False) -> None:
    """The triaged inbox, grouped by recommendation, clear cases first."""
    if not results:
        console.print(
            "No pending requests. Import your LinkedIn export with "
            "`havewemet import PATH`, or add one with `havewemet check`."
        )
        return
    # One print per group, without Rich's automatic highlighting (numbers, URLs):
    # 1,000 requests printed line by line took longer than triaging them.
    groups: dict[str, list[str]] = {}
    counts = dict.fromkeys(INBOX_ORDER, 0)
    for r in results:
        groups.setdefault(r.action, []).extend(_request_lines(r, verbose))
        counts[r.action] += 1
    for action, lines in groups.items():
        heading = Action(action).heading
        console.rule(f"[{STYLE[action]}]{heading} ({counts[action]})", align="left")
        console.print("\n".join(lines), highlight=False)
    console.print(
        f"\n{len(results)} pending: "
        + ", ".join(f"[{STYLE[a]}]{n} {a}[/]" for a, n in counts.items() if n)
    )


def _request_lines(r: Triage, verbose: bool) -> list[str]:
    """One request of the inbox as markup lines (every text from the data escaped)."""
    req = r.request
    head = f" - {escape(_one_line(req.headline, 60))}" if req.headline else ""
    out = [
        f"[{STYLE[r.action]}]{r.action.upper():7}[/] [bold]{escape(req.name)}"
        f"[/]{head}  [cyan]{r.verdict}[/]"
    ]
    if req.note:
        out.append(f'        note: "{escape(_one_line(req.note))}"')
    lines = r.evidence if verbose else r.evidence[:3]
    out += [f"        [green]+[/] {escape(e.text)} [dim]({escape(e.source)})[/]" for e in lines]
    if len(r.evidence) > len(lines):
        out.append(
            f"        [dim]+ {len(r.evidence) - len(lines)} more "
            f"(havewemet check --id {r.request.id})[/]"
        )
    for s in r.signals:
        mark = "[red]![/]" if s.severity >= 2 else "[yellow]-[/]"
        out.append(f"        {mark} {escape(s.text)}")
    out.append(f"        [dim]rule: {escape(r.rule)}[/]")
    return out


def import_summary(console: Console, batch, result: SaveResult) -> None:
    """What an import read, per file, and what it changed in the store."""
    t = Table(title=f"Imported {escape(batch.path)} as source '{escape(batch.source)}'")
    for col in ("file", "rows", "people", "evidence", "requests", "note"):
        t.add_column(
            col, justify="right" if col in ("rows", "people", "evidence", "requests") else "left"
        )
    for f in batch.files:
        t.add_row(
            escape(f.file),
            str(f.rows),
            str(f.identities),
            str(f.interactions),
            str(f.requests),
            escape(f.note),
        )
    console.print(t)
    if batch.unknown_files:
        shown = ", ".join(escape(u) for u in batch.unknown_files[:12])
        more = f" and {len(batch.unknown_files) - 12} more" if len(batch.unknown_files) > 12 else ""
        console.print(f"[dim]Not used (no evidence about people): {shown}{more}[/]")
    for w in batch.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    parts = [
        f"{t}: {result.added.get(t, 0)} new, {result.updated.get(t, 0)} updated"
        for t in ("identities", "interactions", "requests")
    ]
    console.print("Store: " + "; ".join(parts))
