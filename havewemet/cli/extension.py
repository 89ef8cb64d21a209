"""``havewemet extension path|install|uninstall``: the browser extension and its host."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from havewemet.cli.app import app, command, console, db_path

extension_app = typer.Typer(
    help="The browser extension: where it is, and havewemet as its native host.",
    no_args_is_help=True,
)
app.add_typer(extension_app, name="extension")

BrowserOpt = Annotated[
    str, typer.Option("--browser", help="chromium, chrome, edge, brave or firefox.")
]
ProfileOpt = Annotated[
    Path | None,
    typer.Option(
        "--profile-dir",
        help="A browser profile started with --user-data-dir DIR: the host goes into "
        "DIR/NativeMessagingHosts.",
    ),
]


@command("path", typer_app=extension_app)
def path_cmd() -> None:
    """Print the folder to load with "Load unpacked" (chrome://extensions)."""
    from havewemet.extension import extension_dir

    typer.echo(str(extension_dir()))


@command("install", typer_app=extension_app)
def install_cmd(browser: BrowserOpt = "chromium", profile_dir: ProfileOpt = None) -> None:
    """Register havewemet as the extension's native messaging host for one browser."""
    from havewemet.extension import extension_dir, install_host

    done = install_host(browser, db=db_path(), profile_dir=profile_dir)
    console.print(f"Wrote {escape(str(done.manifest))} (allowed: {done.allowed})")
    console.print(f"Wrote {escape(str(done.launcher))} (reads {escape(str(done.db))})")
    console.print(
        "Next: open chrome://extensions (edge://, brave://), turn on Developer mode, "
        "click Load unpacked and choose:"
    )
    typer.echo(str(extension_dir()))


@command("uninstall", typer_app=extension_app)
def uninstall_cmd(browser: BrowserOpt = "chromium", profile_dir: ProfileOpt = None) -> None:
    """Remove the native messaging host for one browser."""
    from havewemet.extension import uninstall_host

    removed = uninstall_host(browser, profile_dir=profile_dir)
    for p in removed:
        console.print(f"Removed {escape(str(p))}")
    if not removed:
        console.print("Nothing to remove: the host was not installed for this browser.")
