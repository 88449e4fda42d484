"""Storage, migrations, audit chain, API keys, caller identity and the consent gate."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from redactor import audit, consent
from redactor.api_keys import authenticate, create_key, revoke_key
from redactor.errors import CallerNumberError, ConsentPolicyError, UnknownRoleError
from redactor.identity import CallerHasher, normalize_number
from redactor.store.models import AuditEvent, Base
from redactor.store.search import is_search_object


def test_migrations_match_models(runtime):
    with runtime.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            # Search's tables and indexes are the search module's, made by migrations alone.
            "include_name": lambda name, type_, parent: not is_search_object(name, type_)})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.sqlite_only("checks SQLite's own settings (WAL, foreign keys)")
def test_database_is_sqlite_wal_with_foreign_keys(runtime):
    runtime.db.upgrade()  # idempotent
    with runtime.db.read_session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert "transcript_fts" in inspect(runtime.db.engine).get_table_names()


def test_audit_chain_verifies_and_names_the_edited_event(runtime):
    with runtime.db.session() as session:
        for i in range(5):
            audit.record(session, type="test.event", actor=audit.SYSTEM, details={"n": i})
        session.commit()
    with runtime.db.read_session() as session:
        assert audit.verify_chain(session) == []
    with runtime.db.session() as session:
        session.execute(text("UPDATE audit_events SET details = :d WHERE seq = 3"), {"d": '{"n":99}'})
        session.commit()
    with runtime.db.read_session() as session:
        problems = audit.verify_chain(session)
    assert problems and all("seq 3" in p for p in problems)


def test_audit_chain_names_removed_events(runtime):
    with runtime.db.session() as session:
        for i in range(4):
            audit.record(session, type="test.event", actor=audit.SYSTEM, details={"n": i})
        session.commit()
        session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        session.commit()
    with runtime.db.read_session() as session:
        problems = audit.verify_chain(session)
    assert any(p.startswith("seq 3:") for p in problems)


@pytest.mark.parametrize("details", [
    {"caller_number": "09012345678"},
    {"nested": {"text": "伊藤雅美です"}},
    {"note": "x" * 500},
    {"method": "口頭で同意"},  # free text, however short
    {"reason": "called back on file"},
    {"when": datetime.now(timezone.utc)},
])
def test_audit_refuses_details_that_could_hold_personal_data(runtime, details):
    with runtime.db.session() as session, pytest.raises(audit.AuditDetailsError):
        audit.record(session, type="test.event", actor=audit.SYSTEM, details=details)


def test_api_keys_hash_only_and_authenticate(runtime):
    with runtime.db.session() as session:
        created = create_key(session=session, role="qa", label="qa team")
        session.commit()
    secret = created.token.removeprefix(f"rdk_{created.key_id}_")  # base64url: may contain "_"
    with runtime.db.read_session() as session:
        assert authenticate(session=session, token=created.token).role == "qa"
        for bad in ("", "rdk_x_y", created.token[:-1] + ("A" if created.token[-1] != "A" else "B"),
                    created.token.replace(created.key_id, "0" * 12)):
            assert authenticate(session=session, token=bad) is None
        stored = session.execute(text("SELECT secret_sha256 FROM api_keys")).scalar()
        assert secret not in stored
        events = session.query(AuditEvent).filter_by(type="api_key.created").all()
        assert events and created.token not in events[0].details
    with runtime.db.session() as session:
        assert revoke_key(session=session, key_id=created.key_id, actor=audit.CLI)
        session.commit()
        assert authenticate(session=session, token=created.token) is None
    with runtime.db.session() as session, pytest.raises(UnknownRoleError, match="valid roles"):
        create_key(session=session, role="root")


@pytest.mark.parametrize("a,b", [
    ("090-1234-5678", "+81 90 1234 5678"),
    ("09012345678", "+819012345678"),
    ("(03) 1234-5678", "+81-3-1234-5678"),
])
def test_caller_hash_matches_the_same_number_in_any_form(a, b):
    hasher = CallerHasher(b"k" * 32)
    assert hasher.hash_number(a) == hasher.hash_number(b)
    assert "1234" not in hasher.hash_number(a)
    assert CallerHasher(b"j" * 32).hash_number(a) != hasher.hash_number(a)


@pytest.mark.parametrize("bad", ["abc", "12", "", "090-1234-5678-9999-0000"])
def test_caller_number_errors_never_echo_the_number(bad):
    with pytest.raises(CallerNumberError) as error:
        normalize_number(bad)
    assert bad == "" or bad not in str(error.value)


def test_consent_policy_default_and_change_is_audited(runtime):
    with runtime.db.session() as session:
        assert consent.get_allowed_states(session) == {"granted", "notice_given"}
        assert consent.decide("declined", consent.get_allowed_states(session)).allowed is False
        consent.set_allowed_states(session=session, allowed=["granted"], actor=audit.Actor("privacy_manager", "k1"))
        session.commit()
        assert consent.get_allowed_states(session) == {"granted"}
        event = session.query(AuditEvent).filter_by(type="consent_policy.changed").one()
        assert '"old_allowed":["granted","notice_given"]' in event.details
        with pytest.raises(ConsentPolicyError, match="maybe"):
            consent.set_allowed_states(session=session, allowed=["maybe"], actor=audit.SYSTEM)


def test_readers_are_not_blocked_by_a_writer(runtime):
    """Writing sessions hold SQLite's write lock (BEGIN IMMEDIATE); read sessions still read."""
    with runtime.db.session() as writer:
        audit.record(writer, type="test.event", actor=audit.SYSTEM)  # holds the write lock, uncommitted
        with runtime.db.read_session() as reader:
            assert reader.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
        writer.commit()
    with runtime.db.read_session() as reader:
        assert reader.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1


