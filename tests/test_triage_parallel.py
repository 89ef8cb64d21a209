"""A batch triaged on two processes gives what one gives (issue 5)."""

from __future__ import annotations

import logging
import os
import threading

import pytest

from havewemet.demo import TODAY, load_demo
from havewemet.store import Store
from havewemet.triage import parallel
from havewemet.triage.engine import Triager

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    load_demo(folder).close()
    return folder / "demo.db"


def _inbox(path, workers: int) -> list[dict]:
    store = Store.open(path)
    try:
        results = Triager(store, today=TODAY.date()).triage_all(store.requests(), workers=workers)
        return [r.to_dict() for r in results]
    finally:
        store.close()


def test_two_processes_give_the_same_inbox(demo_db):
    one = _inbox(demo_db, 1)
    assert len(one) == 36
    assert _inbox(demo_db, 2) == one


def test_an_in_memory_store_is_read_from_the_childs_copy(demo_db):
    mem = Store.open(":memory:")
    src = Store.open(demo_db)
    src.db.conn.backup(mem.db.conn)
    src.close()
    requests = mem.requests()
    one = [r.to_dict() for r in Triager(mem, today=TODAY.date()).triage_all(requests, workers=1)]
    two = Triager(mem, today=TODAY.date()).triage_all(requests, workers=2)
    assert [r.to_dict() for r in two] == one


def test_a_failed_child_costs_only_time(demo_db, caplog):
    parent = os.getpid()

    def fails_in_the_child(r: dict) -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child's half fails")
        return r["name"]

    store = Store.open(demo_db)
    requests = store.requests()
    with caplog.at_level(logging.WARNING, logger="havewemet.triage.parallel"):
        names = parallel.map_split(fails_in_the_child, requests, store)
    store.close()
    assert names == [r["name"] for r in requests]
    assert "the second triage process failed" in caplog.text


def test_an_error_in_the_parent_is_raised_and_the_child_reaped(demo_db):
    parent = os.getpid()

    def fails_in_the_parent(r: dict) -> str:
        if os.getpid() == parent:
            raise ValueError("bad request")
        return r["name"]

    store = Store.open(demo_db)
    with pytest.raises(ValueError, match="bad request"):
        parallel.map_split(fails_in_the_parent, store.requests(), store)
    store.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_two_processes_only_for_a_large_batch_where_safe(monkeypatch):
    monkeypatch.delenv("HAVEWEMET_WORKERS", raising=False)
    monkeypatch.setattr(parallel.sys, "platform", "linux")
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert parallel.workers_for(parallel.PARALLEL_MIN - 1) == 1
    assert parallel.workers_for(parallel.PARALLEL_MIN) == 2
    monkeypatch.setenv("HAVEWEMET_WORKERS", "1")
    assert parallel.workers_for(1000) == 1
    monkeypatch.delenv("HAVEWEMET_WORKERS")
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert parallel.workers_for(1000) == 1  # one core
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(parallel.sys, "platform", "darwin")
    assert parallel.workers_for(1000) == 1
    monkeypatch.setattr(parallel.sys, "platform", "linux")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert parallel.workers_for(1000) == 1  # a fork copies no other thread
    finally:
        stop.set()
        t.join()
