"""The scheduled purge: a periodic task of the server (redactor.service.scheduler), run at start
and then every Settings.purge_interval_seconds, independent of the worker and its models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redactor import audit
from redactor.retention.purge import PurgeReport, purge_expired_artifacts
from redactor.store.types import utcnow


def retention_purge_task(runtime: Any) -> Callable[[], PurgeReport]:
    """A callable purging with `runtime`'s database and blob store at the real current time."""

    def run() -> PurgeReport:
        return purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, now=utcnow(), actor=audit.SYSTEM)

    return run
