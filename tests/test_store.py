"""The store: re-requests after a decision, provenance, file mode."""

from __future__ import annotations

from havewemet.models import ImportBatch, Request
from havewemet.store import Store


def _batch(sent_at: str) -> ImportBatch:
    return ImportBatch(source="linkedin", kind="linkedin", path="x", requests=[
        Request(name="Lena Vogt", profile_url="https://www.linkedin.com/in/lena-vogt",
                sent_at=sent_at, source="linkedin")])


def test_a_new_invitation_after_a_decision_is_pending_again(store):
    store.save(_batch("2026-01-05T09:00:00"))
    store.db.execute("update requests set status = 'ignore'")
    store.save(_batch("2026-01-05T09:00:00"))  # the same export again: still decided
    assert [r["status"] for r in store.requests(status=None)] == ["ignore"]
    store.save(_batch("2026-06-01T10:00:00"))  # a newer invitation from the same profile
    assert [r["name"] for r in store.requests()] == ["Lena Vogt"]


def test_store_file_is_private(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
