"""What every page shares: the settings, the per-request store with a cache of the
triaged inbox (:class:`Context`), the one error shape, the loopback and same-origin
checks. The pages import this module; :mod:`.app` imports the pages.

A page is a function ``(ctx, **path_params) -> dict`` whose dict is both the JSON twin
and the template's context, so the two cannot drift apart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from havewemet.store import Store
from havewemet.triage.engine import Triage, triage_inbox
from havewemet.triage.policy import Policy, load_policy
from havewemet.triage.replies import Templates, load_templates

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

Page = Callable[..., dict]


@dataclass(slots=True)
class WebSettings:
    """What ``havewemet serve`` passes to the app.

    Attributes:
        db_path: The store file.
        policy: The triage policy (default: the gatekeeper preset).
        today: The date tie strength and signals are computed for (default: today).
        hosts: Host names allowed besides loopback: only the one given explicitly
            with ``--host`` (``"*"`` for any, when it listens on 0.0.0.0 or ::).
    """

    db_path: Path | str
    policy: Policy | None = None
    today: date | None = None
    hosts: tuple[str, ...] = ()


@dataclass(slots=True)
class InboxCache:
    """The triaged inbox, reused while the store is unchanged (triage takes seconds)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    fingerprint: tuple | None = None
    results: list[Triage] = field(default_factory=list)


class Context:
    """One HTTP request's view of the store (opened in the handler's own thread)."""

    def __init__(self, request: Request):
        self.request = request
        self.settings: WebSettings = request.app.state.settings
        self.policy: Policy = self.settings.policy or load_policy()
        self._cache: InboxCache = request.app.state.cache
        self.store = Store.open(self.settings.db_path)
        self._me: str | None = None
        self._templates: Templates | None = None

    def close(self) -> None:
        self.store.close()

    def me(self) -> str:
        """The user's own name (from their imported profile), or ``""``."""
        if self._me is None:
            self._me = str(self.store.profile()["name"] or "")
        return self._me

    def templates(self) -> Templates:
        """The user's reply templates (read once per HTTP request)."""
        if self._templates is None:
            self._templates = load_templates()
        return self._templates

    def triaged(self) -> list[Triage]:
        """Every pending request triaged, judgement first (cached per store state)."""
        with self._cache.lock:
            fp = fingerprint(self.store)
            if fp != self._cache.fingerprint:
                log.info("triaging the inbox (store changed)")
                self._cache.results = triage_inbox(
                    self.store, policy=self.policy, today=self.settings.today
                )
                self._cache.fingerprint = fp
            return list(self._cache.results)

    def forget_decided(self, request_id: str) -> None:
        """After our own write: drop the decided request instead of re-triaging all."""
        with self._cache.lock:
            if self._cache.fingerprint is None:
                return
            self._cache.results = [t for t in self._cache.results if t.request.id != request_id]
            self._cache.fingerprint = fingerprint(self.store)


def fingerprint(store: Store) -> tuple:
    """Cheap summary that changes whenever an import, a check or a decision does."""
    return store.fingerprint()


def template_env() -> Environment:
    """The pages' templates, autoescaped."""
    env = Environment(
        loader=PackageLoader("havewemet.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda p: f"{float(p) * 100:.0f}%"
    return env


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json") or request.query_params.get("_format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str) -> Response:
    """The one error shape: ``{"ok": false, "status": 404, "error": "..."}``, or the
    same data through ``error.html``."""
    data = {"ok": False, "status": status, "error": message}
    if wants_json(request):
        return JSONResponse(data, status_code=status)
    html = request.app.state.env.get_template("error.html").render(**data, title="Error")
    return HTMLResponse(html, status_code=status)


def host_allowed(request: Request) -> bool:
    """The Host header names loopback (or the host chosen with --host): pages served
    to a DNS-rebinding site's name are refused."""
    host = request.headers.get("host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    hosts = request.app.state.settings.hosts
    return name in LOOPBACK or name in hosts or "*" in hosts


def same_origin(request: Request) -> bool:
    """A write comes from our own page: Origin (when sent) is this very host, and the
    browser does not call it a cross-site request.

    A form posted from our own page sends ``Origin: null`` (the pages' Referrer-Policy
    is no-referrer): it is accepted only when the browser itself says the post is
    same-origin (``Sec-Fetch-Site``, which no page can set)."""
    site = request.headers.get("sec-fetch-site")
    if site not in (None, "same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser (curl, a script): the Host check still applies
    if origin == "null":
        return site == "same-origin"
    return urlsplit(origin).netloc == request.headers.get("host", "")
