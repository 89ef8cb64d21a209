"""Names a package exports but imports on first use (issue 16: start fast).

A package's ``__init__`` maps each public name to the module that defines it and
sets ``__getattr__ = lazy_getattr(__name__, where)``: ``import havewemet`` or
``import havewemet.identity.handles`` then loads nothing else, and the first
``havewemet.Store`` imports :mod:`havewemet.store` and keeps the class as a plain
attribute of the package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
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


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, imported when one of its attributes is first read (the
    standard library's :class:`importlib.util.LazyLoader`): a reader's library (a
    calendar or vCard parser) costs nothing to an import of another format.

    Examples:
        >>> json = lazy_module("json")
        >>> json.dumps([1])
        '[1]'
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
