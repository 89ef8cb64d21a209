"""Network commands: the map of the user's circles (``graph``) and the link-prediction
evaluation (``eval links``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli.app import JsonOpt, _print_json, command, console, eval_app


@command("links", typer_app=eval_app)
def eval_links(
    edges: Annotated[Path, typer.Argument(help="An undirected edge list: 'a b' a line.")],
    ego: Annotated[str, typer.Option("--ego", help="The ego's node id.")],
    hops: Annotated[int, typer.Option(help="Non-neighbours within this many hops.")] = 2,
    seed: Annotated[int, typer.Option(help="Seed of the hidden edges.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Hide 20% of the ego's edges and print the ROC AUC of each link-prediction scorer
    (hidden neighbours against non-neighbours within two hops)."""
    from havewemet.evaluate.links import eval_links as run

    result = run(edges, ego, hops=hops, seed=seed)
    if as_json:
        return _print_json(result.to_dict())
    console.print(
        f"ego {result.ego}: {result.neighbours} neighbours, {result.hidden} hidden, "
        f"{result.negatives} non-neighbours within {hops} hops",
        markup=False,
    )
    for name, value in sorted(result.auc.items(), key=lambda kv: -kv[1]):
        console.print(f"  {name:24s} ROC AUC {value:.3f}", markup=False)
