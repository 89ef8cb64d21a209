"""Store administration commands: ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli.app import _print_json, command, console, db_path

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _store_path() -> Path:
    return db_path()


@command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    force: Annotated[bool, typer.Option(help="Overwrite FILE if it exists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the store (decisions included) to FILE, safely while it is in use."""
    from havewemet.store.backup import backup

    counts = backup(_store_path(), file, overwrite=force)
    if as_json:
        return _print_json({"backup": str(file), "counts": counts})
    console.print(
        f"Backed up {_store_path()} to {file}: " + ", ".join(f"{n} {t}" for t, n in counts.items()),
        markup=False,
    )


@command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `havewemet backup`.")],
    as_json: JsonOpt = False,
) -> None:
    """Replace the store by a backup (checked first; the old store is kept beside it)."""
    from havewemet.store.backup import restore

    target = _store_path()
    had_store = target.exists()
    counts = restore(file, target)
    if as_json:
        return _print_json({"restored": str(target), "from": str(file), "counts": counts})
    console.print(
        f"Restored {target} from {file}: "
        + ", ".join(f"{n} {t}" for t, n in counts.items())
        + (f". The previous store is kept in {target}.before-restore" if had_store else ""),
        markup=False,
    )
