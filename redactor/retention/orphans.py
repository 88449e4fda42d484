"""The one orphan-blob sweep: encrypted files no row points at and no deletion is pending for.

Writers put a blob first and reference it in the database right after (uploads, the redacted
audio step, the card-data scrub), so a crash in between leaves an unreferenced file. Both the
server start (`ServiceRuntime.sweep_leftovers`) and every purge call `sweep_orphan_blobs`.

Safety, in three layers:
- `BLOB_KEY_COLUMNS` declares every column that holds blob keys. A new one must be added
  here (tests/service/test_blob_references.py fails for an undeclared column named *blob*
  or holding a blob key in a populated database).
- Age grace: only files older than `grace_s` (default one hour: far longer than any
  put-then-commit) are candidates, so a blob a concurrent upload or job has written but not
  yet committed is never taken. Measured on the file system's own clock (mtimes are
  wall-clock times, unlike the purge's injected `now`).
- Before deleting, the candidates (rarely any) are looked up in every string column of every
  table; one found in an undeclared column is kept and the column named in an error log.

Uses the store's `keys()` and `modified_at()` (part of the BlobStore protocol).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import String, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.store.db import Database
from redactor.store.models import Base, Call, RedactedAudio
from redactor.store.retention_tables import PendingBlobDeletion

logger = logging.getLogger(__name__)

ORPHAN_GRACE_SECONDS = 3600.0

# Every column whose values are blob keys. Files no value here names are orphans.
BLOB_KEY_COLUMNS: tuple[InstrumentedAttribute, ...] = (
    Call.audio_blob_key,  # the encrypted raw audio (or its card-data-scrubbed copy)
    RedactedAudio.blob_key,  # the redacted copy for QA
    PendingBlobDeletion.blob_key,  # unlinked, file being deleted (redactor.retention.erase)
)


# The columns of blobs in use (a pending deletion's blob is on its way out).
LIVE_BLOB_KEY_COLUMNS: tuple[InstrumentedAttribute, ...] = (Call.audio_blob_key, RedactedAudio.blob_key)


def is_live_blob(session: Session, key: str) -> bool:
    """Whether a call or a redacted copy uses blob `key` now."""
    return any(session.execute(select(column).where(column == key).limit(1)).first() is not None
               for column in LIVE_BLOB_KEY_COLUMNS)


def declared_columns() -> set[str]:
    """The declared blob-key columns as `table.column` names."""
    return {f"{c.class_.__tablename__}.{c.key}" for c in BLOB_KEY_COLUMNS}


def referenced_blob_keys(session: Session) -> set[str]:
    """Every blob key a declared column holds."""
    keys: set[str] = set()
    for column in BLOB_KEY_COLUMNS:
        keys.update(k for k in session.execute(select(column).where(column.is_not(None))).scalars() if k)
    return keys


def undeclared_references(session: Session, keys: set[str]) -> dict[str, set[str]]:
    """{"table.column": keys found there} over every string column not in BLOB_KEY_COLUMNS.

    A full scan per column: meant for the few orphan candidates of a sweep, and for tests.
    """
    found: dict[str, set[str]] = {}
    if not keys:
        return found
    declared = declared_columns()
    wanted = sorted(keys)
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if name in declared or not isinstance(column.type, String):
                continue
            for start in range(0, len(wanted), 500):
                hits = session.execute(select(column).where(column.in_(wanted[start:start + 500]))).scalars()
                found.setdefault(name, set()).update(hits)
            if not found.get(name):
                found.pop(name, None)
    return found


def find_orphan_blobs(db: Database, blobs: BlobStore, *, grace_s: float = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Keys of blob files older than `grace_s` that no declared column references."""
    files = list(blobs.keys())
    if not files:
        return []
    with db.read_session() as session:
        referenced = referenced_blob_keys(session)
    cutoff = time.time() - grace_s
    orphans = []
    for key in files:
        if key in referenced:
            continue
        modified = blobs.modified_at(key)
        if modified is not None and modified <= cutoff:
            orphans.append(key)
    return orphans


def sweep_orphan_blobs(db: Database, blobs: BlobStore, *, actor: audit.Actor, now=None,
                       grace_s: float = ORPHAN_GRACE_SECONDS) -> int:
    """Delete orphan blobs (re-checked against the database just before); returns how many."""
    orphans = find_orphan_blobs(db, blobs, grace_s=grace_s)
    if not orphans:
        return 0
    with db.read_session() as session:
        still = set(orphans) - referenced_blob_keys(session)
        undeclared = undeclared_references(session, still)
    for column, keys in sorted(undeclared.items()):
        logger.error("%d unreferenced-looking blob(s) are named by %s, which is not in "
                     "redactor.retention.orphans.BLOB_KEY_COLUMNS; kept. Declare the column.", len(keys), column)
        still -= keys
    removed = sum(1 for key in sorted(still) if blobs.delete(key))
    if removed:
        with db.session() as session:
            audit.record(session, type="blob.orphans_removed", actor=actor, now=now,
                         details={"count": removed, "grace_seconds": int(grace_s)})
            session.commit()
        logger.info("removed %d orphan blob(s) older than %d s", removed, grace_s)
    return removed
