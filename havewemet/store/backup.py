"""Backing up and restoring the store with SQLite's online backup API.

A backup is one self-contained SQLite file (no ``-wal`` side file), readable by
the user only, written to a temporary name beside the target, checked, and only
then renamed into place: an interrupted backup never leaves a half-written file
under the name the user gave.

A restore checks the file first (a SQLite database, intact, with the havewemet
tables), keeps a copy of the current store beside it (``<store>.before-restore``),
then copies the backup into the live store in one transaction of the backup API
(so a reader or a crash sees either the old store or the new one, never a mix)
and checks the result against the backup's row counts before it reports
success. If that check fails, the previous store is put back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from havewemet.errors import InputError, StoreError

__all__ = ["REQUIRED_TABLES", "backup", "restore", "check_store_file"]

log = logging.getLogger(__name__)

REQUIRED_TABLES = ("_migrations", "sources", "identities", "interactions", "requests", "decisions")
"""Tables every havewemet store has: a file without them is not a store."""
_COUNTED = ("sources", "identities", "interactions", "requests", "decisions")
_MAGIC = b"SQLite format 3\x00"


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in _COUNTED}


def check_store_file(path: Path) -> dict[str, int]:
    """Check that ``path`` is an intact havewemet store; its row counts per table.

    Raises:
        InputError: naming the file and what is wrong with it.
    """
    fix = "Give a file written by `havewemet backup`"
    if not path.is_file():
        raise InputError(str(path), "does not exist or is not a file", fix=fix)
    with path.open("rb") as fh:
        if fh.read(len(_MAGIC)) != _MAGIC:
            raise InputError(str(path), "is not a havewemet store (not a SQLite database)", fix=fix)
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise InputError(str(path), f"cannot be opened ({e})", fix=fix) from e
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise InputError(str(path), f"is damaged (integrity check: {result})", fix=fix)
        # ``interactions`` is a view since migration m004 (havewemet.store.schema).
        tables = {
            r[0]
            for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")
        }
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise InputError(
                str(path),
                f"is not a havewemet store (no table {', '.join(repr(m) for m in missing)})",
                fix=fix,
            )
        return _counts(conn)
    except sqlite3.DatabaseError as e:
        raise InputError(str(path), f"is not a havewemet store ({e})", fix=fix) from e
    finally:
        conn.close()


def _copy(src: sqlite3.Connection, target: Path) -> None:
    """Copy ``src`` into a new file ``target`` (mode 0600, rollback journal)."""
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()
    finally:
        dst.close()


def backup(store_path: Path, dest: Path, *, overwrite: bool = False) -> dict[str, int]:
    """Write a consistent copy of the store at ``store_path`` to ``dest``.

    Safe while other processes use the store (the backup API copies one snapshot).

    Args:
        store_path: the store to back up.
        dest: the backup file to write.
        overwrite: replace ``dest`` if it exists.

    Returns:
        The row counts per table in the backup.

    Examples:
        >>> backup(Path("havewemet.db"), Path("2026-03-01.havewemet"))  # doctest: +SKIP
        {'sources': 2, 'identities': 1503, ...}
    """
    dest = Path(dest)
    if not Path(store_path).is_file():
        raise StoreError(f"{store_path}: there is no store to back up yet")
    if dest.exists() and dest.resolve() == Path(store_path).resolve():
        raise StoreError(f"{dest}: that is the store itself; give another file name")
    if dest.exists() and not overwrite:
        raise StoreError(f"{dest} exists; add --force to overwrite it")
    if dest.exists() and dest.is_dir():
        raise StoreError(f"{dest} is a folder; give a file name")
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    src = sqlite3.connect(f"file:{Path(store_path).resolve()}?mode=ro", uri=True, timeout=30)
    try:
        _copy(src, tmp)
        counts = check_store_file(tmp)
        os.replace(tmp, dest)
    except InputError as e:
        raise StoreError(f"{store_path}: is not a havewemet store, nothing written ({e})") from e
    except (sqlite3.Error, OSError) as e:
        raise StoreError(
            f"{dest}: the backup was not written ({e}); check the folder and the free disk space"
        ) from e
    finally:
        src.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
    log.info("backed up %s to %s: %s", store_path, dest, counts)
    return counts


def restore(source: Path, store_path: Path) -> dict[str, int]:
    """Replace the store at ``store_path`` by the backup ``source``.

    The backup is checked before anything is touched; the current store is kept as
    ``<store>.before-restore`` until the restored one has been checked.

    Returns:
        The row counts per table in the restored store.

    Raises:
        InputError: ``source`` is not an intact havewemet store (nothing changed).
        StoreError: the restore failed (the previous store is back in place).
    """
    source, store_path = Path(source), Path(store_path)
    expected = check_store_file(source)
    if store_path.exists() and source.resolve() == store_path.resolve():
        raise StoreError(f"{source}: that is the store itself; give a backup file")
    keep = store_path.with_name(store_path.name + ".before-restore")
    if store_path.exists():
        backup(store_path, keep, overwrite=True)
    else:
        store_path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(store_path, os.O_CREAT | os.O_WRONLY, 0o600))
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    live = sqlite3.connect(store_path, timeout=30)
    try:
        # One step: the whole copy is one write transaction on the live store.
        src.backup(live)
        live.commit()
        got = _counts(live)
        ok = live.execute("PRAGMA integrity_check").fetchone()[0]
        if got != expected or ok != "ok":
            raise StoreError(
                f"{store_path}: the restored store does not match {source} "
                f"({got} != {expected}, integrity {ok})"
            )
    except (sqlite3.Error, OSError, StoreError) as e:
        live.close()
        if keep.exists():
            _put_back(keep, store_path)
        raise StoreError(
            f"{store_path}: the restore failed ({e}); the previous store is "
            f"in place (a copy is in {keep})"
        ) from e
    finally:
        src.close()
        with contextlib.suppress(sqlite3.Error):
            live.close()
    log.info("restored %s from %s: %s (previous store kept in %s)", store_path, source, got, keep)
    return got


def _put_back(keep: Path, store_path: Path) -> None:
    src = sqlite3.connect(f"file:{keep.resolve()}?mode=ro", uri=True)
    live = sqlite3.connect(store_path, timeout=30)
    try:
        src.backup(live)
    finally:
        src.close()
        live.close()
