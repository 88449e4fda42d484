"""Re-encrypting the stored audio with the current audio key (`redactor keys rotate-audio`).

Every blob records the id of the key that sealed it (`redactor.blobstore.envelope`). A rotation
pass reads each blob's header and re-encrypts, in place and one at a time, every blob a call
still uses that is not sealed with the current key (`BlobStore.reseal`: written aside, read back,
then swapped in atomically). It runs beside a working service:

- reads go on throughout: a blob is readable under its old key until the swap and under the new
  one after it, and every process holds both (retired keys stay installed);
- uploads go on: processes seal with the current key as soon as its file changes, and blobs a
  process sealed with the old key just before are found by a further pass (passes repeat until
  one re-encrypts nothing);
- erasure goes on: a blob no call uses (erased, pending deletion, or an upload not committed
  yet) is left alone, and one erased while it was being re-encrypted is deleted again at once,
  so a rotation never brings erased audio back.

Crash-safe and resumable: a kill at any point leaves every blob whole under its old or its new
key; the next run skips what is already done. The audit log records the start and the outcome
with counts and key ids only (a key id is a one-way digest of the key).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor import audit
from redactor.blobstore import BlobIntegrityError, BlobNotFoundError, BlobStore
from redactor.retention.orphans import is_live_blob
from redactor.store.db import Database
from redactor.store.models import AuditEvent

logger = logging.getLogger(__name__)

STARTED, FINISHED, STOPPED = "audio_key.rotation_started", "audio_key.rotation_finished", "audio_key.rotation_stopped"
_EVENTS = (STARTED, FINISHED, STOPPED)
MAX_PASSES = 5  # a pass after the first only finds blobs sealed by a process that was still switching keys


@dataclass
class RotationProgress:
    """Counts of a rotation so far (`old_keys`: blobs in use found sealed with each other key id,
    "v1" for blobs from before key ids)."""

    key_id: str
    passes: int = 0
    scanned: int = 0
    already_current: int = 0
    resealed: int = 0
    not_in_use: int = 0
    gone: int = 0
    failed: int = 0
    old_keys: Counter[str] = field(default_factory=Counter)

    last_pass_resealed: int = 0

    @property
    def finished(self) -> bool:
        """Every blob in use is sealed with the current key (a whole pass found none to re-encrypt)."""
        return self.passes > 0 and self.failed == 0 and self.last_pass_resealed == 0

    def as_details(self) -> dict[str, object]:
        return {"key_id": self.key_id, "passes": self.passes, "scanned": self.scanned,
                "already_current": self.already_current, "resealed": self.resealed, "not_in_use": self.not_in_use,
                "gone": self.gone, "failed": self.failed, "old_key_ids": sorted(self.old_keys)}


def rotate_audio_blobs(*, db: Database, blobs: BlobStore, key_id: str, actor: audit.Actor = audit.CLI,
                       on_progress: Callable[[RotationProgress], None] | None = None,
                       progress_every: int = 100) -> RotationProgress:
    """Re-encrypt every blob in use that is not sealed with the key `key_id` (the current one)."""
    progress = RotationProgress(key_id=key_id)
    _audit(db, STARTED, actor, {"key_id": key_id})
    try:
        while progress.passes < MAX_PASSES:
            progress.passes += 1
            before = progress.resealed
            for blob_key in blobs.keys():
                _rotate_one(db, blobs, blob_key, progress)
                if on_progress is not None and progress.scanned % progress_every == 0:
                    on_progress(progress)
            progress.last_pass_resealed = progress.resealed - before
            if progress.last_pass_resealed == 0 or progress.failed:
                break
    finally:  # also when interrupted: the audit log says how far it got
        outcome = FINISHED if progress.finished else STOPPED
        _audit(db, outcome, actor, progress.as_details())
    if on_progress is not None:
        on_progress(progress)
    return progress


def _rotate_one(db: Database, blobs: BlobStore, blob_key: str, progress: RotationProgress) -> None:
    progress.scanned += 1
    try:
        sealed_with = blobs.sealed_with(blob_key)
    except BlobNotFoundError:
        progress.gone += 1
        return
    except BlobIntegrityError:
        progress.failed += 1
        logger.error("blob %s has no valid envelope header; left as it is", blob_key)
        return
    if sealed_with == progress.key_id:
        progress.already_current += 1
        return
    with db.read_session() as session:
        in_use = is_live_blob(session, blob_key)
    if not in_use:  # erased, pending deletion, or not committed yet: the orphan sweep's, not ours
        progress.not_in_use += 1
        return
    progress.old_keys[sealed_with or "v1"] += 1
    try:
        blobs.reseal(blob_key)
    except BlobNotFoundError:
        progress.gone += 1
        return
    except BlobIntegrityError as error:  # altered, or sealed with a key not installed: kept as it is
        progress.failed += 1
        logger.error("blob %s could not be re-encrypted (%s); left as it is", blob_key, error.code)
        return
    with db.read_session() as session:
        still_in_use = is_live_blob(session, blob_key)
    if not still_in_use:
        # Erased while it was re-encrypted: the erasure may have deleted the old file before the
        # swap put the new one in its place. Delete it again (the erasure's own delete is idempotent).
        blobs.delete(blob_key)
        progress.gone += 1
        return
    progress.resealed += 1


def pending_rotation(session: Session) -> str | None:
    """The key id of a rotation that started and did not finish (interrupted: to resume), else None."""
    last = session.execute(select(AuditEvent.type, AuditEvent.details).where(AuditEvent.type.in_(_EVENTS))
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if last is None or last.type == FINISHED:
        return None
    return json.loads(last.details)["key_id"]


def blobs_by_key(blobs: BlobStore) -> Counter[str]:
    """How many blobs each audio key id sealed ("v1": before key ids; "unreadable": no valid header)."""
    counts: Counter[str] = Counter()
    for blob_key in blobs.keys():
        try:
            counts[blobs.sealed_with(blob_key) or "v1"] += 1
        except BlobNotFoundError:
            continue
        except BlobIntegrityError:
            counts["unreadable"] += 1
    return counts


def _audit(db: Database, event: str, actor: audit.Actor, details: dict[str, object]) -> None:
    with db.session() as session:
        audit.record(session, type=event, actor=actor, details=details)
        session.commit()
