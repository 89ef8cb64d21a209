"""The native messaging host: havewemet answering the browser extension (issue 17).

The browser starts this program (through the launcher :mod:`havewemet.extension.install`
writes) when the extension first connects, and keeps it running for the browser
session: the :class:`~havewemet.triage.engine.Triager` is loaded once and answers every
page. Messages are JSON, each preceded by its length as a 32-bit unsigned integer in
the machine's byte order, on stdin and stdout (Chrome's and Firefox's native messaging);
a message to the browser is at most 1 MB. Nothing else may be written on stdout: logs
go to stderr, which the browser keeps.

Each message is an object with ``id`` (echoed) and ``type``:

``hello``
    ``{"version", "protocol", "store": {...counts}}`` or an ``error``.
``triage``
    ``cards``: the invitations a page shows (``key``, ``name``, ``profile_url``,
    ``headline``, ``note``, ``mutuals`` (names), ``mutual_count``, ``profile_facts``);
    ``save`` (default true) keeps each one as a pending request (source
    ``linkedin-page``). Answers ``results``: one per card, in order, with the
    verdict, recommendation, evidence, signals, mutuals and, for *ask*, the reply.
``outreach``
    ``profile``: a profile page with no invitation (``name``, ``profile_url``,
    ``mutuals``, ``note``); answers the outreach check.
``decide``
    ``card`` and ``decision`` (``accept`` or ``ignore``, what the user clicked on the
    page): the request is saved and the decision recorded.

An answer that cannot be given is ``{"id", "error": {"code", "message", "command"}}``,
``command`` being the one thing the user should run (shown in the badge).
"""

from __future__ import annotations

import argparse
import json
import logging
import struct
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import IO, Any

from havewemet.errors import HaveWeMetError, StoreError
from havewemet.models import ProfileFacts, Request
from havewemet.store import Store, default_path

log = logging.getLogger(__name__)

#: Raised by one when the extension and the host must change together.
PROTOCOL = 1
#: Chrome drops a message from the host larger than this (1 MB).
MAX_MESSAGE = 1024 * 1024
#: A message to the host above this is refused (the browser allows 4 GB; a page never
#: needs more than a few hundred kB).
MAX_INCOMING = 16 * 1024 * 1024
#: Source of the requests seen on LinkedIn's own pages.
PAGE_SOURCE = "linkedin-page"
#: At most this many evidence lines and mutuals per card in an answer (the rest is
#: in `havewemet inbox --verbose` and the web page), so 100 cards fit in one message.
MAX_LINES = 40
IMPORT_COMMAND = "havewemet import ~/Downloads/Basic_LinkedInDataExport_….zip"


def read_message(fp: IO[bytes]) -> dict | None:
    """One message from the browser; None at the end of input (the browser closed).

    Raises:
        HaveWeMetError: a length past :data:`MAX_INCOMING` or a body that is not a
            JSON object (the stream cannot be trusted after either).
    """
    header = fp.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack("=I", header)
    if size > MAX_INCOMING:
        raise HaveWeMetError(f"a message of {size} bytes is over the {MAX_INCOMING} limit")
    body = fp.read(size)
    if len(body) < size:
        return None
    try:
        msg = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HaveWeMetError(f"a message is not JSON ({e})") from e
    if not isinstance(msg, dict):
        raise HaveWeMetError("a message is not a JSON object")
    return msg


def encode_message(obj: object) -> bytes:
    """``obj`` as the browser reads it: the length, then UTF-8 JSON."""
    body = json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    return struct.pack("=I", len(body)) + body


def write_message(fp: IO[bytes], obj: dict) -> None:
    """Send one message; one over the browser's 1 MB limit becomes an error answer."""
    data = encode_message(obj)
    if len(data) - 4 > MAX_MESSAGE:
        data = encode_message(
            _error(obj.get("id"), "too_large", "the answer is over 1 MB; open fewer cards")
        )
    fp.write(data)
    fp.flush()


def _error(mid: object, code: str, message: str, command: str = "") -> dict:
    return {"id": mid, "error": {"code": code, "message": message, "command": command}}


def havewemet_version() -> str:
    try:
        return package_version("havewemet")
    except PackageNotFoundError:  # run from a source tree
        return "0"


class Unavailable(HaveWeMetError):
    """The store cannot answer yet; ``code`` and ``command`` go to the badge."""

    def __init__(self, code: str, message: str, command: str):
        super().__init__(message)
        self.code = code
        self.command = command


