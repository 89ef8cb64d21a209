"""Identities prepared for matching and kept in the store (issue 5), and the bounds
that let the matcher leave hopeless candidates out without comparing names."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.identity import prepared
from havewemet.identity.compare import Scored
from havewemet.identity.compare_names import _name_part
from havewemet.identity.match import Matcher, Query
from havewemet.identity.names import ParsedName
from havewemet.identity.prepared import load_matcher
from havewemet.models import Identity, ImportBatch, stable_id
from havewemet.store import Store

PEOPLE = [
    ("in/rob-smith-1a2b3c", "Robert J. Smith", "Acme"),
    ("in/jane-doe-4a1b2c", "Jane Doe", ""),
    ("in/jose-muller-77", "José Müller", "Uni"),
    ("in/anna-nowak-5", "Anna Nowak", ""),
    ("in/anna-nowak-6", "Anna Nowak", "Library"),
]


def _batch(people=PEOPLE, source="linkedin") -> ImportBatch:
    b = ImportBatch(source, "Connections.csv", "linkedin")
    for i, (key, name, company) in enumerate(people):
        b.identities.append(
            Identity(
                source,
                key,
                name,
                urls=[f"https://www.linkedin.com/{key}"],
                company=company,
                file="Connections.csv",
                line=i + 5,
            )
        )
    return b


def _found(m: Matcher, name: str, url: str = "") -> list[tuple[str, float, bool]]:
    return [
        (x.identity_id, x.probability, x.conflict)
        for x in m.match(Query(name, profile_url=url), threshold=0.0, limit=10)
    ]


@pytest.fixture
def store() -> Store:
    s = Store.open(":memory:")
    s.save(_batch())
    return s


QUERIES = [
    ("Bob Smith", ""),
    ("Jane Doe", "https://www.linkedin.com/in/jane-doe-4a1b2c"),
    ("Jose Muller", ""),
    ("Anna Nowak", "https://www.linkedin.com/in/anna-nowak-9"),
]


def test_cached_records_match_like_fresh_ones(store, monkeypatch):
    fresh = Matcher(store.identities())
    first = load_matcher(store)  # prepares every identity and keeps it
    assert store._db["match_cache"].count == 5

    def refuse(_ident):
        raise AssertionError("an identity was prepared again instead of read")

    monkeypatch.setattr(prepared, "identity_rec", refuse)
    second = load_matcher(store)
    for name, url in QUERIES:
        assert _found(second, name, url) == _found(fresh, name, url) == _found(first, name, url)
    iid = next(iter(second.recs))  # the identities' rows are read when asked for
    assert second.identities[iid]["file"] == "Connections.csv"


def test_a_changed_identity_is_prepared_again(store):
    load_matcher(store)
    renamed = [(k, "Roberta Smythe" if k.startswith("in/rob") else n, c) for k, n, c in PEOPLE]
    store.save(_batch(renamed))
    m = load_matcher(store)
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    assert [x.identity_id for x in m.match(Query("Roberta Smythe"))] == [rob]
    assert m.recs[rob].display == "Roberta Smythe"
    assert all(not m.recs[i].display.startswith("Robert J") for i in m.recs)
    assert m.match(Query("Robert J. Smith"), threshold=0.5) == []


def test_forgotten_identities_leave_the_cache(store):
    store.save(_batch([("in/x-1", "Xavier Quint", "")], source="other"))
    load_matcher(store)
    assert store._db["match_cache"].count == 6
    assert store._db["match_index"].count == 1
    store.forget("other")  # nothing of Xavier is left in the store, his match record neither
    assert store._db["match_cache"].count == 5
    assert "quint" not in " ".join(r["data"] for r in store._db["match_cache"].rows)
    assert store._db["match_index"].count == 0  # the kept index held his name too
    m = load_matcher(store)
    assert len(m) == 5 and store._db["match_cache"].count == 5


def test_a_store_that_cannot_keep_the_cache_is_matched_the_same(store):
    expected = _found(Matcher(store.identities()), "Bob Smith")
    store._db.execute("PRAGMA query_only = ON")
    m = load_matcher(store)
    assert _found(m, "Bob Smith") == expected
    store._db.execute("PRAGMA query_only = OFF")
    assert store._db["match_cache"].count == 0


def test_a_new_matcher_version_prepares_again(store, monkeypatch):
    load_matcher(store)
    monkeypatch.setattr(prepared, "VERSION", prepared.VERSION + 1)
    calls = []
    real = prepared.identity_rec
    monkeypatch.setattr(prepared, "identity_rec", lambda i: calls.append(i) or real(i))
    load_matcher(store)
    assert len(calls) == 5


# --- bounds: never below the weight the name comparison gives --------------------

WORDS = ["anna", "ana", "hanna", "smith", "smyth", "nowak", "kowalski", "jo", "j", "maria"]
WORDS += ["garcia", "lopez", "van der berg", "berg", "mary", "bob", "robert", "o'brien", "a"]
_word = st.sampled_from(WORDS)
_names = st.builds(
    ParsedName,
    _word,
    st.sampled_from(["", "", "", "lee", "j", "de la"]),
    st.one_of(st.just(""), _word),
    st.sampled_from(["", "", "jones"]),
    st.sampled_from(["", "", "bobby"]),
)
BOUND_BOOK = Matcher(
    [
        {"id": str(i), "first_name": f, "last_name": s}
        for i, (f, s) in enumerate(
            [("anna", "smith")] * 30
            + [("maria", "garcia")] * 3
            + [("jo", "nowak"), ("bob", "berg")]
        )
    ]
)


@settings(max_examples=400, deadline=None)
@given(_names, _names)
def test_bounds_are_never_below_the_name_weight(a, b):
    ug, ul = BOUND_BOOK.u_values_of(b)
    sc = Scored()
    _name_part(sc, a, b, ug, ul, BOUND_BOOK.u_word)
    assert sc.weight <= BOUND_BOOK.pair_bound(a, b) + 1e-9
    middle = 3.33 if a.middle and b.middle else 0.0
    assert sc.weight <= BOUND_BOOK.name_bound(b) + middle


def test_a_common_name_cannot_reach_a_high_threshold_and_is_not_compared(monkeypatch):
    book = [{"id": f"s{i}", "name": f"Anna Smith{'' if i < 40 else i}"} for i in range(60)]
    m = Matcher(book)
    compared = []
    real = m._score_above
    monkeypatch.setattr(m, "_score_above", lambda *a: compared.append(a[1]) or real(*a))
    assert m.match(Query("Anna Smith"), threshold=0.8) == []
    assert compared == []  # forty namesakes and their near-namesakes: no name comparison
    assert len(m.candidates(m.recs["s0"])) >= 40


def test_any_change_to_the_matchers_code_or_data_makes_kept_records_stale(tmp_path):
    from pathlib import Path

    src = Path(prepared.__file__).parent
    for name in ("names.py", "blocking.py"):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "given_names.txt").write_text("anna ann annie\n", encoding="utf-8")
    before = prepared.code_version(tmp_path)
    assert prepared.code_version(tmp_path) == before  # stable
    (tmp_path / "data" / "given_names.txt").write_text("anna ann annie hanna\n", encoding="utf-8")
    assert prepared.code_version(tmp_path) != before
    assert prepared.VERSION == prepared.code_version()


# --- the whole index kept in one row (m007) ---------------------------------------


def _refuse_filing(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("an identity was filed again instead of the kept index read")

    monkeypatch.setattr(Matcher, "add_name", refuse)


def test_the_kept_index_matches_like_fresh_records(store, monkeypatch):
    fresh = Matcher(store.identities())
    load_matcher(store)  # prepares, keeps the records and the index built from them
    assert store._db["match_index"].count == 1
    _refuse_filing(monkeypatch)
    kept = load_matcher(store)
    for name, url in QUERIES:
        assert _found(kept, name, url) == _found(fresh, name, url)
    assert kept.recs[stable_id("linkedin", "in/jane-doe-4a1b2c")].display == "Jane Doe"


def test_an_identity_changed_by_any_write_is_seen(store):
    load_matcher(store)
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    # Not through Store.save: the trigger, not the importer, makes the record stale.
    store._db.execute("update identities set name = 'Roberta Smythe' where id = ?", [rob])
    store._db.conn.commit()
    m = load_matcher(store)
    assert [x.identity_id for x in m.match(Query("Roberta Smythe"))] == [rob]
    assert m.match(Query("Robert J. Smith"), threshold=0.5) == []


def test_an_unchanged_update_keeps_the_record(store):
    load_matcher(store)
    store._db.execute("update identities set name = name, person_id = 'p1'")
    store._db.conn.commit()
    assert store._db["match_cache"].count == 5


def test_new_and_forgotten_identities_are_seen(store):
    load_matcher(store)
    store.save(_batch([("in/x-1", "Xavier Quint", "")], source="other"))
    assert [x.identity_id for x in load_matcher(store).match(Query("Xavier Quint"))] == [
        stable_id("other", "in/x-1")
    ]
    store.forget("other")
    m = load_matcher(store)
    assert len(m) == 5 and m.match(Query("Xavier Quint")) == []


def test_the_index_is_not_kept_over_another_process_write(tmp_path):
    path = tmp_path / "s.db"
    s = Store.open(path)
    s.save(_batch())
    load_matcher(s)
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    s._db.execute("update identities set name = 'Roberta Smythe' where id = ?", [rob])
    s._db.conn.commit()
    other = Store.open(path)
    real = prepared._build

    def build_then_other_writes(conn):
        built = real(conn)  # read before the other process's import...
        other.save(_batch([("in/x-1", "Xavier Quint", "")], source="other"))
        return built  # ...kept after it: the index would miss Xavier

    prepared._build = build_then_other_writes
    try:
        load_matcher(s)
    finally:
        prepared._build = real
    assert s._db["match_index"].count == 0  # the record was kept, not the index
    assert [x.identity_id for x in load_matcher(s).match(Query("Xavier Quint"))] == [
        stable_id("other", "in/x-1")
    ]
    assert s._db["match_index"].count == 1
    other.close()
    s.close()


def test_a_kept_index_of_another_python_is_built_again(store):
    load_matcher(store)
    store._db.execute("update match_index set data = x'00ff'")
    store._db.conn.commit()
    assert _found(load_matcher(store), "Bob Smith") == _found(
        Matcher(store.identities()), "Bob Smith"
    )


def test_without_the_trigger_the_kept_index_is_not_trusted(store):
    load_matcher(store)
    store._db.execute("drop trigger match_cache_stale")  # as a careless migration might
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    store._db.execute("update identities set name = 'Roberta Smythe' where id = ?", [rob])
    store._db.conn.commit()
    assert [x.identity_id for x in load_matcher(store).match(Query("Roberta Smythe"))] == [rob]


def test_slugs_are_told_without_decoding_the_record(store):
    fresh = Matcher(store.identities())
    load_matcher(store)  # prepares
    store._db.execute("delete from match_index")  # read the kept records row by row
    store._db.conn.commit()
    by_rows = load_matcher(store)
    kept = load_matcher(store)  # the index kept by the load before
    for m in (by_rows, kept):
        assert {i: m.recs.slugs_of(i) for i in m.names} == {
            i: fresh.recs[i].slugs for i in fresh.names
        }
        assert m.recs._recs == {}  # none decoded to tell them


def test_a_record_whose_identity_changed_meanwhile_is_not_kept(tmp_path):
    path = tmp_path / "s.db"
    s = Store.open(path)
    s.save(_batch())
    other = Store.open(path)
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    real = prepared._build

    def build_then_rob_renamed(conn):
        built = real(conn)  # Rob prepared as Robert J. Smith...
        renamed = [(k, "Roberta Smythe" if k.startswith("in/rob") else n, c) for k, n, c in PEOPLE]
        other.save(_batch(renamed))  # ...renamed by another process before it is kept
        return built

    prepared._build = build_then_rob_renamed
    try:
        load_matcher(s)
    finally:
        prepared._build = real
    assert s._db["match_cache"].count == 4  # the other four kept, not Rob's old record
    assert [x.identity_id for x in load_matcher(s).match(Query("Roberta Smythe"))] == [rob]
    other.close()
    s.close()


def test_without_the_forget_trigger_no_index_is_kept(store):
    store._db.execute("drop trigger match_index_follows_records")  # a careless migration
    store._db.conn.commit()
    load_matcher(store)
    assert store._db["match_index"].count == 0  # forget could not have removed it
    assert store._db["match_cache"].count == 5


def test_to_prepare_counts_what_the_next_load_prepares(store):
    assert prepared.to_prepare(store) == len(PEOPLE)  # a fresh import: all of them
    load_matcher(store)
    assert prepared.to_prepare(store) == 0  # the kept index is current
    store.save(_batch([("in/new-person-9", "New Person", "")]))
    store._db.conn.execute(
        "update identities set company = 'Globex' where key = ?", ["in/jane-doe-4a1b2c"]
    )
    assert prepared.to_prepare(store) == 2  # one new, one changed
    load_matcher(store)
    assert prepared.to_prepare(store) == 0


def test_a_first_triage_that_prepares_many_says_so_once(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from havewemet.cli import app as cli  # the module

    db = tmp_path / "store.db"
    s = Store.open(db)
    s.save(_batch())
    s.close()
    monkeypatch.setattr(cli, "PREPARE_NOTICE", len(PEOPLE))
    first = CliRunner().invoke(cli.app, ["--db", str(db), "inbox"])
    again = CliRunner().invoke(cli.app, ["--db", str(db), "inbox"])
    assert first.exit_code == again.exit_code == 0
    assert first.stderr == "Preparing 5 people for matching (once after an import)...\n"
    assert again.stderr == ""
    s = Store.open(db)
    s._db.conn.execute("delete from match_cache")  # to prepare again: JSON stays quiet
    s._db.conn.commit()
    s.close()
    as_json = CliRunner().invoke(cli.app, ["--db", str(db), "inbox", "--json"])
    assert as_json.exit_code == 0 and as_json.stderr == ""


def test_new_identities_extend_the_kept_index(store, monkeypatch):
    """An import into a large store prepares only its new identities and files them into
    the kept index (not every record again); the matcher is the one a full build gives:
    the same names, blocks and term frequencies, so the same matches."""
    load_matcher(store)  # the kept index of the five
    new = [("in/x-1", "Xavier Quint", ""), ("in/anna-nowak-7", "Anna Nowak", "Archive")]
    store.save(_batch(new, source="other"))
    monkeypatch.setattr(prepared, "_build", lambda cache: pytest.fail("built again"))
    extended = load_matcher(store)
    assert store._db["match_index"].count == 1 and store._db["match_cache"].count == 7
    monkeypatch.undo()
    store._db.execute("delete from match_index")  # near miss: what a full build gives
    store._db.conn.commit()
    built = load_matcher(store)
    assert extended.state() == built.state()
    for name, url in [*QUERIES, ("Xavier Quint", ""), ("Anna Nowak", "")]:
        assert _found(extended, name, url) == _found(built, name, url)
    assert _found(extended, "Xavier Quint")[0][0] == stable_id("other", "in/x-1")


def test_a_change_since_the_index_was_kept_builds_it_again(store, monkeypatch):
    """Not extended when an identity changed (or went): its record and the index went
    with it (m007, m009), and the new records alone would not say so."""
    load_matcher(store)
    store.save(_batch([("in/x-1", "Xavier Quint", "")], source="other"))
    rob = stable_id("linkedin", "in/rob-smith-1a2b3c")
    store._db.execute("update identities set name = 'Roberta Smythe' where id = ?", [rob])
    store._db.conn.commit()
    extended = []
    extend = prepared._extend
    monkeypatch.setattr(prepared, "_extend", lambda cache: extended.append(extend(cache)))
    m = load_matcher(store)
    assert extended == [None]  # asked, and refused: built again
    assert [x.identity_id for x in m.match(Query("Roberta Smythe"))] == [rob]
    assert m.match(Query("Robert J. Smith"), threshold=0.5) == []
