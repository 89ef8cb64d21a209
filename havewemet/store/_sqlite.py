"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas when they are installed, only to map their
scalar types to column types; havewemet never writes either. numpy is installed (the
triage's note signals use it), and loading it costs about 0.1 s: every command that
opens the store (``havewemet sources`` too) would start that much slower (issue 16).
This module is imported by ``havewemet.store`` before anything else imports
sqlite-utils. Where numpy is already loaded, sqlite-utils gets it, as before.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType


class _Refuse(importlib.abc.MetaPathFinder):
    """While sqlite-utils loads: numpy and pandas are "not installed"."""

    names = ("numpy", "pandas")

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"{fullname} is not loaded for sqlite-utils", name=fullname)
        return None


_refuse = _Refuse()
sys.meta_path.insert(0, _refuse)
try:
    import sqlite_utils  # noqa: E402
finally:
    sys.meta_path.remove(_refuse)

__all__ = ["sqlite_utils"]