@dataclass
class Host:
    """Answers the extension's messages over one store, keeping the triage loaded.

    Examples:
        >>> host = Host(Path("/nonexistent/havewemet.db"))
        >>> host.handle({"id": 1, "type": "hello"})["error"]["code"]
        'no_store'
    """

    db: Path
    today: date | None = None
    _store: Store | None = field(default=None, init=False, repr=False)
    _triager: Any = field(default=None, init=False, repr=False)
    _version: tuple[int, str] | None = field(default=None, init=False, repr=False)
    _templates: Any = field(default=None, init=False, repr=False)

    # -- the store and the loaded triage -----------------------------------------------

    def store(self) -> Store:
        """The store, opened once; an :class:`Unavailable` names what to run."""
        if self._store is None:
            if str(self.db) != ":memory:" and not Path(self.db).exists():
                raise Unavailable(
                    "no_store",
                    f"no havewemet store at {self.db}: import your LinkedIn export first",
                    IMPORT_COMMAND,
                )
            try:
                store = Store.open(self.db)
            except StoreError as e:
                raise Unavailable("bad_store", str(e), "havewemet sources") from e
            newer = store.unknown_migrations()
            if newer:
                store.close()
                raise Unavailable(
                    "newer_store",
                    f"{self.db} was written by a newer havewemet ({newer[-1]})",
                    "pip install --upgrade havewemet && havewemet extension install",
                )
            self._store = store
        return self._store

    def triager(self):
        """The loaded :class:`Triager`; loaded again after an import or a decision."""
        from havewemet.triage.engine import Triager

        store = self.store()
        version = store.data_version()
        if self._triager is None or version != self._version:
            if not store.counts()["identities"]:
                raise Unavailable(
                    "empty_store",
                    f"your havewemet store ({self.db}) is empty: import your LinkedIn export",
                    IMPORT_COMMAND,
                )
            self._triager = Triager(store, today=self.today)
            self._version = version
        return self._triager

    def _reload_decisions(self) -> None:
        """A decision was recorded: the next triage sees it (the index is kept)."""
        from havewemet.triage.engine import Triager

        if self._triager is not None:
            t = self._triager
            self._triager = Triager(t.store, policy=t.policy, today=t.today, matcher=t.matcher)

    # -- messages ---------------------------------------------------------------------

    def handle(self, msg: dict) -> dict:
        """The answer to one message (never raises for a message's content)."""
        mid = msg.get("id")
        kind = msg.get("type")
        handlers = {
            "hello": self._hello,
            "triage": self._triage,
            "outreach": self._outreach,
            "decide": self._decide,
        }
        if kind not in handlers:
            return _error(mid, "bad_message", f"unknown message type {kind!r}")
        try:
            return {"id": mid, **handlers[kind](msg)}
        except Unavailable as e:
            return _error(mid, e.code, str(e), e.command)
        except HaveWeMetError as e:
            return _error(mid, "failed", str(e))
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            log.exception("bad message %s", kind)
            return _error(mid, "bad_message", f"{type(e).__name__}: {e}")

    def _hello(self, msg: dict) -> dict:
        store = self.store()
        counts = store.counts()
        if not counts["identities"]:
            raise Unavailable(
                "empty_store",
                f"your havewemet store ({self.db}) is empty: import your LinkedIn export",
                IMPORT_COMMAND,
            )
        return {"version": havewemet_version(), "protocol": PROTOCOL, "store": counts}

    def _triage(self, msg: dict) -> dict:
        from havewemet.triage.signals import template_groups

        cards = [_card(c) for c in _list(msg.get("cards"))]
        if not cards:
            return {"results": []}
        triager = self.triager()
        store = self.store()
        page = [_request(c) for c in cards]
        if msg.get("save", True):
            ids = store.add_requests(page)
            by_id = store.requests_by_id(ids)
            requests = [by_id[i] for i in ids]
        else:
            requests = store.preview_requests(page)
        # Template notes are counted across the whole inbox, as `havewemet inbox` does.
        pending = {r.id: r for r in store.pending_requests()}
        pending.update((r.id, r) for r in requests)
        templates = template_groups((rid, r.note) for rid, r in pending.items())
        triager.people.prefetch(n for r in requests for n in r.mutuals)
        results = []
        for card, req in zip(cards, requests, strict=True):
            req = replace(req, facts=_facts(card))
            t = triager.triage(req, template_count=templates.get(req.id, 0))
            results.append(self._result(card, t))
        return {"results": results}

    def _result(self, card: dict, t) -> dict:
        from havewemet.triage.replies import load_templates, reply_for

        data = t.to_dict()
        data["key"] = card["key"]
        data["verdict_code"] = verdict_code(t.verdict)
        data["evidence"] = data["evidence"][:MAX_LINES]
        data["mutuals"] = data["mutuals"][:MAX_LINES]
        data.pop("matches", None)  # identity ids and file names: the web page shows them
        data["reply"] = ""
        if t.action == "ask":
            if self._templates is None:
                self._templates = load_templates()
            me = self.store().profile()["name"]
            data["reply"] = reply_for(t, templates=self._templates, me=me)[1]
        return data

    def _outreach(self, msg: dict) -> dict:
        from havewemet.triage.outreach import outreach

        profile = _card(msg.get("profile") or {})
        target = profile["profile_url"] or profile["name"]
        if not target:
            raise HaveWeMetError("the profile has neither a name nor an address")
        res = outreach(
            self.store(),
            target,
            name=profile["name"],
            note=str(msg.get("note") or "") or None,
            mutuals=profile["mutuals"],
            triager=self.triager(),
        )
        data = res.to_dict()
        data["verdict_code"] = verdict_code(res.verdict)
        data["evidence"] = data["evidence"][:MAX_LINES]
        return {"outreach": data}

    def _decide(self, msg: dict) -> dict:
        from havewemet.triage.decisions import record_decision

        decision = msg.get("decision")
        if decision not in ("accept", "ignore"):
            raise HaveWeMetError(f"decision {decision!r}: the page gives accept or ignore")
        card = _card(msg.get("card") or {})
        store = self.store()
        (rid,) = store.add_requests([_request(card)])
        row = record_decision(
            store, store.requests_by_id([rid])[rid], decision, reason="clicked on linkedin.com"
        )
        self._reload_decisions()
        return {"decision": {"request_id": rid, "decision": row["decision"]}}


