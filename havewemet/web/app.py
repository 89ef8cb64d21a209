"""The web app: page registration with JSON twins, the one error handler, the
loopback guard, and the per-request store with a cache of the triaged inbox.

Pages live in one module each (:mod:`.inbox`, :mod:`.request`, :mod:`.network`); a
page is a function ``(ctx, **path_params) -> dict`` whose dict is both the JSON twin
and the template's context, so the two cannot drift apart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from havewemet.errors import HaveWeMetError, NotFoundError
from havewemet.store import Store
from havewemet.triage.engine import Triage, triage_inbox
from havewemet.triage.policy import Policy, load_policy

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
class _Cache:
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
        self._cache: _Cache = request.app.state.cache
        self.store = Store.open(self.settings.db_path)

    def close(self) -> None:
        self.store.close()

    def triaged(self) -> list[Triage]:
        """Every pending request triaged, clear cases first (cached per store state)."""
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


def _env() -> Environment:
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
    browser does not call it a cross-site request."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser (curl, a script): the Host check still applies
    return urlsplit(origin).netloc == request.headers.get("host", "")


def register(app: FastAPI, path: str, template: str, page: Page) -> None:
    """Serve ``page`` as HTML at ``path`` and as JSON at ``path.json`` (and with
    ``?_format=json``)."""
    json_path = "/.json" if path == "/" else f"{path}.json"

    def handler(request: Request) -> Response:
        ctx = Context(request)
        try:
            data = page(ctx, **request.path_params)
        finally:
            ctx.close()
        if wants_json(request):
            return JSONResponse(data)
        html = request.app.state.env.get_template(template).render(**data)
        return HTMLResponse(html)

    handler.__name__ = f"page_{template.split('.')[0]}"
    # The twin first: "{rid}" alone would also match "abc.json".
    app.add_api_route(json_path, handler, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        path, handler, methods=["GET"], response_class=HTMLResponse, include_in_schema=False
    )


def create_app(settings: WebSettings) -> FastAPI:
    """The FastAPI app over one store.

    Examples:
        >>> import json
        >>> app = create_app(WebSettings(":memory:"))
        >>> status, text = get(app, "/.json")
        >>> status, json.loads(text)["pending"]
        (200, 0)
    """
    from havewemet.web import decide, inbox, network
    from havewemet.web import request as request_page

    app = FastAPI(title="havewemet", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.cache = _Cache()
    app.state.env = _env()

    @app.middleware("http")
    async def loopback_only(request: Request, call_next):
        if not host_allowed(request):
            return error_response(
                request,
                403,
                "this page answers only on 127.0.0.1 "
                "(or the host given to `havewemet serve --host`)",
            )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = (
            exc.detail
            if exc.status_code != 404 or exc.detail != "Not Found"
            else f"no page at {request.url.path}; the inbox is at /"
        )
        return error_response(request, exc.status_code, str(message))

    @app.exception_handler(RequestValidationError)
    def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400, "; ".join(str(e.get("msg")) for e in exc.errors()))

    @app.exception_handler(HaveWeMetError)
    def _library_error(request: Request, exc: HaveWeMetError) -> Response:
        return error_response(request, 404 if isinstance(exc, NotFoundError) else 400, str(exc))

    @app.exception_handler(Exception)
    def _bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error serving %s", request.url.path)
        return error_response(
            request,
            500,
            f"unexpected error ({type(exc).__name__}); the details are in the server's log",
        )

    register(app, "/", "inbox.html", inbox.page)
    register(app, "/request/{rid}", "request.html", request_page.page)
    register(app, "/network", "network.html", network.page)
    app.add_api_route("/decide", decide.endpoint, methods=["POST"], include_in_schema=False)
    app.mount("/static", StaticFiles(packages=[("havewemet.web", "static")]), name="static")
    return app


def get(app: FastAPI, path: str) -> tuple[int, str]:
    """The page at ``path`` rendered in-process, as ``havewemet serve --get`` prints it:
    the status code and the body (a redirect is not followed). The app is called
    directly as ASGI with one GET from 127.0.0.1: no HTTP client, no socket.
    """
    target = urlsplit(path if path.startswith("/") else "/" + path)
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target.path,
        "raw_path": target.path.encode("utf-8"),
        "root_path": "",
        "query_string": target.query.encode("utf-8"),
        "headers": [(b"host", b"127.0.0.1"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    status = 500
    body: list[bytes] = []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects first
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return status, b"".join(body).decode("utf-8", "replace")