KILLED_PROCESS = """
import os, signal, sys
from redactor.config import Settings
from redactor.service.runtime import ServiceRuntime
runtime = ServiceRuntime.open(Settings())
for path in (runtime.incoming_dir / "upload-dead", runtime.work_dir / "job-1-dead.audio"):
    path.write_bytes(b"plaintext")
    print(path, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _files_of_a_killed_process(settings) -> list[Path]:
    """Plaintext a process killed with SIGKILL left in its folders (it could not clean up)."""
    import subprocess
    import sys

    env = {**os.environ, "REDACTOR_DATA_DIR": str(settings.data_dir), "REDACTOR_WORK_DIR": str(settings.work_dir)}
    if settings.database_url:  # cluster mode: keys only from configuration
        env.update(REDACTOR_DATABASE_URL=settings.database_url, REDACTOR_KEYS_DIR=str(settings.keys_dir))
    done = subprocess.run([sys.executable, "-c", KILLED_PROCESS], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr[-2000:]
    return [Path(line) for line in done.stdout.split()]


@pytest.mark.local_blobs_only("one start-up sweep must take an old orphan and keep a fresh one, so the old one's file is "
                              "backdated (no client can set an S3 object's LastModified), and it leaves the local "
                              "store's partial writes (*.tmp), which S3 has not; the sweep by LastModified on S3: "
                              "tests/retention/test_orphans_and_cli.py")
def test_a_start_sweeps_what_dead_processes_left_and_nothing_of_live_ones(service_settings):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from redactor.service.runtime import ServiceRuntime

    import io
    import time
    import uuid

    from redactor.store.models import Call

    runtime = ServiceRuntime.open(service_settings)
    orphan = runtime.blobs.put(io.BytesIO(b"encrypted, then the process died before the commit"))
    two_hours_ago = time.time() - 7200  # past the orphan sweep's grace period
    os.utime(runtime.blobs.path_of(orphan.key), (two_hours_ago, two_hours_ago))
    just_written = runtime.blobs.put(io.BytesIO(b"a concurrent upload, not committed yet"))
    kept = runtime.blobs.put(io.BytesIO(b"audio of a stored call"))
    with runtime.db.session() as session:
        session.add(Call(id=str(uuid.uuid4()), external_id="kept", started_at=datetime.now(timezone.utc),
                         operator_id="op", direction="inbound", channels="mono", consent_state="granted",
                         status="queued", audio_blob_key=kept.key))
        session.commit()
    dead_blob_write, live_blob_write = (runtime.blobs.root / "ab" / ("ab" + "0" * 30 + f".{name}.tmp")
                                        for name in ("dead", "live"))
    for path in (dead_blob_write, live_blob_write):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"ciphertext")
    os.utime(dead_blob_write, (two_hours_ago, two_hours_ago))
    runtime.close()
    dead = _files_of_a_killed_process(service_settings) + [dead_blob_write, runtime.blobs.path_of(orphan.key)]
    assert len(dead) == 4
    live_process = ServiceRuntime.open(service_settings)  # a worker or API replica, running
    live = [live_process.incoming_dir / "upload-live", live_process.work_dir / "job-2-live.audio"]
    for path in live:
        path.write_bytes(b"plaintext being worked on")
    try:
        ServiceRuntime.open(service_settings).close()  # a command (keys, purge) sweeps nothing
        assert all(path.exists() for path in dead)
        with TestClient(create_app(service_settings, start_worker=False)) as client:
            assert not any(path.exists() for path in dead)
            assert all(path.exists() for path in live + [live_blob_write])
            assert sorted(client.app.state.runtime.blobs.keys()) == sorted([kept.key, just_written.key])
    finally:
        live_process.close()
    assert not live_process.incoming_dir.exists() and not live_process.work_dir.exists()  # removed at its end


@pytest.mark.sqlite_only("SQLite's synchronous pragma")
def test_every_session_runs_with_synchronous_full(runtime):
    """A 202 must survive a power cut: read back inside the sessions the service really uses."""
    with runtime.db.session() as writer:
        assert writer.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    with runtime.db.read_session() as reader:
        assert reader.execute(text("PRAGMA synchronous")).scalar() == 2


@pytest.mark.sqlite_only("SQLite's BEGIN IMMEDIATE; PostgreSQL's row locks: tests/retention/test_row_locks.py")
def test_a_writing_session_takes_the_write_lock_at_its_first_statement(runtime):
    """BEGIN IMMEDIATE: a second writer waits at its first statement, even a read.

    With deferred transactions both would read first and one would fail later with
    "database is locked" instead of waiting (the race `storing_blocker` relies on not having).
    """
    import threading

    second_began = threading.Event()
    second_done = threading.Event()

    def second_writer() -> None:
        with runtime.db.session() as session:
            session.execute(text("SELECT count(*) FROM audit_events"))  # BEGIN IMMEDIATE waits here
            second_began.set()
            audit.record(session, type="test.second", actor=audit.SYSTEM)
            session.commit()
        second_done.set()

    with runtime.db.session() as first:
        first.execute(text("SELECT count(*) FROM audit_events"))  # takes the write lock
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not second_began.wait(0.5), "the second writer began while the first held the lock"
        audit.record(first, type="test.first", actor=audit.SYSTEM)
        first.commit()
    assert second_done.wait(10)
    thread.join()
    with runtime.db.read_session() as session:
        types = session.execute(text("SELECT type FROM audit_events ORDER BY seq")).scalars().all()
    assert types == ["test.first", "test.second"]
