"""Signal evaluations: ``eval notes`` and ``eval profiles`` (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli.app import JsonOpt, _print_json, command, console, eval_app

CsvArg = Annotated[Path, typer.Argument(help="A labelled CSV file.")]


def _report(result: dict, as_json: bool) -> None:
    if as_json:
        return _print_json(result)
    console.print(
        f"{result['n']} rows ({result['positives']} labelled 1): ROC AUC {result['auc']:.3f}\n"
        f"at the shipped threshold ({result['threshold']}): precision "
        f"{result['precision']:.3f}, recall {result['recall']:.3f}\n"
        f"recall at a 5% false-positive rate: {result['recall_at_fpr_05']:.3f}",
        markup=False,
    )


@command("notes", typer_app=eval_app)
def eval_notes(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns text,label (1 = the unwanted kind), optional kind "
            "(note or headline)."
        ),
    ],
    label: Annotated[
        str,
        typer.Option(
            help="What label 1 means: unwanted (pitch, job seeking, collecting, "
            "recruiting) or one of pitch, job_seeking, collector, recruiter, stock, personal."
        ),
    ] = "unwanted",
    as_json: JsonOpt = False,
) -> None:
    """The note reader on labelled notes: ROC AUC, precision and recall, recall at 5% FPR."""
    from havewemet.evaluate.signals import eval_notes as run

    _report(run(file, label=label), as_json)


@command("profiles", typer_app=eval_app)
def eval_profiles(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns followers,following,bio_length,has_photo,"
            "username_digits,username_length,label (1 = fake or automated)."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """The fake-profile score on labelled profiles: ROC AUC, precision and recall."""
    from havewemet.evaluate.signals import eval_profiles as run

    _report(run(file), as_json)
