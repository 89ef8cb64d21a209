"""The X (Twitter) archive: ``data/following.js``, ``data/follower.js``, ``data/account.js``.

Each file is JavaScript that assigns one JSON array::

    window.YTD.following.part0 = [ {"following": {"accountId": "12", "userLink":
        "https://twitter.com/intent/user?user_id=12"}} ]

Big archives split a file into ``following-part1.js`` and so on. Only account
ids are given, so each account is recorded under ``x/<id>`` with the handle
``x:<id>`` and the address ``https://x.com/i/user/<id>``; where a screen name
shows (a ``screenName`` field, or a ``userLink`` such as ``https://x.com/jack``) it
is added as ``@jack`` and ``https://x.com/jack``. An account both
followed and following back is one ``follow`` with direction ``both``.
``account.js`` names the user (``batch.me``). Everything else in the archive
(tweets, media) is listed as unknown, never fatal.
"""

from __future__ import annotations

import re
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import Member, decode_text, iter_members, parse_date
from havewemet.importers.social import Collector, JsonDoc, basename, is_single_file, listing
from havewemet.models import Direction, FileReport, Identity, ImportBatch

SOURCE = "x"
_KINDS = ("account", "following", "follower")
_FILE = re.compile(r"^(account|following|follower)(?:-part\d+)?\.js$")
_PREFIX = re.compile(r"\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=\s*")
_SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_HOST = r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/"
_PROFILE_LINK = re.compile(_HOST + r"([A-Za-z0-9_]{1,15})/?(?:[?#].*)?$", re.I)
_INTENT_LINK = re.compile(
    _HOST + r"intent/(?:user|follow)\?(?:.*&)?screen_name=([A-Za-z0-9_]{1,15})(?:&|#|$)", re.I
)
_NOT_USERS = {"intent", "i", "home", "search", "settings", "share", "hashtag"}
_FIX = "Download your archive again from X (Settings > Your account > Download an archive)"


def _sniff(path: Path, head: bytes) -> int:
    names = listing(path, head)
    if names is not None:
        if any(_FILE.match(basename(n)) for n in names):
            return 90
        if path.suffix.lower() == ".zip" and not names and "twitter" in path.name.lower():
            return 50  # a damaged archive named like one: claim it so the user hears why
        return 0
    if _PREFIX.match(head[:200].decode("utf-8", errors="replace").lstrip("\ufeff")):
        return 95 if _FILE.match(path.name.lower()) else 60
    return 0


def screen_name(link: str) -> str:
    """The screen name in an X profile link, or ``""`` (intent links by id have none).

    Examples:
        >>> screen_name("https://x.com/ID_AA_Carmack")
        'ID_AA_Carmack'
        >>> screen_name("https://twitter.com/intent/user?user_id=12")
        ''
        >>> screen_name("https://twitter.com/intent/user?screen_name=jack")
        'jack'
    """
    if m := _PROFILE_LINK.match(link.strip()):
        return m.group(1) if m.group(1).lower() not in _NOT_USERS else ""
    if m := _INTENT_LINK.match(link.strip()):
        return m.group(1)
    return ""


def account_urls(account_id: str, name: str = "") -> list[str]:
    """The addresses of an account: ``https://x.com/i/user/<id>``, which X keeps for
    every account whatever its screen name becomes (the real archive gives only the
    id, and an intent link that is the same thing), and ``https://x.com/<name>``
    when a screen name is known. A later file that names the account (its screen
    name, or the same address) joins it (issue 13).

    Examples:
        >>> account_urls("12", "jack")
        ['https://x.com/i/user/12', 'https://x.com/jack']
    """
    return [f"https://x.com/i/user/{account_id}"] + ([f"https://x.com/{name}"] if name else [])


def read_ytd(data: bytes, file: str) -> tuple[str, JsonDoc]:
    """The data name (``following``) and the parsed array of one ``window.YTD`` file."""
    text = decode_text(data, file)
    m = _PREFIX.match(text)
    if not m:
        raise InputError(
            file,
            "does not start with 'window.YTD.<name>.part0 = '",
            line=1,
            fix=f"This is not a file from an X archive. {_FIX}",
        )
    doc = JsonDoc(text, file, start=m.end(), fix=_FIX, depth=1)
    if not isinstance(doc.data, list):
        raise InputError(
            file,
            "does not hold a list after 'window.YTD...= '",
            line=doc.line_at(m.end()),
            fix=_FIX,
        )
    return m.group(1), doc


