"""Claims of periodic runs: one row per task and interval, so each interval's run happens once
across every process on the database (redactor.service.scheduler).

Claiming is an insert under the table's primary key: the first process to insert runs the task,
every other one gets the unique violation and skips. No lock is held while the task runs, so a
process killed mid-run leaves that interval's run unfinished; the next interval's run (the
purge is idempotent) does the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from redactor.store.db import Database
from redactor.store.models import ScheduledRun
from redactor.store.types import utcnow

KEEP_CLAIMS = timedelta(days=30)  # older claims are deleted (they only record who ran what)


def claim_run(*, db: Database, task: str, slot_start: datetime, claimed_by: str) -> bool:
    """True if this process is the first to claim `task`'s run for the interval starting at
    `slot_start` (it commits the claim), False if another process already has."""
    now = utcnow()
    with db.session() as session:
        session.add(ScheduledRun(task=task, slot_start=slot_start, claimed_by=claimed_by, claimed_at=now))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
        session.execute(delete(ScheduledRun).where(ScheduledRun.task == task,
                                                   ScheduledRun.slot_start < now - KEEP_CLAIMS))
        session.commit()
    return True
