"""Sweeping orphan blobs: encrypted files no row points at and no deletion is pending for.

Writers put a blob first and reference it in the database right after (uploads, the redacted
audio step, the card-data scrub), so a crash in between leaves an unreferenced file. The purge
removes such files once they are older than a grace period (default one hour: far longer than
any put-then-commit), measured on the file system's own clock (file mtimes are wall-clock
times, unlike the purge's injected `now`). Needs a store that can list its keys and paths
(EncryptedFileBlobStore); other stores are skipped.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.retention.tables import PendingBlobDeletion
from redactor.store.db import Database
from redactor.store.models import Call, RedactedAudio

logger = logging.getLogger(__name__)

ORPHAN_GRACE_SECONDS = 3600.0


def _referenced(session) -> set[str]:
    keys = {k for k in session.execute(select(Call.audio_blob_key)).scalars() if k}
    keys |= set(session.execute(select(RedactedAudio.blob_key)).scalars())
    keys |= set(session.execute(select(PendingBlobDeletion.blob_key)).scalars())
    return keys


def find_orphan_blobs(db: Database, blobs: BlobStore, *, grace_s: float = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Keys of blob files older than `grace_s` that nothing references."""
    list_keys, path_of = getattr(blobs, "keys", None), getattr(blobs, "path_of", None)
    if list_keys is None or path_of is None:
        return []
    files = list(list_keys())
    if not files:
        return []
    with db.read_session() as session:
        referenced = _referenced(session)
    cutoff = time.time() - grace_s
    orphans = []
    for key in files:
        if key in referenced:
            continue
        try:
            if path_of(key).stat().st_mtime <= cutoff:
                orphans.append(key)
        except FileNotFoundError:
            continue
    return orphans


def sweep_orphan_blobs(db: Database, blobs: BlobStore, *, actor: audit.Actor, now=None,
                       grace_s: float = ORPHAN_GRACE_SECONDS) -> int:
    """Delete orphan blobs (re-checked against the database just before); returns how many."""
    orphans = find_orphan_blobs(db, blobs, grace_s=grace_s)
    if not orphans:
        return 0
    with db.read_session() as session:
        still = set(orphans) - _referenced(session)
    removed = sum(1 for key in sorted(still) if blobs.delete(key))
    if removed:
        with db.session() as session:
            audit.record(session, type="blob.orphans_removed", actor=actor, now=now,
                         details={"count": removed, "grace_seconds": int(grace_s)})
            session.commit()
        logger.info("removed %d orphan blob(s) older than %d s", removed, grace_s)
    return removed
