"""The web app: page registration with JSON twins, the one error handler and the
loopback guard.

Pages live in one module each (:mod:`.inbox`, :mod:`.request`, :mod:`.network`) over
:mod:`.context`, which they share; every write goes through :mod:`.decide`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from havewemet.errors import HaveWeMetError, NotFoundError
from havewemet.web import decide, inbox, network
from havewemet.web import request as request_page
from havewemet.web.context import (
    Context,
    InboxCache,
    Page,
    WebSettings,
    error_response,
    host_allowed,
    template_env,
    wants_json,
)

__all__ = ["WebSettings", "create_app"]

log = logging.getLogger(__name__)


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
    app = FastAPI(title="havewemet", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.cache = InboxCache()
    app.state.env = template_env()

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
    app.add_api_route(
        "/same-person", decide.same_person_endpoint, methods=["POST"], include_in_schema=False
    )
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

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return status, b"".join(body).decode("utf-8", "replace")
