"""Terminal rendering of outreach checks, the outgoing audit and evaluations (Rich).

Every string from the user's data or a requester is escaped.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from havewemet.evaluate.triage import EvalReport
from havewemet.triage.outreach import Audit, Outreach


def outreach(console: Console, r: Outreach) -> None:
    """What the user shares with someone, whether to send, and the note check."""
    mark = "[bold green]yes[/]" if r.appropriate else "[bold yellow]not now[/]"
    console.print(f"[bold]{escape(r.name)}[/]  [cyan]{r.verdict}[/]  send a request: {mark}")
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
