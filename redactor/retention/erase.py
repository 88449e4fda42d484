"""Erasing the artifacts of a call in an order that survives a crash at any step.

Blob-backed artifacts (raw audio, redacted audio) go in three steps:

1. one transaction: the call stops pointing at the blob and a `pending_blob_deletions` row
   records the blob key (with the rest of the change and its audit events);
2. the encrypted file is deleted (idempotent: a missing file is fine);
3. one transaction: the pending row is removed and an `artifact.purged` event recorded.

A crash after 1 leaves a pending row and the file; after 2 a pending row and no file. Either
way no row points at a missing file and no file is unaccounted for, and
`finish_blob_deletions` (run first by every purge) completes the work. Database-only artifacts
(the redacted transcript, its turns, findings and search entries) go in step 1's transaction.

`erase_artifacts` is step 1 for any set of a call's artifacts (the purge, a consent withdrawal
and a deletion request all go through it); `cancel_jobs` stops the call's unfinished jobs, through
the job queue, the one way to cancel a job.

On SQLite erasing sessions switch `secure_delete` on, so removed rows are overwritten with
zeros instead of lingering in free pages (`scrub_database` also checkpoints the WAL).
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.jobs.queue import JobQueue
from redactor.retention.policy import Artifact
from redactor.store.db import Database
from redactor.store.models import Call, Job, RedactedAudio
from redactor.store.retention_tables import LegalHold, PendingBlobDeletion, PrivacyRequest
from redactor.store.transcripts import delete_transcript
from redactor.store.types import utcnow

logger = logging.getLogger(__name__)

BATCH = 100  # files deleted, then recorded in one transaction (a commit is an fsync)


class EraseReason(StrEnum):
    RETENTION_LIMIT = "retention_limit"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    DELETION_REQUEST = "deletion_request"


def secure_delete(session: Session) -> None:
    """Make SQLite overwrite what this session deletes (no-op elsewhere)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))


def unlink_raw_audio(session: Session, call: Call, *, reason: str, now: datetime,
                     privacy_request_id: str | None = None) -> str | None:
    """Step 1 for the raw audio: schedule its blob and detach it from the call. Returns the key."""
    key = call.audio_blob_key
    if not key:
        return None
    _schedule(session, key=key, call_id=call.id, artifact="raw_audio", reason=reason,
              sha256=call.audio_sha256, now=now, privacy_request_id=privacy_request_id)
    call.audio_blob_key = None
    return key


def unlink_redacted_audio(session: Session, call_id: str, *, reason: str, now: datetime,
                          privacy_request_id: str | None = None) -> str | None:
    """Step 1 for the redacted audio: schedule its blob and delete its row. Returns the key."""
    row = session.get(RedactedAudio, call_id)
    if row is None:
        return None
    _schedule(session, key=row.blob_key, call_id=call_id, artifact="redacted_audio", reason=reason,
              sha256=row.sha256, now=now, privacy_request_id=privacy_request_id)
    session.delete(row)
    session.flush()
    return row.blob_key


def erase_transcript(session: Session, call_id: str, *, reason: str, actor: audit.Actor,
                     now: datetime) -> bool:
    """Delete the redacted transcript, turns, findings and search entries (audited)."""
    if not delete_transcript(session=session, call_id=call_id):
        return False
    audit.record(session, type="artifact.purged", actor=actor, call_id=call_id, now=now,
                 details={"artifact": "redacted_transcript", "reason": reason})
    return True


def erase_artifacts(session: Session, call: Call, artifacts: list[str], *, reason: str,
                    actor: audit.Actor, now: datetime, privacy_request_id: str | None = None) -> list[str]:
    """Step 1 for `artifacts` of `call` in `session`; returns the blob keys to delete next."""
    secure_delete(session)
    keys = []
    if Artifact.RAW_AUDIO in artifacts:
        keys.append(unlink_raw_audio(session, call, reason=reason, now=now, privacy_request_id=privacy_request_id))
    if Artifact.REDACTED_AUDIO in artifacts:
        keys.append(unlink_redacted_audio(session, call.id, reason=reason, now=now,
                                          privacy_request_id=privacy_request_id))
    if Artifact.REDACTED_TRANSCRIPT in artifacts:
        erase_transcript(session, call.id, reason=reason, actor=actor, now=now)
    return [key for key in keys if key]


def cancel_jobs(session: Session, queue: JobQueue, call_id: str, reason: str) -> int:
    """Cancel the call's unfinished jobs through the queue, so the worker stores nothing more."""
    return sum(queue.cancel(session, job_id, reason) for job_id in queue.unfinished(session, call_id))


