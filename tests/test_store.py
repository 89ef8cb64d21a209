"""The store: re-requests after a decision, provenance, file mode."""

from __future__ import annotations

import json

from havewemet.models import ImportBatch, Request
from havewemet.store import Store


def _batch(sent_at: str) -> ImportBatch:
    return ImportBatch(
        source="linkedin",
        kind="linkedin",
        path="x",
        requests=[
            Request(
                name="Lena Vogt",
                profile_url="https://www.linkedin.com/in/lena-vogt",
                sent_at=sent_at,
                source="linkedin",
            )
        ],
    )


def test_a_new_invitation_after_a_decision_is_pending_again(store):
    store.save(_batch("2026-01-05T09:00:00"))
    store._db.execute("update requests set status = 'ignore'")
    store.save(_batch("2026-01-05T09:00:00"))  # the same export again: still decided
    assert [r.status for r in store.requests(status=None)] == ["ignore"]
    store.save(_batch("2026-06-01T10:00:00"))  # a newer invitation from the same profile
    assert [r.name for r in store.requests()] == ["Lena Vogt"]


def test_store_file_is_private(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


# -- m004: a connection's interaction kept on its identity ------------------------------


def _connections(date: str = "2020-01-05", *, twice: bool = False) -> ImportBatch:
    from havewemet.models import Identity, Interaction

    b = ImportBatch(source="linkedin", kind="linkedin", path="x")
    for key, line in (("in/ada", 2), ("in/bo", 3)):
        b.identities.append(Identity("linkedin", key, name=key, file="Connections.csv", line=line))
        b.interactions.append(
            Interaction("linkedin", key, "connected", date, "both", "", "Connections.csv", line)
        )
    b.interactions.append(
        Interaction(
            "linkedin", "in/ada", "message", "2021-02-02", "in", "", "messages.csv", 7, count=3
        )
    )
    if twice:  # a second connection row for Bo: not folded, logged as before
        b.interactions.append(
            Interaction(
                "linkedin", "in/bo", "connected", "2019-01-01", "both", "", "Connections.csv", 9
            )
        )
    return b


def _view(store: Store) -> list[tuple]:
    return sorted(store._db.execute("select * from interactions").fetchall())


def _expected(batch: ImportBatch) -> list[tuple]:
    last = {i.id: i for i in batch.interactions}
    return sorted(
        (
            i.id,
            i.source,
            i.identity_id,
            i.kind,
            i.at,
            i.direction,
            i.detail,
            i.count,
            i.file,
            i.line,
        )
        for i in last.values()
    )


def test_connections_are_kept_on_identities_and_read_back_as_interactions(store):
    batch = _connections(twice=True)
    first = store.save(batch)
    assert (first.added["interactions"], first.updated["interactions"]) == (4, 0)
    assert _view(store) == _expected(batch)
    # Ada's connection is on her identity; Bo's two connection rows stay in the log.
    assert store._db.execute(
        "select key, connected_on from identities order by key"
    ).fetchall() == [
        ("in/ada", "2020-01-05"),
        ("in/bo", None),
    ]
    assert store._db.execute("select count(*) from interaction_log").fetchone()[0] == 3
    again = store.save(batch)
    assert sum(again.added.values()) == 0 and sum(again.updated.values()) == 0
    # Each identity's connection first, as the interactions table gave them.
    ada = [r["kind"] for r in store.interactions_for([stable_id_of("in/ada")])]
    assert ada == ["connected", "message"]
    assert all("connected_id" not in r for r in store.identities())


def stable_id_of(key: str) -> str:
    from havewemet.models import stable_id

    return stable_id("linkedin", key)


def test_a_newer_date_keeps_the_earlier_connection_row_and_forget_removes_both(store):
    store.save(_connections("2020-01-05"))
    newer = store.save(_connections("2020-03-01"))
    assert (newer.added["interactions"], newer.updated["interactions"]) == (2, 0)
    both = _expected(_connections("2020-01-05")) + _expected(_connections("2020-03-01"))
    assert _view(store) == sorted(set(both))  # as the interactions table kept them
    assert store.forget("linkedin")["interactions"] == 5
    assert _view(store) == []


def test_a_store_written_before_m004_is_converted(tmp_path, monkeypatch):
    import havewemet.store as store_mod

    path = tmp_path / "old.db"
    batch = _connections(twice=True)
    monkeypatch.setattr(store_mod, "_MIGRATIONS", store_mod._MIGRATIONS[:3])
    old = Store.open(path)
    assert (
        old._db.execute("select type from sqlite_master where name = 'interactions'").fetchone()[0]
        == "table"
    )
    old._db.conn.executemany(
        "insert into identities (id, source, key, name, file, line, extra, emails, phones, urls,"
        " handles, nicknames) values (?, ?, ?, ?, ?, ?, '{}', '[]', '[]', '[]', '[]', '[]')",
        [(i.id, i.source, i.key, i.name, i.file, i.line) for i in batch.identities],
    )
    old._db.conn.executemany(
        "insert into interactions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _expected(batch)
    )
    old._db.conn.commit()
    old.close()
    monkeypatch.undo()
    new = Store.open(path)
    assert _view(new) == _expected(batch)
    assert new._db.execute("select key, connected_on from identities order by key").fetchall() == [
        ("in/ada", "2020-01-05"),
        ("in/bo", None),
    ]


def test_interactions_of_many_identities_with_only_some_columns(store: Store) -> None:
    from havewemet.models import Identity, Interaction

    b = ImportBatch("linkedin", "Connections.csv", "linkedin")
    for i in range(1000):  # more than one query's worth of ids
        b.identities.append(Identity("linkedin", f"in/p{i}", f"Person {i}", file="C.csv"))
        b.interactions.append(
            Interaction("linkedin", f"in/p{i}", "message", f"2025-01-{1 + i % 28:02d}", "in")
        )
    store.save(b)
    ids = [r["id"] for r in store._db.query("select id from identities")]
    full = store.interactions_for(ids)
    narrow = store.interactions_for(ids, fields=("kind", "at"))
    assert len(full) == len(narrow) == 1000
    assert narrow == [
        {"identity_id": r["identity_id"], "kind": r["kind"], "at": r["at"]} for r in full
    ]


def test_forget_leaves_no_trace_in_the_store_files(tmp_path, monkeypatch) -> None:
    """Deleted rows' bytes zeroed and the write-ahead log emptied, even where SQLite
    is not built to zero them (macOS, Windows) and while another process has the
    store open (the log is not removed at close then)."""
    import sqlite3

    import havewemet.store
    from havewemet.identity.prepared import load_matcher
    from havewemet.models import Identity

    real_connect = sqlite3.connect

    def connect_as_most_builds(*a, **k):  # secure_delete off, unlike Debian's SQLite
        conn = real_connect(*a, **k)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(havewemet.store.sqlite3, "connect", connect_as_most_builds)
    path = tmp_path / "s.db"
    s = Store.open(path)
    b = ImportBatch("other", "contacts.vcf", "vcard")
    for i in range(500):
        b.identities.append(
            Identity("other", f"c{i}", f"Xavierquintus{i:03d} Zed", emails=[f"xq{i}@example.org"])
        )
    s.save(b)
    load_matcher(s)  # kept prepared too, and in the index
    reader = Store.open(path)  # another process's connection keeps the log file
    assert reader.counts()["identities"] == 500
    s.forget("other")
    files = {f.name: f.read_bytes() for f in tmp_path.iterdir()}
    assert all(b"avierquintus" not in data and b"xq1@" not in data for data in files.values())
    reader.close()
    s.close()


def test_a_store_written_before_m010_keeps_its_connections(tmp_path, monkeypatch):
    """The LinkedIn importer's ``{"connection": true}`` in ``extra`` becomes the
    ``connection`` column (and the profile slug a column), so a pending request from a
    connection is still marked connected, and re-importing the export changes nothing."""
    import havewemet.store as store_mod
    from havewemet.models import Identity, Request

    path = tmp_path / "old.db"
    before = [name for name, _fn in store_mod._MIGRATIONS].index("m013_connection_flag")
    monkeypatch.setattr(store_mod, "_MIGRATIONS", store_mod._MIGRATIONS[:before])
    old = Store.open(path)
    rows = [
        ("in/ada", "Ada Byron", '["https://www.linkedin.com/in/Ada"]', '{"connection": true}'),
        ("in/bo", "Bo Li", '["https://www.linkedin.com/in/bo"]', '{"connection": true, "x": "é"}'),
        ("in/cy", "Cy Ng", '["https://www.linkedin.com/in/cy"]', "{}"),
    ]
    old._db.conn.executemany(
        "insert into identities (id, source, key, name, urls, extra, emails, phones, handles,"
        " nicknames, first_name, last_name, company, title, location, file, line) values"
        " (?, 'linkedin', ?, ?, ?, ?, '[]', '[]', '[]', '[]', '', '', '', '', '', '', 0)",
        [(stable_id_of(k), k, n, u, e) for k, n, u, e in rows],
    )
    old._db.conn.commit()
    old.close()
    monkeypatch.undo()
    new = Store.open(path)
    assert new._db.execute(
        "select key, connection, slug, extra from identities order by key"
    ).fetchall() == [
        ("in/ada", 1, "ada", "{}"),
        ("in/bo", 1, "bo", '{"x": "é"}'),
        ("in/cy", 0, "cy", "{}"),
    ]
    for name in ("Ada Byron", "Cy Ng"):
        new.add_request(Request(name, f"https://www.linkedin.com/in/{name.split()[0].lower()}"))
    new.refresh_request_status()
    assert {r.name: r.status for r in new.requests(status=None)} == {
        "Ada Byron": "connected",
        "Cy Ng": "pending",
    }
    batch = ImportBatch("linkedin", "linkedin", "export")
    batch.identities = [
        Identity("linkedin", k, n, urls=[json.loads(u)[0]], extra=json.loads(e), connection=True)
        for k, n, u, e in rows[:2]
    ]
    for ident in batch.identities:
        ident.extra.pop("connection", None)
    assert new.save(batch).updated["identities"] == 0


def test_a_request_typed_by_hand_from_a_connection_is_marked_connected(store: Store) -> None:
    from havewemet.models import Identity, Request

    batch = ImportBatch("linkedin", "linkedin", "export")
    batch.identities = [
        Identity("linkedin", "in/ada-b", "Ada Byron", connection=True),
        Identity("vcard", "ada", "Cy Ng"),  # not a connection: the request stays
    ]
    store.save(batch)
    store.add_request(Request("ada byron"))
    store.add_request(Request("Cy Ng"))
    store.refresh_request_status()
    assert {r.name: r.status for r in store.requests(status=None)} == {
        "ada byron": "connected",
        "Cy Ng": "pending",
    }
