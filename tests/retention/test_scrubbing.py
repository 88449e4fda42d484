"""Erased text leaves no bytes behind in SQLite, even where SQLite would keep them by default.

Debian builds SQLite with `secure_delete` on by default, so a test on this machine passes
whether or not the erasing session asks for it. Here every connection starts with it OFF (as
other builds do), so only the erasing session's own `PRAGMA secure_delete=ON` keeps deleted
rows from lingering in free pages. The FTS5 index keeps deleted entries in old segments until
it is merged: its stored trigrams are checked after the erasure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text

from redactor.retention.purge import purge_expired_artifacts

from .helpers import DAY, MARKER_TEXT, T0, add_call

pytestmark = pytest.mark.sqlite_only("SQLite's secure_delete and FTS5 merge; README, PostgreSQL, says what "
                                     "stays where after an erasure there")

CALLER = "090-5555-0123"
ERASED, KEPT = "ZQXJ7W削除", "保持PLMK"
ERASED_CALLS = 20  # enough freed pages that later writes cannot happen to overwrite them all


@pytest.fixture
def insecure_by_default(client):
    """The client's runtime with SQLite's secure_delete off on every new connection."""
    runtime = client.app.state.runtime

    @event.listens_for(runtime.db.engine, "connect")
    def _secure_delete_off(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=OFF")

    runtime.db.engine.dispose()  # connections made before the listener are gone
    with runtime.db.read_session() as session:
        assert session.execute(text("PRAGMA secure_delete")).scalar() == 0
    return runtime


def stored_bytes(runtime) -> bytes:
    """The database file and its WAL, after a checkpoint (as a backup or a disk image would see them)."""
    raw = runtime.db.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    folder = Path(runtime.settings.data_dir)
    return b"".join(p.read_bytes() for p in sorted(folder.glob("redactor.db*")))


def indexed_trigrams(runtime, phrase: str) -> list[str]:
    """Trigrams of `phrase` (case-folded, as the trigram tokenizer stores them) still in the FTS index."""
    with runtime.db.read_session() as session:
        index = b"".join(row[0] for row in session.execute(text("SELECT block FROM transcript_fts_data")) if row[0])
    folded = phrase.lower()
    return [t for t in (folded[i:i + 3] for i in range(len(folded) - 2)) if t.encode("utf-8") in index]


def matching_turns(runtime, phrase: str) -> int:
    with runtime.db.read_session() as session:
        return len(session.execute(text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :q"),
                                   {"q": f'"{phrase}"'}).all())


@pytest.fixture
def two_calls(insecure_by_default):
    """Calls of CALLER (to erase, expired) and one of another caller (kept, not expired)."""
    runtime = insecure_by_default
    for _ in range(ERASED_CALLS):
        add_call(runtime, caller_number=CALLER, marker=ERASED)
    add_call(runtime, caller_number="080-7777-0456", marker=KEPT, started_at=T0 + 399 * DAY)
    assert ERASED.encode() in stored_bytes(runtime) and indexed_trigrams(runtime, ERASED)  # the checks can fail
    return runtime


def remaining_turns(runtime) -> list[str]:
    with runtime.db.read_session() as session:
        return session.execute(text("SELECT text FROM transcript_turns")).scalars().all()


def test_a_deletion_request_overwrites_the_text_and_merges_the_search_index(client, auth, two_calls):
    runtime = two_calls
    response = client.post("/v1/privacy-requests", headers=auth("privacy_manager"), json={
        "type": "deletion", "caller_number": CALLER,
        "identity_verification": {"method": "callback", "note": "called back"}})
    assert response.status_code == 200 and response.json()["status"] == "completed", response.text

    assert ERASED.encode() not in stored_bytes(runtime)
    assert indexed_trigrams(runtime, ERASED) == []
    assert remaining_turns(runtime) == [MARKER_TEXT.format(n=KEPT)]
    assert matching_turns(runtime, KEPT) == 1 and matching_turns(runtime, ERASED) == 0


def test_a_retention_purge_overwrites_the_text(two_calls):
    runtime = two_calls
    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=T0 + 400 * DAY)
    assert "redacted_transcript" in {item.artifact for item in report.items}

    assert ERASED.encode() not in stored_bytes(runtime)
    assert remaining_turns(runtime) == [MARKER_TEXT.format(n=KEPT)]
    assert matching_turns(runtime, KEPT) == 1 and matching_turns(runtime, ERASED) == 0