def _schedule(session: Session, *, key: str, call_id: str, artifact: str, reason: str,
              sha256: str | None, now: datetime, privacy_request_id: str | None) -> None:
    if session.get(PendingBlobDeletion, key) is None:
        session.add(PendingBlobDeletion(blob_key=key, call_id=call_id, artifact=artifact, reason=reason,
                                        sha256=sha256, privacy_request_id=privacy_request_id, created_at=now))
        session.flush()


def pending_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(PendingBlobDeletion)).scalar_one()


def finish_blob_deletions(db: Database, blobs: BlobStore, *, actor: audit.Actor,
                          keys: list[str] | None = None, now: datetime | None = None) -> tuple[int, int]:
    """Steps 2 and 3 for every pending deletion (or only `keys`); returns (finished, failed).

    A file that cannot be deleted (I/O error) keeps its pending row for the next run.
    """
    with db.read_session() as session:
        query = select(PendingBlobDeletion.blob_key).order_by(PendingBlobDeletion.created_at)
        if keys is None:
            pending = list(session.execute(query).scalars())
        else:
            pending = [key for start in range(0, len(keys), 500)
                       for key in session.execute(query.where(
                           PendingBlobDeletion.blob_key.in_(keys[start:start + 500]))).scalars()]
    finished = failed = 0
    for start in range(0, len(pending), BATCH):
        deleted: dict[str, bool] = {}
        for key in pending[start:start + BATCH]:
            try:
                deleted[key] = blobs.delete(key)
            except OSError as error:
                failed += 1
                logger.error("deleting blob %s failed (%s); the next purge retries", key, type(error).__name__)
        if not deleted:
            continue
        with db.session() as session:
            secure_delete(session)
            for key, existed in deleted.items():
                row = session.get(PendingBlobDeletion, key)
                if row is None:  # another process finished it meanwhile
                    continue
                audit.record(session, type="artifact.purged", actor=actor, call_id=row.call_id, now=now,
                             details={"artifact": row.artifact, "reason": row.reason, "sha256": row.sha256,
                                      "file_deleted": existed})
                session.delete(row)
                finished += 1
            session.flush()
            complete_deletion_requests(session, actor=actor, now=now)
            session.commit()
    return finished, failed


def complete_deletion_requests(session: Session, *, actor: audit.Actor, now: datetime | None = None) -> int:
    """Mark deletion requests whose files are all gone as completed (audited)."""
    waiting = session.execute(select(PrivacyRequest).where(
        PrivacyRequest.status == "in_progress", PrivacyRequest.type == "deletion")).scalars().all()
    done = 0
    for request in waiting:
        left = session.execute(select(func.count()).select_from(PendingBlobDeletion).where(
            PendingBlobDeletion.privacy_request_id == request.id)).scalar_one()
        if left == 0:
            request.status, request.completed_at = "completed", now or utcnow()
            audit.record(session, type="privacy_request.completed", actor=actor, now=now,
                         details={"request_id": request.id, "type": request.type,
                                  "calls_erased": request.calls_found - request.calls_held,
                                  "calls_held": request.calls_held})
            done += 1
    return done


def complete_erasure(db: Database, blobs: BlobStore, *, actor: audit.Actor, keys: list[str],
                     now: datetime | None = None) -> tuple[int, int]:
    """After step 1 committed: steps 2 and 3 for `keys`, then scrub the database.

    The one ending of every erasure (consent withdrawal, deletion request, retention purge), so
    no path leaves erased text in the WAL or the search index. Returns finish_blob_deletions'.
    """
    result = finish_blob_deletions(db, blobs, actor=actor, keys=keys, now=now)
    if not scrub_database(db):
        logger.warning("erasure: the WAL checkpoint was busy (a long reader); old page images go at the "
                       "next checkpoint")
    return result


def delete_call_rows(session: Session, call: Call) -> None:
    """Remove a call and everything keyed by it (after its blobs were scheduled)."""
    session.execute(delete(Job).where(Job.call_id == call.id))
    session.execute(delete(LegalHold).where(LegalHold.call_id == call.id))
    session.delete(call)
    session.flush()


def scrub_database(db: Database) -> bool:
    """After erasing personal data on SQLite: merge the search index and empty the WAL.

    Deleted FTS5 entries stay in index segments until a merge, and old page images stay in the
    write-ahead log until a checkpoint. True if the checkpoint completed (readers can delay it).
    """
    if not db.is_sqlite:
        return True
    with db.session() as session:
        secure_delete(session)
        session.execute(text("INSERT INTO transcript_fts(transcript_fts) VALUES('optimize')"))
        session.commit()
    # On the driver connection itself: a checkpoint cannot run inside a transaction.
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    return bool(busy) and busy[0] == 0
