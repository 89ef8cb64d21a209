"""Terminal rendering of library results (Rich): the inbox, an import's summary,
an outreach check, the outgoing audit and evaluations. Every string from the user's data
or from a requester is escaped: a name like ``[bold]`` or ``<script>`` is shown as
written, never interpreted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:  # the library is imported by the commands that use it (startup)
    from havewemet.evaluate.triage import EvalReport
    from havewemet.models import ImportBatch
    from havewemet.store import SaveResult
    from havewemet.triage.engine import Triage
    from havewemet.triage.outreach import Audit, Outreach

STYLE = {"accept": "bold green", "ask": "bold yellow", "ignore": "dim", "report": "bold red"}


def _one_line(text: str, limit: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inbox(
    console: Console, results: list[Triage], *, verbose: bool = False, summary: bool = True
) -> None:
    """The triaged inbox, grouped by recommendation in the inbox's order
    (:data:`~havewemet.models.INBOX_ORDER`: the requests that need judgement first)."""
    from havewemet.models import INBOX_ORDER, Action

    if not results:
        console.print(
            "No pending requests. Import your LinkedIn export with "
            "`havewemet import PATH`, or add one with `havewemet check`."
        )
        return
    # One print per group, without Rich's automatic highlighting (numbers, URLs):
    # 1,000 requests printed line by line took longer than triaging them.
    groups: dict[Action, list[str]] = {}
    counts = dict.fromkeys(INBOX_ORDER, 0)
    for r in results:
        groups.setdefault(r.action, []).extend(_request_lines(r, verbose))
        counts[r.action] += 1
    for action, lines in groups.items():
        heading = Action.of(action).heading
        console.rule(f"[{STYLE[action]}]{heading} ({counts[action]})", align="left")
        console.print("\n".join(lines), highlight=False)
    if not summary:
        return
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
        mark = "[red]![/]" if s.severity >= 2 else "[yellow]-[/]" if s.severity else "[green]+[/]"
        out.append(f"        {mark} {escape(s.text)}")
    out.append(f"        [dim]rule: {escape(r.rule)}[/]")
    return out


def import_summary(
    console: Console, batch: ImportBatch, result: SaveResult, statuses: dict[str, int] | None = None
) -> None:
    """What an import read, per file, and what it changed in the store; ``statuses``:
    how many of its requests are pending, already connected or decided."""
    console.print(
        f"Imported {escape(batch.path)} as source '{escape(batch.source)}'", highlight=False
    )
    # File names whole (a name cut to "Endorsement_Rece…" says nothing): the note
    # column wraps instead, and the table fits the terminal (80 columns).
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    t.add_column("file", no_wrap=True, overflow="fold")
    for col in ("rows", "people", "evidence", "requests"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("note")
    for f in batch.files:
        t.add_row(
            escape(f.file),
            str(f.rows),
            str(f.identities),
            str(f.interactions),
            str(f.requests),
            escape(f.note),
        )
    console.print(t, soft_wrap=False)  # fit the terminal (the console soft-wraps text)
    if batch.unknown_files:
        shown = ", ".join(escape(u) for u in batch.unknown_files[:12])
        more = f" and {len(batch.unknown_files) - 12} more" if len(batch.unknown_files) > 12 else ""
        console.print(f"[dim]Not used (no evidence about people): {shown}{more}[/]")
    for n in batch.notes:  # information, not a problem
        console.print(escape(n), highlight=False)
    for w in batch.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    parts = [
        f"{t}: {result.added.get(t, 0)} new, {result.updated.get(t, 0)} updated"
        for t in ("identities", "interactions", "requests")
    ]
    console.print("Store: " + "; ".join(parts))
    if result.you:
        console.print(
            f"{_identities(result.you)} in your data {'is' if result.you == 1 else 'are'} you "
            "(havewemet me lists your addresses): "
            "they no longer count as someone you know. Mail or a calendar imported before "
            "is read from your side when you import it again.",
            markup=False,
            highlight=False,
        )
    if statuses:
        console.print(requests_line(statuses), markup=False, highlight=False)


def sources(console: Console, rows: list[dict]) -> None:
    """``havewemet sources``: one row per imported source under a header, in aligned
    columns that fit the terminal, then the file each came from."""
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    t.add_column("source", overflow="fold", ratio=1)
    t.add_column("format", no_wrap=True)
    t.add_column("imported", no_wrap=True)
    for col in ("people", "evidence", "requests"):
        t.add_column(col, justify="right", no_wrap=True)
    for r in rows:
        t.add_row(
            escape(r["name"]),
            escape(r["kind"]),
            str(r["imported_at"] or "")[:10],
            str(r["identities"]),
            str(r["interactions"]),
            str(r["requests"]),
        )
    console.print(t, soft_wrap=False)
    console.print("From:")
    for r in rows:
        console.print(f"  {escape(r['name'])}: {escape(r['path'] or '')}", highlight=False)


def requests_line(statuses: dict[str, int]) -> str:
    """``Requests: 36 pending, 30 already connected, 2 decided before``: the file's
    invitations that LinkedIn shows as accepted are not pending."""
    decided = sum(n for s, n in statuses.items() if s not in ("pending", "connected"))
    parts = [
        f"{n} {what}"
        for n, what in (
            (statuses.get("pending", 0), "pending"),
            (statuses.get("connected", 0), "already connected"),
            (decided, "decided before"),
        )
        if n
    ]
    return "Requests: " + ", ".join(parts) + "."


def outreach(console: Console, r: Outreach) -> None:
    """What the user shares with someone, whether to send, and the note check."""
    if r.connected:
        mark = "[bold green]already connected[/]"
    else:
        mark = "send a request: " + (
            "[bold green]yes[/]" if r.appropriate else "[bold yellow]not now[/]"
        )
    console.print(f"[bold]{escape(r.name)}[/]  [cyan]{r.verdict}[/]  {mark}")
    console.print(f"  {escape(r.advice)}")
    for e in r.evidence:
        console.print(f"  [green]+[/] {escape(e.text)} [dim]({escape(e.source)})[/]")
    if not r.connected:
        for p in r.note_problems:
            console.print(f"  [red]![/] note: {escape(p)}")
        if not r.note_problems:
            console.print("  [green]note: fine[/]")
        console.print(f'  suggested opening: "{escape(r.opening)}"')


def audit(console: Console, a: Audit) -> None:
    """The outgoing invitations by verdict, strangers listed."""
    if not a.total:
        console.print("No outgoing invitations in your data (import your LinkedIn export).")
        return
    share = 100 * a.strangers / a.total
    console.print(
        f"You sent {a.total} invitations; {a.strangers} ({share:.0f}%) went to "
        "people your data shows no shared context with."
    )
    for verdict, n in sorted(a.by_verdict.items(), key=lambda kv: -kv[1]):
        console.print(f"  {verdict:18} {n}")
    for row in [x for x in a.invitations if x["verdict"] == "stranger"][:20]:
        console.print(
            f"  [yellow]-[/] {escape(row['name'] or '(hidden)')} "
            f"{(row['sent_at'] or '')[:10]} [dim]({escape(row['source'])})[/]"
        )


def evaluation(console: Console, report: EvalReport) -> None:
    """Accuracy, the two confusion matrices and the cases that failed."""
    n = len(report.results)
    console.print(
        f"{n} cases: accuracy {report.accuracy():.1%} (verdict "
        f"{report.accuracy('verdict'):.1%}, recommendation "
        f"{report.accuracy('recommendation'):.1%})"
    )
    for what in ("verdict", "recommendation"):
        m = report.confusion(what)
        t = Table(title=f"{what}: expected (rows) by predicted (columns)")
        t.add_column("")
        for col in m:
            t.add_column(col, justify="right")
        for row, cells in m.items():
            t.add_row(row, *(str(v) if v else "." for v in cells.values()))
        console.print(t)
    for r in report.results:
        if not r.ok:
            console.print(
                f"[red]x[/] line {r.line}: {escape(r.name)} ({r.preset}) expected "
                f"{r.expected_verdict}/{r.expected_recommendation}, got "
                f"{r.verdict}/{r.recommendation} [dim]({escape(r.rule)})[/]"
            )


_KIND = {"email": "e-mail", "phone": "phone", "profile": "profile", "name": "name"}


def _from(r: dict) -> str:
    """Where one of the user's identifiers came from, in words."""
    if r["how"] == "--me":
        return f"--me (importing {r['source']})" if r["source"] else "havewemet me --add"
    if r["how"] == "guessed":
        return f"guessed from {r['source']}"
    where = f"{r['file']}, line {r['line']}" if r["file"] and r["line"] else r["file"]
    return f"{r['source']}: {where}" if where else r["source"]


