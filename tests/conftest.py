"""Shared fixtures: an in-memory store and a writer of LinkedIn exports in their real shape."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from havewemet.store import Store

os.environ.pop("HAVEWEMET_DB", None)


@pytest.fixture
def store() -> Store:
    s = Store.open(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store file for CLI tests, passed through HAVEWEMET_DB."""
    path = tmp_path / "store.db"
    monkeypatch.setenv("HAVEWEMET_DB", str(path))
    return path


def write_bytes(path: Path, text: str, *, bom: bool = True, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom and encoding == "utf-8" else b"") + data)
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Sockets to anything but loopback raise."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            raise OSError(f"network blocked in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