def _entry(doc: JsonDoc, entry: object, kind: str, n: int, fallback: int) -> tuple[dict, int]:
    """The inner object of one array entry (``{"following": {...}}``) and its line."""
    line = doc.line_of(entry, fallback)
    inner = entry.get(kind) if isinstance(entry, dict) else None
    if inner is None and isinstance(entry, dict) and len(entry) == 1:
        inner = next(iter(entry.values()))
    if not isinstance(inner, dict):
        raise InputError(
            doc.file, f'entry {n + 1} is not a {{"{kind}": {{...}}}} object', line=line, fix=_FIX
        )
    return inner, doc.line_of(inner, line)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _account_id(inner: dict, doc: JsonDoc, n: int, line: int) -> str:
    value = inner.get("accountId")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    raise InputError(doc.file, f"entry {n + 1} has no numeric accountId", line=line, fix=_FIX)


def _entries(doc: JsonDoc) -> list[object]:
    """The array of a document :func:`read_ytd` gave (it checked that it is one)."""
    assert isinstance(doc.data, list)
    return doc.data


def _me(doc: JsonDoc) -> Identity | None:
    for n, entry in enumerate(_entries(doc)):
        inner, line = _entry(doc, entry, "account", n, doc.line_of_item(doc.data, n))
        account_id = _account_id(inner, doc, n, line)
        username = _text(inner.get("username"))
        me = Identity(
            SOURCE, "me", name=_text(inner.get("accountDisplayName")), file=doc.file, line=line
        )
        me.handles = [f"@{username}"] if username else []
        me.handles.append(f"x:{account_id}")
        me.urls = [f"https://x.com/{username}"] if username else []
        email = _text(inner.get("email")).lower()
        me.emails = [email] if "@" in email else []
        created = parse_date(_text(inner.get("createdAt")))
        if created:
            me.extra["x_created_at"] = created
        return me
    return None


def _order(doc: tuple[str, Member, JsonDoc]) -> tuple[int, str]:
    return _KINDS.index(doc[0]), doc[1].name


@register(
    "x-archive",
    description="X/Twitter archive (zip, folder, or following.js, follower.js, account.js)",
    sniff=_sniff,
)
def load(path: Path, options: ImportOptions) -> ImportBatch:
    """Read the follows and the user's account from an X archive."""
    batch = ImportBatch(source=SOURCE, kind="x-archive", path=str(path))
    people = Collector(SOURCE)
    docs: list[tuple[str, Member, JsonDoc]] = []
    single = is_single_file(path)
    for member in iter_members(path):
        if not _FILE.match(basename(member.name)) and not single:
            batch.unknown_files.append(member.name)
            continue
        name, doc = read_ytd(member.read(), member.display)
        if name not in _KINDS:
            raise InputError(
                member.display,
                f"holds window.YTD.{name}, not follows or the account",
                line=1,
                fix="Give data/following.js, data/follower.js or data/account.js",
            )
        kind = name
        docs.append((kind, member, doc))
    if not docs:
        raise InputError(
            str(path),
            "holds no following.js, follower.js or account.js",
            fix=f"Give the archive, its data folder or one of those files. {_FIX}",
        )
    seen: dict[str, tuple[set[str], str, int, FileReport]] = {}
    for kind, member, doc in sorted(docs, key=_order):
        report = FileReport(file=member.name, kind=kind, rows=len(_entries(doc)))
        batch.files.append(report)
        if kind == "account":
            batch.me = _me(doc) or batch.me
            report.identities = int(batch.me is not None)
            continue
        for n, entry in enumerate(_entries(doc)):
            inner, line = _entry(doc, entry, kind, n, doc.line_of_item(doc.data, n))
            account_id = _account_id(inner, doc, n, line)
            link = _text(inner.get("userLink"))
            name = _text(inner.get("screenName")) or _text(inner.get("userName"))
            name = name.lstrip("@") if _SCREEN_NAME.match(name.lstrip("@")) else ""
            name = name or screen_name(link)
            key = f"{SOURCE}/{account_id}"
            people.person(
                key,
                doc.file,
                line,
                report,
                name=_text(inner.get("name")),
                handles=[f"x:{account_id}"] + ([f"@{name}"] if name else []),
                urls=account_urls(account_id, name),
            )
            dirs, file, first, rep = seen.get(key, (set(), doc.file, line, report))
            dirs.add("out" if kind == "following" else "in")
            seen[key] = (dirs, file, first, rep)
    for key, (dirs, file, line, report) in seen.items():
        direction: Direction = "both" if len(dirs) == 2 else next(iter(dirs))  # type: ignore
        people.interact(key, "follow", direction, file, line, report)
    return people.finish(batch)
