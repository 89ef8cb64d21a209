"""The local web page (``havewemet serve``): the inbox, one request's evidence, the
network map, and decision buttons.

Following Datasette's habits: every HTML page has a JSON twin built by the same
function (``/.json``, ``/request/ID.json``, ``/network.json`` or ``?_format=json``),
errors go through one handler with one JSON shape, and every write goes through
:func:`havewemet.web.decide.write_decision`. The code is synchronous; each HTTP request
opens the store in its own thread and closes it after.

The page is for 127.0.0.1: requests whose ``Host`` is not loopback (or the host the
user chose with ``--host``) are refused, which stops DNS-rebinding pages reading
the data, and writes also need a same-origin ``Origin``.

It comes with the default install (FastAPI, Jinja2 and uvicorn are dependencies).
"""

from havewemet.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
