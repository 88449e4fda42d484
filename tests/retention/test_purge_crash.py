"""A purge killed between its steps leaves a state the next run finishes: no orphan file, no
row pointing at a missing file.

The crash is simulated at the blob store's border: a wrapper around the real store raises a
BaseException (as a kill would, nothing after it runs) just before or just after deleting a file.
Step 1 (rows detached, deletion recorded) is already committed then; step 3 is not.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from redactor import audit
from redactor.blobstore import EncryptedFileBlobStore
from redactor.privacy_requests.deletion import erase_caller
from redactor.retention.consent_changes import change_consent
from redactor.retention.purge import purge_expired_artifacts
from redactor.store.models import AuditEvent, Call, RedactedAudio
from redactor.store.retention_tables import PendingBlobDeletion, PrivacyRequest

from .helpers import DAY, T0, add_call, artifacts_of, assert_consistent, blob_state


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


class CrashingBlobStore:
    """The real store, except that the `nth` delete dies before or after removing the file."""

    def __init__(self, real: EncryptedFileBlobStore, *, when: str, nth: int = 1) -> None:
        self.real, self.when, self.remaining = real, when, nth

    def delete(self, key: str) -> bool:
        self.remaining -= 1
        if self.remaining == 0 and self.when == "before_file_delete":
            raise Killed()
        existed = self.real.delete(key)
        if self.remaining == 0 and self.when == "after_file_delete":
            raise Killed()
        return existed

    def __getattr__(self, name):
        return getattr(self.real, name)


def purge(runtime, now, blobs=None):
    return purge_expired_artifacts(db=runtime.db, blobs=blobs or runtime.blobs, queue=runtime.queue, now=now)


@pytest.mark.parametrize("when", ["before_file_delete", "after_file_delete"])
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_purge_killed_between_steps_converges(runtime, when, nth):
    calls = [add_call(runtime), add_call(runtime)]  # four blobs to delete at T0 + 400 days
    keep = add_call(runtime, started_at=T0 + 399 * DAY)
    with pytest.raises(Killed):
        purge(runtime, T0 + 400 * DAY, CrashingBlobStore(runtime.blobs, when=when, nth=nth))

    files, referenced, pending = blob_state(runtime)
    assert pending, "the crash left the deletion recorded as pending"
    assert_consistent(runtime, settled=False)  # even mid-crash: nothing orphaned, nothing dangling

    report = purge(runtime, T0 + 400 * DAY)
    # Step 3 records a whole batch of files at once: the crash left all four deletions pending.
    assert report.resumed == 4
    assert_consistent(runtime)
    for call_id in calls:
        assert artifacts_of(runtime, call_id) == set()
    assert artifacts_of(runtime, keep) == {"raw_audio", "redacted_transcript", "redacted_audio"}
    assert_purge_events_complete(runtime, expected_blob_events=4)


def assert_purge_events_complete(runtime, expected_blob_events: int) -> None:
    with runtime.db.read_session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.type == "artifact.purged")).scalars().all()
        assert not audit.verify_chain(session)
    blob_events = [e for e in events if '"artifact":"redacted_transcript"' not in e.details]
    assert len(blob_events) == expected_blob_events  # exactly one event per deleted file


@pytest.mark.parametrize("when", ["before_file_delete", "after_file_delete"])
def test_consent_withdrawal_killed_mid_erase_is_finished_by_the_next_purge(runtime, when):
    call_id = add_call(runtime, started_at=T0)
    with pytest.raises(Killed):
        change_consent(db=runtime.db, blobs=CrashingBlobStore(runtime.blobs, when=when), queue=runtime.queue, call_id=call_id,
                       state="withdrawn", method="ivr", recorded_at=None, actor=audit.Actor("telephony", "k"),
                       now=T0 + DAY)
    assert_consistent(runtime, settled=False)
    assert "redacted_transcript" not in artifacts_of(runtime, call_id)  # went with step 1
    purge(runtime, T0 + DAY)
    assert artifacts_of(runtime, call_id) == set()
    assert_consistent(runtime)


def test_a_file_that_cannot_be_deleted_stays_pending_and_is_retried(runtime):
    call_id = add_call(runtime, transcript=False, redacted_audio=False)

    class ReadOnlyDisk(CrashingBlobStore):
        def delete(self, key: str) -> bool:
            raise PermissionError("read-only file system")

    report = purge(runtime, T0 + 31 * DAY, ReadOnlyDisk(runtime.blobs, when="never"))
    assert report.failed == 1
    assert_consistent(runtime, settled=False)
    assert purge(runtime, T0 + 31 * DAY).resumed == 1
    assert artifacts_of(runtime, call_id) == set()
    assert_consistent(runtime)


@pytest.mark.parametrize("stuck", ["raw_audio", "redacted_audio"])
def test_a_deletion_request_stays_in_progress_until_its_last_file_is_gone(runtime, stuck):
    """A deletion request is completed only once every file of the caller is deleted: its
    pending deletions carry its id (and the artifact and hash the purge audits), so a file that
    cannot be deleted yet, or a crash before the deletions, keeps it in progress."""
    call_id = add_call(runtime)
    with runtime.db.read_session() as session:
        call, redacted = session.get(Call, call_id), session.get(RedactedAudio, call_id)
        files = {"raw_audio": (call.audio_blob_key, call.audio_sha256),
                 "redacted_audio": (redacted.blob_key, redacted.sha256)}
    stuck_key = files[stuck][0]

    class StuckFile(CrashingBlobStore):
        def delete(self, key: str) -> bool:
            if key == stuck_key:
                raise PermissionError("read-only file system")
            return self.real.delete(key)

    manager = audit.Actor("privacy_manager", "pmkey0000001")
    result = erase_caller(db=runtime.db, blobs=StuckFile(runtime.blobs, when="never"),
                          caller_hash=runtime.caller_hasher.hash_number("090-1234-5678"),
                          verification_method="callback", verification_note=None, actor=manager, now=T0 + DAY)
    assert (result.status, result.calls_erased) == ("in_progress", 1)
    with runtime.db.read_session() as session:
        assert session.get(PrivacyRequest, result.request_id).status == "in_progress"
        pending = session.execute(select(PendingBlobDeletion)).scalars().all()
        assert [(p.blob_key, p.call_id, p.artifact, p.reason, p.sha256, p.privacy_request_id) for p in pending] == [
            (stuck_key, call_id, stuck, "deletion_request", files[stuck][1], result.request_id)]
    assert_consistent(runtime, settled=False)

    assert purge(runtime, T0 + DAY).resumed == 1
    assert_consistent(runtime)
    with runtime.db.read_session() as session:
        assert session.get(PrivacyRequest, result.request_id).status == "completed"
        purged = [json.loads(event.details) for event in session.execute(select(AuditEvent).where(
            AuditEvent.call_id == call_id, AuditEvent.type == "artifact.purged")).scalars()]
    details = {event["artifact"]: event for event in purged}
    assert len(purged) == len(details) == 3  # one event for each artifact
    assert details["redacted_transcript"] == {"artifact": "redacted_transcript", "reason": "deletion_request"}
    for artifact, (_, sha256) in files.items():
        assert details[artifact] == {"artifact": artifact, "reason": "deletion_request", "sha256": sha256,
                                     "file_deleted": True}


def test_a_deletion_request_killed_before_its_file_deletions_is_finished_by_the_next_purge(runtime):
    add_call(runtime)
    with pytest.raises(Killed):
        erase_caller(db=runtime.db, blobs=CrashingBlobStore(runtime.blobs, when="before_file_delete"),
                     caller_hash=runtime.caller_hasher.hash_number("090-1234-5678"), verification_method="callback",
                     verification_note=None, actor=audit.Actor("privacy_manager", "pmkey0000001"), now=T0 + DAY)
    with runtime.db.read_session() as session:
        (request,) = session.execute(select(PrivacyRequest)).scalars().all()
        assert request.status == "in_progress"  # not completed while its files are still on disk
    assert_consistent(runtime, settled=False)
    assert purge(runtime, T0 + DAY).resumed == 2
    assert_consistent(runtime)
    with runtime.db.read_session() as session:
        assert session.get(PrivacyRequest, request.id).status == "completed"
