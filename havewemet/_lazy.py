"""Names a package exports but imports on first use (issue 16: start fast).

A package's ``__init__`` maps each public name to the module that defines it and
sets ``__getattr__ = lazy_getattr(__name__, where)``: ``import havewemet`` or
``import havewemet.identity.handles`` then loads nothing else, and the first
``havewemet.Store`` imports :mod:`havewemet.store` and keeps the class as a plain
attribute of the package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_getattr(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``name`` from ``where[name]``.

    Examples:
        >>> get = lazy_getattr("havewemet", {"Store": "havewemet.store"})
        >>> get("Store").__name__
        'Store'
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(sys.modules[package], name, value)  # once loaded, a plain attribute
        return value

    return __getattr__
