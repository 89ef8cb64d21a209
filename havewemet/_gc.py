"""Pausing Python's cyclic garbage collector around bulk work (issue 2).

An import allocates hundreds of thousands of objects that all stay alive (rows,
records, strings); each collection of the oldest generation walks every one of
them, so at 30,000 connections the collector took about half of the reader's
time. They hold no reference cycles to collect, so :func:`paused` turns the
collector off for the duration and back on after (reference counting still frees
everything that is dropped). Nested and concurrent uses are counted: the
collector comes back on when the last one ends, if it was on when the first began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off.

    Examples:
        >>> with paused():
        ...     gc.isenabled()
        False
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
