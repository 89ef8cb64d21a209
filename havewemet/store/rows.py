"""An :class:`~havewemet.models.ImportBatch` as the rows :meth:`Store.save` writes.

Rows are tuples in the column order of ``*_COLUMNS``, built in one pass per table
for ``executemany`` (issue 2: a dict per row and a property call per id were most
of the save time at 30,000 connections). What is written is exactly what the
records say: ids are :func:`~havewemet.models.stable_id` of the same parts as
``Identity.id`` and ``Interaction.id``; JSON is ``json.dumps(..., ensure_ascii=False)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from havewemet.models import Identity, ImportBatch, hash_text, new_hash, stable_id
from havewemet.normalize import profile_slug


def now() -> str:
    """The time of a write as the store keeps it: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


IDENTITY_COLUMNS = (
    "id",
    "source",
    "key",
    "name",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "urls",
    "handles",
    "nicknames",
    "company",
    "title",
    "location",
    "file",
    "line",
    "extra",
    "connection",
    "slug",
    "connected_id",
    "connected_on",
)
#: Where ``fold_connected`` puts a connection's interaction id and date in an identity row.
CONNECTED_ID, CONNECTED_ON = 19, 20
INTERACTION_COLUMNS = (
    "id",
    "source",
    "identity_id",
    "kind",
    "at",
    "direction",
    "detail",
    "count",
    "file",
    "line",
)
POSITION_COLUMNS = ("id", "source", "company", "title", "start", "end", "file", "line")
LIST_FIELDS = ("emails", "phones", "urls", "handles", "nicknames")
_SCALARS = ("name", "first_name", "last_name", "company", "title", "location", "file", "line")

# One encoder each, made once: ``json.dumps`` with keyword options builds a new
# encoder per call. Their output is json.dumps's with the same options.
_LIST_JSON = json.JSONEncoder(ensure_ascii=False).encode
_EXTRA_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _json_list(items: list) -> str:
    """``json.dumps(items, ensure_ascii=False)``; a list of one plain string (an
    identity's one URL or e-mail, most of them) without the encoder."""
    if not items:
        return "[]"
    if len(items) == 1:
        item = items[0]
        # Printable, so no control character; no quote or backslash: nothing to escape.
        if type(item) is str and item.isprintable() and '"' not in item and "\\" not in item:
            return f'["{item}"]'
    return _LIST_JSON(items)


#: Identity ids memoised per source, then per key.
IdMemo = dict[str, dict[str, str]]


def _key_id(source: str, key: str) -> str:
    """``stable_id(source, key)``: an identity's id (its parts joined without a generator)."""
    if type(source) is str and type(key) is str:
        return hash_text(f"{source}\x1f{key}")
    return stable_id(source, key)


def identity_rows(batch: ImportBatch, memo: IdMemo) -> list[tuple]:
    """One row per identity id, in order of first appearance.

    Identities sharing an id are merged: lists unioned, the first non-empty
    scalar kept, ``extra`` updated in order (later values win).
    """
    at: dict[str, int] = {}  # id -> its row's index
    ids: list[str] = []
    firsts: list[Identity] = []
    more: dict[int, list[Identity]] = {}
    src_memo: dict[str, str] | None = None
    last_src = None
    for ident in batch.identities:
        src, key = ident.source, ident.key
        if src != last_src:
            last_src, src_memo = src, memo.get(src)
            if src_memo is None:
                src_memo = memo[src] = {}
        iid = src_memo.get(key)  # type: ignore[union-attr]
        if iid is None:
            iid = src_memo[key] = _key_id(src, key)  # type: ignore[index]
        k = at.get(iid)
        if k is None:
            at[iid] = len(ids)
            ids.append(iid)
            firsts.append(ident)
        elif k in more:
            more[k].append(ident)
        else:
            more[k] = [ident]
    source = batch.source
    extras: dict[str, str] = {}
    js = _json_list
    rows: list[tuple] = []
    append = rows.append
    for iid, ident in zip(ids, firsts, strict=True):
        em, ph, ur, ha, ni, ex = (
            ident.emails,
            ident.phones,
            ident.urls,
            ident.handles,
            ident.nicknames,
            ident.extra,
        )
        append(
            (
                iid,
                source,
                ident.key,
                ident.name,
                ident.first_name,
                ident.last_name,
                js(em) if em else "[]",
                js(ph) if ph else "[]",
                js(ur) if ur else "[]",
                js(ha) if ha else "[]",
                js(ni) if ni else "[]",
                ident.company,
                ident.title,
                ident.location,
                ident.file,
                ident.line,
                dump_extra(ex, extras) if ex else "{}",
                1 if ident.connection else 0,
                _slug(ur) if ur else "",
            )
        )
    for k, dups in more.items():
        ident = firsts[k]
        if not _adds_nothing(ident, dups):
            rows[k] = _merged_row(ids[k], source, ident, dups, extras)
    return rows


def _adds_nothing(ident: Identity, dups: list[Identity]) -> bool:
    """True when merging ``dups`` into ``ident`` changes nothing: no ``extra``, no list
    item it lacks, no scalar where it has none (most duplicates: a connection seen
    again in messages.csv, with its name and URL)."""
    for o in dups:
        if o.extra or (o.connection and not ident.connection):
            return False
        for items, have in (
            (o.emails, ident.emails),
            (o.phones, ident.phones),
            (o.urls, ident.urls),
            (o.handles, ident.handles),
            (o.nicknames, ident.nicknames),
        ):
            if items and any(x not in have for x in items):
                return False
        if (
            (o.name and not ident.name)
            or (o.first_name and not ident.first_name)
            or (o.last_name and not ident.last_name)
            or (o.company and not ident.company)
            or (o.title and not ident.title)
            or (o.location and not ident.location)
            or (o.file and not ident.file)
            or (o.line and not ident.line)
        ):
            return False
    return True


