"""The ``havewemet`` command: a thin layer over the library.

Each command parses its options, opens the store, calls the library and prints.
Library errors become ``Error: ...`` with exit code 1.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import typing
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperCommand
from typer.models import ArgumentInfo, OptionInfo

from havewemet.errors import HaveWeMetError

if TYPE_CHECKING:  # the store (sqlite-utils) is imported by the commands that open it
    from havewemet.store import Store

app = typer.Typer(
    help="Have we met? Triage connection requests against your own data, locally.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Show, write or check your triage policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
eval_app = typer.Typer(help="Measure havewemet on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
# emoji=False: a name like ":thumbs_up:" (hostile text is escaped for markup, not for
# emoji codes) is shown as written; and no emoji table to load at start.
console = Console(soft_wrap=True, emoji=False)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PolicyOpt = Annotated[Path | None, typer.Option("--policy", help="A TOML policy file.")]
PresetOpt = Annotated[
    str | None,
    typer.Option(
        "--preset", help="gatekeeper (default) or networker; overrides the file's preset."
    ),
]


def fail(error: Exception) -> typer.Exit:
    """Print ``Error: ...`` (one line per problem) on stderr; exit code 1."""
    sys.stderr.write(f"Error: {error}\n")
    return typer.Exit(1)


def errors_to_exit(fn):
    """Turn library errors into ``Error: ...`` and exit code 1 (never a traceback), and
    make the top-level options (Typer's context object) readable by :func:`db_path`.

    The command gains a hidden ``typer.Context`` parameter, so that commands need not
    declare one each.
    """

    sig = inspect.signature(fn, eval_str=True)
    own = [p.name for p in sig.parameters.values() if p.annotation is typer.Context]
    name = own[0] if own else "_havewemet_ctx"

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        ctx = kw[name] if own else kw.pop(name)
        token = _STATE.set(ctx.find_object(CliState) if ctx else None)
        try:
            return fn(*a, **kw)
        except HaveWeMetError as e:
            raise fail(e) from None
        finally:
            _STATE.reset(token)

    if not own:  # Typer passes one context parameter: the command's own, else this one
        ctx = inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )
        wrapper.__signature__ = sig.replace(parameters=[ctx, *sig.parameters.values()])
        wrapper.__annotations__ = {**fn.__annotations__, name: typer.Context}
    return wrapper


def command(*args, typer_app: typer.Typer | None = None, **kwargs):
    """``app.command`` (or ``typer_app.command``) with library errors turned into
    ``Error: ...`` and exit code 1, and every value placeholder in its help named."""

    def deco(fn):
        name_placeholders(fn)
        kwargs.setdefault("cls", _Command)
        return (typer_app or app).command(*args, **kwargs)(errors_to_exit(fn))

    return deco


class _Argument(TyperArgument):
    """An argument shown as click does: ``PATH`` (``[NAME]`` when optional) in the
    usage line and no ``<str>`` type beside it (Typer writes ``{path}``, ``path <path>``)."""

    def display_type_rich(self, ctx: object) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = str(self.display_name_raw)
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


class _Command(TyperCommand):
    """A command whose arguments are :class:`_Argument` (issue 13: no placeholders)."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        super().__init__(*args, **kwargs)
        for p in self.params:
            if type(p) is TyperArgument:
                p.__class__ = _Argument


def name_placeholders(fn: Callable[..., object]) -> None:
    """Give each argument and option of ``fn`` without a ``metavar`` its name in
    capitals, so that help reads ``havewemet import [OPTIONS] PATH`` and ``--mutual
    MUTUAL``, not Typer's ``{path}`` and ``<list[str]>`` (issue 13)."""
    # The annotations are strings (``from __future__ import annotations``): each
    # evaluation makes new OptionInfo objects, so keep the evaluated ones on ``fn``
    # for Typer to read.
    hints = typing.get_type_hints(fn, include_extras=True)
    for name, hint in hints.items():
        for info in getattr(hint, "__metadata__", ()):
            if isinstance(info, OptionInfo | ArgumentInfo) and info.metavar is None:
                info.metavar = name.rstrip("_").upper()
    fn.__annotations__ = hints


@dataclass(frozen=True)
class CliState:
    """What the top-level options set, kept in Typer's context object."""

    db: Path | None = None


_STATE: ContextVar[CliState | None] = ContextVar("havewemet_cli_state", default=None)


def db_path() -> Path:
    """The store's path: ``--db``, else ``HAVEWEMET_DB`` (read by Typer), else the default."""
    from havewemet.store import default_path

    state = _STATE.get()
    return (state.db if state else None) or default_path()


def db_given() -> Path | None:
    """The store named by ``--db`` or ``HAVEWEMET_DB``, if either is given."""
    state = _STATE.get()
    return state.db if state else None


def open_store() -> Store:
    """The store named by --db / HAVEWEMET_DB."""
    from havewemet.store import Store

    return Store.open(db_path())


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="HAVEWEMET_DB",
            metavar="FILE",
            help="The store (SQLite). Default: havewemet.db in your user data folder.",
        ),
    ] = None,
) -> None:
    ctx.obj = CliState(db=db)


#: From this many identities to prepare, a triage says why it takes seconds.
PREPARE_NOTICE = 5000


def notice_preparing(store: Store) -> int:
    """How many identities the next triage prepares for matching; one line on stderr
    when they are many (after an import: a few seconds at 30,000)."""
    from havewemet.identity.prepared import to_prepare

    n = to_prepare(store)
    if n >= PREPARE_NOTICE:
        sys.stderr.write(f"Preparing {n:,} people for matching (once after an import)...\n")
    return n


def main() -> None:
    """The console script. Importing this module imports the package first, whose
    ``__init__`` registers every command module on :data:`app`."""
    app()
