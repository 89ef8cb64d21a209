"""``havewemet serve``: the local web page."""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from havewemet.cli.app import PolicyOpt, PresetOpt, command, console, db_path, notice_preparing
from havewemet.errors import HaveWeMetError

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and ``localhost`` are loopback; anything else is a network."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, explicit: bool) -> str | None:
    """The warning to print for ``host``, or None for loopback.

    Raises:
        HaveWeMetError: a non-loopback host that was not typed on the command line.
    """
    if is_loopback(host):
        return None
    if not explicit:
        raise HaveWeMetError(
            f"refusing to serve on {host}: the page serves only "
            "127.0.0.1 unless you type --host yourself"
        )
    return (
        f"Warning: serving on {host}: anyone who can reach this computer on that "
        "network can read your contacts, messages and requests, and record decisions."
    )


def _port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as e:
            raise HaveWeMetError(
                f"cannot listen on {host}:{port} ({e.strerror}); choose another port with --port"
            ) from e


@command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            help="The address to listen on. Anything but 127.0.0.1/localhost shows your data "
            "to that network, and is accepted only when typed here."
        ),
    ] = "127.0.0.1",
    policy: PolicyOpt = None,
    preset: PresetOpt = None,
    get: Annotated[
        str | None,
        typer.Option(
            "--get",
            help="Print the page at this path (e.g. /.json) and exit, without starting a server.",
        ),
    ] = None,
) -> None:
    """Serve the inbox, each request's evidence and your network map on 127.0.0.1."""
    import uvicorn

    from havewemet.triage.policy import load_policy
    from havewemet.web import WebSettings, create_app

    source = ctx.get_parameter_source("host")
    explicit = getattr(source, "name", "") == "COMMANDLINE"
    warning = check_host(host, explicit=explicit)
    wildcard = host.strip("[]") in ("0.0.0.0", "::")
    settings = WebSettings(
        db_path(),
        policy=load_policy(policy, preset_name=preset),
        hosts=() if warning is None else ("*",) if wildcard else (host,),
    )
    app = create_app(settings)
    _prepare(settings.db_path)
    if get is not None:
        return _get(app, get)
    _port_free(host, port)
    if warning:
        console.print(f"[bold red]{warning}[/]")
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    console.print(
        f"Serving {settings.db_path} on http://{shown}:{port}/  (Ctrl+C to stop)",
        markup=False,
        highlight=False,
    )
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", server_header=False)


def _prepare(db_path: Path | str) -> None:
    """Prepare the identities for matching before serving (after an import it takes
    seconds), so that the first page comes at once."""
    from havewemet.identity.prepared import load_matcher
    from havewemet.store import Store

    store = Store.open(db_path)
    try:
        if notice_preparing(store):
            load_matcher(store)
    finally:
        store.close()


def _get(app: FastAPI, path: str) -> None:
    """Print the page at ``path`` (rendered in-process, no HTTP client); exit 1 on an
    error page."""
    from havewemet.web.app import get

    status, text = get(app, path)
    sys.stdout.write(text + "\n")
    if status >= 400:
        raise typer.Exit(1)
