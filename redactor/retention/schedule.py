"""The scheduled purge: a periodic task of the server (redactor.service.scheduler), run at start
and then every Settings.purge_interval_seconds, independent of the worker and its models."""

from __future__ import annotations

from collections.abc import Callable

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.jobs.queue import JobQueue
from redactor.retention.purge import PurgeReport, purge_expired_artifacts
from redactor.store.db import Database
from redactor.store.types import utcnow


def retention_purge_task(db: Database, blobs: BlobStore, queue: JobQueue) -> Callable[[], PurgeReport]:
    """A callable purging `db` and `blobs` (cancelling jobs through `queue`) at the real current time."""

    def run() -> PurgeReport:
        return purge_expired_artifacts(db=db, blobs=blobs, queue=queue, now=utcnow(), actor=audit.SYSTEM)

    return run