def _merged_row(
    iid: str, source: str, ident: Identity, dups: list[Identity], extras: dict[str, str]
) -> tuple:
    row: dict[str, object] = {k: getattr(ident, k) for k in _SCALARS}
    lists = {k: list(getattr(ident, k)) for k in LIST_FIELDS}
    extra = dict(ident.extra)
    for other in dups:
        for k in _SCALARS:
            v = getattr(other, k)
            if not row[k] and v:
                row[k] = v
        for k in LIST_FIELDS:
            have = lists[k]
            have += [x for x in getattr(other, k) if x not in have]
        extra.update(other.extra)
    js = {k: _json_list(v) for k, v in lists.items()}
    return (
        iid,
        source,
        ident.key,
        row["name"],
        row["first_name"],
        row["last_name"],
        js["emails"],
        js["phones"],
        js["urls"],
        js["handles"],
        js["nicknames"],
        row["company"],
        row["title"],
        row["location"],
        row["file"],
        row["line"],
        dump_extra(extra, extras),
        1 if ident.connection or any(o.connection for o in dups) else 0,
        _slug(lists["urls"]),
    )


def _slug(urls: list[str]) -> str:
    """The LinkedIn profile slug of the first URL that has one, or ``""``."""
    for url in urls:
        slug = profile_slug(url)
        if slug:
            return slug
    return ""


def interaction_rows(batch: ImportBatch, memo: IdMemo) -> list[tuple]:
    """One row per interaction, in batch order (the store's upsert keeps the last)."""
    source = batch.source
    join = "\x1f".join
    rows: list[tuple] = []
    append = rows.append
    src_memo: dict[str, str] = {}
    last_src = None
    for i in batch.interactions:
        src, key, kind, at, direction, detail = (
            i.source,
            i.identity_key,
            i.kind,
            i.at,
            i.direction,
            i.detail,
        )
        h = new_hash()
        try:
            h.update(
                join((src, key, kind, "" if at is None else at, direction, detail)).encode(
                    "utf-8", "surrogatepass"
                )
            )
            iid = h.hexdigest()
        except TypeError:  # a part that is not a string: stable_id formats it
            iid = stable_id(src, key, kind, at, direction, detail)
        if src != last_src:
            last_src = src
            src_memo = memo.get(src)  # type: ignore[assignment]
            if src_memo is None:
                src_memo = memo[src] = {}
        ident = src_memo.get(key)
        if ident is None:
            ident = src_memo[key] = _key_id(src, key)
        append((iid, source, ident, kind, at, direction, detail, i.count, i.file, i.line))
    return rows


_NOT_CONNECTED = (None, None)
_MANY = ("",)  # an identity with two different ``connected`` interactions


def fold_connected(
    identity_rows: list[tuple], interaction_rows: list[tuple]
) -> tuple[list[tuple], list[tuple], dict[str, str]]:
    """Keep each connection's ``connected`` interaction on its identity row (m004).

    ``identity_rows`` come without the last two columns and leave with them:
    ``connected_id`` and ``connected_on``, set where the identity has exactly one
    ``connected`` interaction, of direction ``both``, no detail, a count of 1 and
    the identity's source, file and line (the ``interactions`` view gives it back
    as it was); ``None`` otherwise. Returns the identity rows, the interaction rows
    left to write, and the folded interaction ids (to their identity ids).
    """
    conn: dict[str, tuple] = {}  # identity id -> its one connected row (or _MANY)
    for r in interaction_rows:
        if r[3] == "connected":
            got = conn.get(r[2])
            if got is None or got[0] == r[0]:
                conn[r[2]] = r  # the last row of an id wins, as in the upsert
            else:
                conn[r[2]] = _MANY
    if not conn:
        return [r + _NOT_CONNECTED for r in identity_rows], interaction_rows, {}
    folded: dict[str, str] = {}
    out: list[tuple] = []
    append = out.append
    for row in identity_rows:
        x = conn.get(row[0])
        if (
            x is not None
            and x is not _MANY
            and x[5] == "both"
            and x[6] == ""
            and x[7] == 1
            and x[1] == row[1]
            and x[8] == row[14]
            and x[9] == row[15]
        ):
            folded[x[0]] = row[0]
            append((*row, x[0], x[4]))
        else:
            append(row + _NOT_CONNECTED)
    if folded:
        interaction_rows = [r for r in interaction_rows if r[0] not in folded]
    return out, interaction_rows, folded


def position_rows(batch: ImportBatch) -> list[tuple]:
    return [
        (
            f"{batch.source}:{p['company']}:{p['start']}",
            batch.source,
            p["company"],
            p["title"],
            p["start"],
            p["end"],
            p.get("file", ""),
            int(p.get("line", 0)),
        )
        for p in batch.positions
    ]


def dump_extra(extra: dict, memo: dict[str, str]) -> str:
    """``extra`` as sorted JSON, memoised: many rows of a source share one. Keyed by
    ``repr``, which tells apart what dumps apart (``True`` and ``1``, ``1`` and ``"1"``)
    for the values records hold (strings, numbers, booleans, None, lists and dicts of
    them)."""
    if not extra:
        return "{}"
    key = repr(extra)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _EXTRA_JSON(extra)
    return hit


def chunks(items: list, n: int) -> Iterator[list]:
    """``items`` in slices of ``n`` (SQLite binds at most 999 parameters by default)."""
    for i in range(0, len(items), n):
        yield items[i : i + n]
