"""Identity commands: link and unlink identities, evaluate the matcher on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from havewemet.cli.app import JsonOpt, _print_json, command, console, eval_app, open_store

IdentityArg = Annotated[
    str,
    typer.Argument(
        help="An identity id, an exact name, a request id or a profile address "
        "(`havewemet people QUERY` shows ids)."
    ),
]


@command()
def people(
    query: Annotated[
        str,
        typer.Argument(help="A name, e-mail, profile address, handle, identity or request id."),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Who is who: the identities QUERY names, grouped by person, and why they are grouped."""
    from havewemet.errors import NotFoundError
    from havewemet.identity.people import people as find

    found = find(open_store(), query)
    if not found:
        raise NotFoundError(
            f"no identity matches {query!r}: try part of a name, an e-mail, a profile "
            "address or a handle (`havewemet inbox` lists requests)"
        )
    if as_json:
        return _print_json(found)
    for p in found:
        head = p["person_id"] or "not grouped yet"
        console.print(f"{p['name'] or '(no name)'}  person {head}", markup=False, style="bold")
        for i in p["identities"]:
            ids = ", ".join(i["emails"] + i["phones"] + i["urls"] + i["handles"]) or "-"
            where = f"{i['file']}:{i['line']}" if i["file"] else "-"
            you = " (you)" if i["you"] else ""
            console.print(
                f"  {i['name'] or '(no name)'}{you}  {i['source']}  {where}  {ids}  id {i['id']}",
                markup=False,
            )
        for why in p["why"]:
            console.print(f"  why: {why}", markup=False)


UndoOpt = Annotated[
    bool,
    typer.Option(
        "--undo", help="Take back an earlier link or unlink of A and B: the matcher decides again."
    ),
]


def _take_back(a: str, b: str) -> None:
    from havewemet.identity.cluster import take_back

    if take_back(open_store(), a, b):
        console.print(f"Took back your word on {a} and {b}: the matcher decides.", markup=False)
    else:
        console.print(f"You had said nothing about {a} and {b}: nothing to undo.", markup=False)


@command()
def link(a: IdentityArg, b: IdentityArg, undo: UndoOpt = False) -> None:
    """Say that two identities are the same person (kept across re-imports)."""
    from havewemet.identity.cluster import link as do_link

    if undo:
        return _take_back(a, b)
    x, y = do_link(open_store(), a, b)
    console.print(f"Linked {x} and {y}: one person from now on.", markup=False)


@command()
def unlink(a: IdentityArg, b: IdentityArg, undo: UndoOpt = False) -> None:
    """Say that two identities are different people (kept across re-imports)."""
    from havewemet.identity.cluster import unlink as do_unlink

    if undo:
        return _take_back(a, b)
    x, y = do_unlink(open_store(), a, b)
    console.print(f"Unlinked {x} and {y}: never merged again.", markup=False)


def _report(result: dict, as_json: bool) -> None:
    if as_json:
        return _print_json(result)
    console.print(
        f"pairs {result.get('pairs', '?')}  threshold {result['threshold']}: "
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}",
        markup=False,
    )
    t = Table(title="threshold sweep")
    for col in ("threshold", "precision", "recall", "f1"):
        t.add_column(col, justify="right")
    for row in result["sweep"]:
        t.add_row(
            *(
                f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c])
                for c in ("threshold", "precision", "recall", "f1")
            )
        )
    console.print(t)


@command("names", typer_app=eval_app)
def eval_names(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV of labelled pairs: left,right,label "
            "(1 = same person), optional left_email,..."
        ),
    ],
    threshold: Annotated[float, typer.Option(help="Match probability threshold.")] = 0.5,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 of the name matcher on labelled pairs, with a sweep."""
    from havewemet.evaluate.identity import eval_names as run

    _report(run(file, threshold=threshold), as_json)


@command("link", typer_app=eval_app)
def eval_link(
    a: Annotated[Path, typer.Argument(help="First record file (Febrl layout).")],
    b: Annotated[Path, typer.Argument(help="Second record file.")],
    truth: Annotated[Path, typer.Argument(help="True links: two id columns.")],
    names_only: Annotated[
        bool, typer.Option(help="Compare names only (what a request gives).")
    ] = False,
    threshold: Annotated[float, typer.Option(help="Match probability threshold.")] = 0.5,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 of linking two record files against the true links."""
    from havewemet.evaluate.identity import eval_link as run

    _report(run(a, b, truth, fields="names" if names_only else "all", threshold=threshold), as_json)
