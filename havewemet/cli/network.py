"""Network commands: the map of the user's circles (``graph``) and the link-prediction
evaluation (``eval links``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli.app import JsonOpt, _print_json, command, console, eval_app, open_store


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


@command()
def graph(
    out: Annotated[
        Path, typer.Option("--out", help="map.svg, map.png or map.html (self-contained).")
    ],
    request: Annotated[
        str | None,
        typer.Option("--request", help="Highlight this requester (id, profile or name)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw your circles (coloured, named) with the requesters beside their mutual
    connections; --request highlights one requester's mutuals and paths."""
    from havewemet.network.draw import layout, write_map
    from havewemet.network.place import Network

    store = open_store()
    request_id = store.get_request(request).id if request else ""
    data = layout(Network.from_store(store), request_id=request_id)
    write_map(data, out)
    if as_json:
        return _print_json({"out": str(out), **data.to_dict()})
    console.print(
        f"Wrote {out}: {len(data.circles)} circles, {len(data.nodes)} people drawn.",
        markup=False,
    )
    if data.placement:
        console.print(data.placement.text(), markup=False)
