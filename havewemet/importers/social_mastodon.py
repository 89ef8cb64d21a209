"""Mastodon CSV exports: follows, lists, blocks and mutes.

Mastodon (Settings > Import and export > Data export) gives one CSV per list:
``following_accounts.csv`` (``Account address,Show boosts,Notify on new posts,
Languages``; exports before Mastodon 3.3 have no header, one ``user@host`` per
line), ``lists.csv`` (``list name,account``, no header),
``blocked_accounts.csv`` and ``muted_accounts.csv``. Mastodon has no followers
export; a followers list the user made the same way (a file whose name holds
``follower``) is read as follows *in*. Blocks and mutes are kept as extra on the
identity, never as evidence of knowing someone (issue 4).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, register
from havewemet.importers._io import Member, decode_text, iter_members
from havewemet.importers.social import Collector, basename, listing
from havewemet.models import Direction, FileReport, ImportBatch

MASTODON = "mastodon"
_ACCT = re.compile(r"^@?([A-Za-z0-9_][A-Za-z0-9_.\-]*)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")
_ACCT_URL = re.compile(r"^https?://([A-Za-z0-9.\-]+)/@([A-Za-z0-9_][A-Za-z0-9_.\-]*)/?$")
_LOCAL = re.compile(r"^@?([A-Za-z0-9_]+)$")
_KINDS = {
    "followingaccounts": "following",
    "following": "following",
    "followers": "followers",
    "followeraccounts": "followers",
    "followersaccounts": "followers",
    "lists": "lists",
    "blockedaccounts": "blocked",
    "mutedaccounts": "muted",
}


def mastodon_account(cell: str) -> str | None:
    """``user@host`` (lower-cased) of an account address, a handle or a profile URL.

    A bare ``user`` (a local account, as in Mastodon's own import files) is
    returned as is; anything else is None.

    Examples:
        >>> mastodon_account("@Gargron@Mastodon.Social")
        'gargron@mastodon.social'
        >>> mastodon_account("https://fosstodon.org/@ann")
        'ann@fosstodon.org'
    """
    cell = cell.strip()
    if m := _ACCT.match(cell):
        return f"{m.group(1)}@{m.group(2)}".lower()
    if m := _ACCT_URL.match(cell):
        return f"{m.group(2)}@{m.group(1)}".lower()
    if m := _LOCAL.match(cell):
        return m.group(1).lower()
    return None


def _mastodon_kind(name: str, text: str) -> str | None:
    stem = re.sub(r"[^a-z]", "", basename(name).removesuffix(".csv").removesuffix(".txt"))
    if stem in _KINDS:
        return _KINDS[stem]
    for part, kind in (
        ("follower", "followers"),
        ("following", "following"),
        ("block", "blocked"),
        ("mute", "muted"),
        ("list", "lists"),
    ):
        if part in stem:
            return kind
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lower().startswith("account address") or _ACCT.match(first.split(",")[0].strip()):
        return "following"
    cells = first.split(",")
    if len(cells) == 2 and _ACCT.match(cells[1].strip()):
        return "lists"
    return None


def _sniff_mastodon(path: Path, head: bytes) -> int:
    names = listing(path, head)
    if names is not None:
        if any(basename(n) == "following_accounts.csv" for n in names):
            return 90
        return 0
    name = path.name.lower()
    if name in ("following_accounts.csv", "blocked_accounts.csv", "muted_accounts.csv"):
        return 90
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lower().startswith("account address"):
        return 90
    lines = [ln.strip() for ln in text.splitlines()[:50] if ln.strip()]
    if lines and all(_ACCT.match(ln.split(",")[-1].strip()) for ln in lines):
        # Addresses one a line look like mail addresses too: a name settles it.
        return 70 if "mastodon" in name or name == "lists.csv" else 45
    return 0


def _mastodon_rows(member: Member, text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for raw in reader:
            cells = [c.strip() for c in raw]
            if any(cells):
                rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise InputError(
            member.display,
            f"is not valid CSV ({e})",
            line=reader.line_num,
            fix="Export it again from Mastodon (Settings > Import and export)",
        ) from e
    return rows


@register(
    "mastodon-csv",
    description="Mastodon CSV exports (following, lists, blocks, mutes)",
    sniff=_sniff_mastodon,
)
def load_mastodon(path: Path, options: ImportOptions) -> ImportBatch:
    """Read Mastodon's CSV exports (one file, or a folder or zip of them)."""
    batch = ImportBatch(source=MASTODON, kind="mastodon-csv", path=str(path))
    people = Collector(MASTODON)
    files: list[tuple[str, Member, list[tuple[int, list[str]]]]] = []
    for member in iter_members(path):
        if not member.name.lower().endswith((".csv", ".txt")):
            batch.unknown_files.append(member.name)
            continue
        text = decode_text(member.read(), member.display)
        kind = _mastodon_kind(member.name, text)
        if kind is None:
            batch.unknown_files.append(member.name)
            continue
        files.append((kind, member, _mastodon_rows(member, text)))
    if not files:
        raise InputError(
            str(path),
            "holds no Mastodon export",
            fix="Give following_accounts.csv (Settings > Import and export)",
        )
    order = ("following", "followers", "lists", "blocked", "muted")
    files.sort(key=lambda f: (order.index(f[0]), f[1].name))
    follows: dict[str, tuple[set[str], str, int]] = {}
    lists_only: list[tuple[str, str, int, FileReport]] = []
    for kind, member, rows in files:
        report = FileReport(file=member.name, kind=kind)
        batch.files.append(report)
        for line, cells in rows:
            col = 1 if kind == "lists" else 0
            if len(cells) <= col:
                raise InputError(
                    member.display,
                    f"has {len(cells)} column(s) where the list name and the account are expected",
                    line=line,
                    fix="Export the lists again from Mastodon",
                )
            if cells[col].lower().replace(" ", "") in ("accountaddress", "account"):
                continue  # the header
            acct = mastodon_account(cells[col])
            if acct is None:
                raise InputError(
                    member.display,
                    f"{cells[col][:80]!r} is not a Mastodon account address (user@host)",
                    line=line,
                    fix="Check the file is a Mastodon export, or fix that line",
                )
            report.rows += 1
            key = f"{MASTODON}/{acct}"
            user, _, host = acct.partition("@")
            extra: dict[str, object] = {}
            if not host:
                batch.warnings.append(
                    f"{member.display}, line {line}: {acct!r} has no server "
                    "(a local account); it can only be matched by name"
                )
            if kind == "lists":
                extra = {"mastodon_lists": [cells[0]]}
            elif kind in ("blocked", "muted"):
                extra = {kind: True}
            people.person(
                key,
                member.display,
                line,
                report,
                handles=[f"@{acct}"],
                urls=[f"https://{host}/@{user}"] if host else [],
                extra=extra,
            )
            if kind in ("following", "followers"):
                dirs, file, first = follows.get(key, (set(), member.display, line))
                dirs.add("out" if kind == "following" else "in")
                follows[key] = (dirs, file, first)
            elif kind == "lists":
                lists_only.append((key, member.display, line, report))
    reports = {r.file: r for r in batch.files}
    names = {m.display: m.name for _k, m, _r in files}
    for key, (dirs, file, line) in follows.items():
        direction: Direction = "both" if len(dirs) == 2 else next(iter(dirs))  # type: ignore
        people.interact(key, "follow", direction, file, line, reports[names[file]])
    if not any(kind == "following" for kind, _m, _r in files):
        # Mastodon only lets you list accounts you follow (issue 4).
        for key, file, line, report in lists_only:
            if key not in follows:
                people.interact(key, "follow", "out", file, line, report)
    return people.finish(batch)
