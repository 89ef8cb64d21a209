"""The ``havewemet`` command: a thin layer over the library.

``app`` holds the Typer app, its shared options and the error wrapper; each module
here registers one area's commands on it (each command parses its options, opens the
store, calls the library and prints). Library errors become ``Error: ...``, exit 1.
"""

# In the order of `havewemet --help`.
from havewemet.cli import sources, me, triage, identity, signals, store_admin, web  # noqa: F401, I001
from havewemet.cli import network, extension, policy  # noqa: F401, I001
from havewemet.cli.app import main

__all__ = ["main"]