def verdict_code(verdict: str) -> str:
    """``known of`` -> ``known_of``: the verdict as the page's data attribute gives it."""
    return verdict.replace(" ", "_")


def _list(value: object) -> list:
    if not isinstance(value, list):
        raise HaveWeMetError("'cards' must be a list")
    return value


def _text(value: object, limit: int = 2000) -> str:
    """A page's string, bounded (a hostile page can put anything in a card)."""
    return value[:limit].strip() if isinstance(value, str) else ""


def _count(value: object) -> int:
    """A count the page showed; 0 for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, min(value, 1_000_000))
    return 0


def _card(raw: object) -> dict:
    """A card from the page, each field checked and bounded."""
    if not isinstance(raw, dict):
        raise HaveWeMetError("a card must be an object")
    mutuals = raw.get("mutuals")
    facts = raw.get("profile_facts")
    return {
        "key": _text(raw.get("key"), 200),
        "name": _text(raw.get("name"), 300),
        "profile_url": _text(raw.get("profile_url"), 500),
        "headline": _text(raw.get("headline"), 500),
        "note": _text(raw.get("note"), 3000),
        "mutuals": [_text(m, 300) for m in (mutuals if isinstance(mutuals, list) else [])][:50],
        "mutual_count": _count(raw.get("mutual_count")),
        # What the page shows of the profile (photo present, mutual/connection/follower
        # counts); the ProfileFacts among them go to triage (issue 14's profile score).
        "profile_facts": {
            str(k)[:50]: v
            for k, v in (facts.items() if isinstance(facts, dict) else [])
            if isinstance(v, bool | int | float | str | type(None))
        },
    }


def _facts(card: dict) -> ProfileFacts | None:
    """What the page showed of the profile (``profile_facts``) as :class:`ProfileFacts`
    (photo, connection and follower counts), for the fake-profile signal; None when
    it showed none of them."""
    facts = card["profile_facts"]
    photo = facts.get("has_photo")

    def count(key: str) -> int | None:
        v = facts.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None

    found = ProfileFacts(
        has_photo=photo if isinstance(photo, bool) else None,
        connections=count("connections"),
        followers=count("followers"),
    )
    return found if found != ProfileFacts() else None


def _request(card: dict) -> Request:
    if not card["name"]:
        raise HaveWeMetError("a card has no name")
    return Request(
        name=card["name"],
        profile_url=card["profile_url"],
        headline=card["headline"],
        note=card["note"],
        mutuals=card["mutuals"],
        mutual_count=card["mutual_count"],
        source=PAGE_SOURCE,
    )


def serve(host: Host, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer messages until the browser closes the pipe."""
    while True:
        try:
            msg = read_message(stdin)
        except HaveWeMetError as e:
            write_message(stdout, _error(None, "bad_message", str(e)))
            return
        if msg is None:
            return
        write_message(stdout, host.handle(msg))


def main(argv: list[str] | None = None) -> None:
    """``python -m havewemet.extension.host --db PATH [ORIGIN ...]`` (the browser adds
    the calling extension's origin, and on Windows a window handle)."""
    ap = argparse.ArgumentParser(prog="havewemet-host", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None)
    args, _browser_args = ap.parse_known_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    serve(Host(args.db or default_path()), sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
