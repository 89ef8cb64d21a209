"""A large batch of requests triaged on two processes (issue 5).

Triage is CPU-bound Python: 1,000 requests against 50,000 identities take about
1.4 s of one core after the store is loaded. On Linux a batch of
:data:`PARALLEL_MIN` requests or more is split in two: the process forks after the
load (the child shares the loaded index copy-on-write), each half is triaged in
its own process and the child's results come back pickled through a pipe. The
results are the same as one process gives (each request is triaged alone; what a
batch shares, its template notes and its mutuals' ties, is found before the fork),
in the same order.

The fork is taken only where it is safe: Linux (macOS' system libraries do not
support it), one thread (a fork copies no other thread, and a lock one of them held
would stay held), and ``HAVEWEMET_WORKERS`` not set to 1. A child that fails in any
way costs only time: the parent triages that half itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

log = logging.getLogger(__name__)

#: Below this many requests a fork (about 10 ms, and the child's first look at the
#: big name blocks again) is not worth it.
PARALLEL_MIN = 200


def workers_for(n_requests: int) -> int:
    """How many processes to triage ``n_requests`` on: 2 when the batch is large,
    the machine has a second core for this process and a fork is safe, else 1."""
    env = os.environ.get("HAVEWEMET_WORKERS", "").strip()
    if env == "1" or n_requests < PARALLEL_MIN:
        return 1
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return 2 if len(os.sched_getaffinity(0)) >= 2 else 1


def map_split(fn: Callable[[dict], Any], requests: list[dict], store: Any) -> list[Any]:
    """``[fn(r) for r in requests]``, the odd-numbered half in a forked child.

    Args:
        fn: triages one request; it may read ``store`` but not write it.
        requests: the batch, in the order the results are wanted.
        store: the :class:`~havewemet.store.Store` ``fn`` reads; the child reads it
            through a connection of its own (a file store) or its copy (in memory).
    """
    ours, theirs = requests[0::2], requests[1::2]
    rfd, wfd = os.pipe()
    try:
        pid = os.fork()
    except OSError as e:  # no memory or too many processes: one process then
        os.close(rfd)
        os.close(wfd)
        log.info("triage on one process (%s)", e)
        return [fn(r) for r in requests]
    if pid == 0:  # the child: never returns, never runs the parent's cleanup
        code = 1
        try:
            os.close(rfd)
            _own_connection(store)
            data = pickle.dumps([fn(r) for r in theirs], pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException:  # noqa: BLE001 - reported by the exit code
            data = b""
        try:
            with os.fdopen(wfd, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as pipe:
        try:
            mine = [fn(r) for r in ours]
        finally:  # the child blocks on a full pipe until it is read
            data = pipe.read()
            _, status = os.waitpid(pid, 0)
    if status == 0 and data:
        others = pickle.loads(data)  # noqa: S301 - our own child's results
    else:
        log.warning("the second triage process failed (status %s); triaging its half here", status)
        others = [fn(r) for r in theirs]
    out: list[Any] = [None] * len(requests)
    out[0::2], out[1::2] = mine, others
    return out


def _own_connection(store: Any) -> None:
    """Give the child a connection of its own to a file store: SQLite's locks are
    per process, and a connection must not be used on both sides of a fork."""
    if store.path in ("", ":memory:"):
        return  # the child's copy of an in-memory database is its own
    uri = Path(store.path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    store.db = sqlite_utils.Database(conn)


__all__ = ["PARALLEL_MIN", "map_split", "workers_for"]