def me(console: Console, rows: list[dict], own: int, done: list[tuple[str, str, str, int]]) -> None:
    """``havewemet me``: what was changed, then each identifier with where it came from,
    the removed ones, and how many identities in the store are the user."""
    for option, kind, value, n in done:
        what = _KIND.get(kind, kind)
        if option == "--add":
            console.print(f"Added {what} {value}: taken as you from now on.", markup=False)
        else:
            console.print(
                f"Removed {what} {value}: not taken as you, and never guessed again.",
                markup=False,
            )
        if n:
            console.print(
                f"  {_identities(n)} in your data "
                + (
                    f"{'is' if n == 1 else 'are'} you by it: no longer counted as someone you know."
                    if option == "--add"
                    else f"count{'s' if n == 1 else ''} as other people again."
                ),
                markup=False,
            )
    kept = [r for r in rows if r["how"] != "removed"]
    if not kept:
        console.print(
            "havewemet does not know who you are yet: import your LinkedIn export (its "
            "Email Addresses.csv), give --me ADDRESS to a mail import, or havewemet me "
            "--add ADDRESS.",
            markup=False,
        )
    else:
        console.print("You, as havewemet knows you:", markup=False)
        by_value: dict[tuple[str, str], list[dict]] = {}
        for r in kept:
            by_value.setdefault((r["kind"], r["value"]), []).append(r)
        width = max(len(v) for _k, v in by_value)
        for (kind, value), rs in by_value.items():
            primary = " (primary)" if any(r["is_primary"] for r in rs) else ""
            froms = "; ".join(dict.fromkeys(_from(r) for r in rs))
            console.print(
                f"  {_KIND.get(kind, kind):8} {value:{width}}  from {froms}{primary}",
                markup=False,
                highlight=False,
            )
    removed = [r["value"] for r in rows if r["how"] == "removed"]
    if removed:
        console.print(f"Not you (removed): {', '.join(removed)}", markup=False, highlight=False)
    console.print(
        f"{_identities(own)} in your data {'is' if own == 1 else 'are'} you: never counted "
        "as someone you know.",
        markup=False,
    )
    console.print(
        "Correct it: havewemet me --add ADDRESS, havewemet me --remove ADDRESS", markup=False
    )


def _identities(n: int) -> str:
    """``1 identity``, ``2 identities``."""
    return f"{n} identity" if n == 1 else f"{n} identities"
