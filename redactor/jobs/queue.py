"""The job queue: a small protocol and its SQL implementation, safe across processes.

The worker talks only to `JobQueue`. `SqlJobQueue` keeps the jobs in the service database, so an
upload enqueues its job in the upload's own transaction, and one queue serves the embedded
SQLite server and a cluster of workers on PostgreSQL alike. A job's state is mirrored on its
call (`calls.status`) in the same transaction, so the API always reports what the worker is doing.

Several workers, on several machines, may run from one database:
- a claim (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's one writer) gives the job a new
  random `claim_token` and a lease (`claimed_until`), which the worker renews while it works;
- every write a worker makes for its job (`mark`, `fail`, `complete`, and `hold` in the
  transactions that store results) names that token and is refused with `ClaimLostError` once
  the job is no longer held under it;
- any worker re-queues a running job whose lease expired (its worker was killed or lost the
  database), as part of claiming; a job whose attempts are used up fails instead.
So a worker killed mid-job is replaced by another within a lease, and a worker that was only
slow (a pause longer than its lease) finds its late writes refused instead of undoing the
attempt that replaced it.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from redactor.jobs.states import (FINAL_STATES, RUNNING_STATES, ClaimLostError, FailureReason, JobCancelledError,
                                  JobState, check_transition)
from redactor.store.db import Database
from redactor.store.models import Call, CallStatus, Job
from redactor.store.types import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedJob:
    """A job as its worker holds it: `claim_token` fences every write the worker makes for it."""

    job_id: int
    call_id: str
    attempt: int
    max_attempts: int
    claim_token: str


class JobQueue(Protocol):
    lease_seconds: float  # how long a claim lasts unless renewed

    def enqueue(self, session: Session, call_id: str) -> int:
        """Add a job for `call_id` inside the caller's transaction; return its id."""

    def claim_next(self, worker_id: str) -> ClaimedJob | None:
        """Re-queue jobs whose lease expired, then take the oldest due queued job
        (state -> transcribing) under a new claim token and lease; None when none is due."""

    def renew(self, job: ClaimedJob) -> bool:
        """Extend the lease of a job being worked on; False when the claim was lost."""

    def mark(self, job: ClaimedJob, state: JobState) -> None:
        """Move a claimed job to `state` (redacting, ...) along the state machine; raise
        JobCancelledError if it was cancelled or erased meanwhile, ClaimLostError if the claim
        is no longer this worker's."""

    def hold(self, session: Session, job: ClaimedJob) -> Job:
        """Lock the job's row in the caller's (storing) transaction and return it; raise as `mark`."""

    def complete(self, session: Session, job: ClaimedJob) -> None:
        """Mark done inside the caller's transaction (with the results it stores)."""

    def unfinished(self, session: Session, call_id: str) -> list[int]:
        """Ids of the call's jobs that are queued or running, oldest first."""

    def cancel(self, session: Session, job_id: int, reason: str) -> bool:
        """Fail a queued or running job inside the caller's transaction (nothing more is stored);
        the one way to cancel a job. False when it is gone or already final."""

    def fail(self, job: ClaimedJob, reason: str, *, transient: bool) -> JobState:
        """Record a failure: transient ones go back to the queue with backoff until the
        attempts run out; return the resulting state."""

    def recover_expired(self) -> int:
        """Re-queue running jobs whose lease expired; return how many."""


def worker_identity() -> str:
    """Names the worker in `jobs.claimed_by` and logs (host, pid and a random part)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SqlJobQueue:
    """JobQueue on the service database."""

    def __init__(self, db: Database, *, max_attempts: int, backoff_seconds: float, lease_seconds: float = 60.0,
                 now: Callable[[], datetime] = utcnow, on_enqueue: Callable[[], None] | None = None) -> None:
        if lease_seconds <= 0:
            raise ValueError(f"lease_seconds must be positive, got {lease_seconds}")
        self.db = db
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.lease_seconds = lease_seconds
        self.now = now
        self.on_enqueue = on_enqueue  # lets the embedded worker wake up at once

    def enqueue(self, session: Session, call_id: str) -> int:
        job = Job(call_id=call_id, state=JobState.QUEUED, attempts=0, max_attempts=self.max_attempts,
                  next_attempt_at=self.now())
        session.add(job)
        session.flush()
        _set_call_status(session, call_id, JobState.QUEUED, None)
        return job.id

    def notify(self) -> None:
        """Call after the enqueuing transaction committed."""
        if self.on_enqueue is not None:
            self.on_enqueue()

    def claim_next(self, worker_id: str) -> ClaimedJob | None:
        with self.db.session() as session:
            self._recover_expired(session)
            job = session.execute(
                select(Job).where(Job.state == JobState.QUEUED, Job.next_attempt_at <= self.now())
                .order_by(Job.next_attempt_at, Job.id).limit(1).with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if job is None:
                session.commit()  # the recoveries, if any
                return None
            job.state = JobState.TRANSCRIBING
            job.attempts += 1
            job.claimed_by = worker_id
            job.claim_token = secrets.token_hex(16)
            job.claimed_until = self.now() + timedelta(seconds=self.lease_seconds)
            job.started_at = self.now()
            _set_call_status(session, job.call_id, JobState.TRANSCRIBING, None)
            session.commit()
            return ClaimedJob(job.id, job.call_id, job.attempts, job.max_attempts, job.claim_token)

    def renew(self, job: ClaimedJob) -> bool:
        with self.db.session() as session:
            renewed = session.execute(
                update(Job).where(Job.id == job.job_id, Job.claim_token == job.claim_token,
                                  Job.state.in_(list(RUNNING_STATES)))
                .values(claimed_until=self.now() + timedelta(seconds=self.lease_seconds))
            ).rowcount == 1
            session.commit()
        return renewed

    def hold(self, session: Session, job: ClaimedJob) -> Job:
        """The job's row, locked until the caller's transaction ends, if `job`'s claim still holds it.

        Raises JobCancelledError when the job was cancelled (consent withdrawn: it is `failed`
        already) or deleted with its call (deletion request) while the worker held it, and
        ClaimLostError when its lease expired and the job was re-queued (and perhaps claimed by
        another worker) meanwhile.
        """
        row = session.get(Job, job.job_id, with_for_update=True, populate_existing=True)
        if row is None:
            raise JobCancelledError(job.job_id, FailureReason.CALL_ERASED)
        if row.claim_token != job.claim_token:
            raise ClaimLostError(job.job_id)
        if row.state == JobState.FAILED:
            raise JobCancelledError(job.job_id, row.failure_reason or FailureReason.JOB_CANCELLED)
        return row

    def mark(self, job: ClaimedJob, state: JobState) -> None:
        """Move a claimed job along the state machine (mirrored on its call); see `hold`."""
        with self.db.session() as session:
            row = self.hold(session, job)
            check_transition(row.state, state)
            row.state = state
            _set_call_status(session, row.call_id, state, None)
            session.commit()

    def complete(self, session: Session, job: ClaimedJob) -> None:
        row = self.hold(session, job)
        check_transition(row.state, JobState.DONE)
        row.state = JobState.DONE
        row.finished_at = self.now()
        row.claimed_until = None
        row.last_error = None
        call = session.get(Call, row.call_id)
        call.status, call.status_reason, call.processed_at = CallStatus.DONE, None, self.now()

    def unfinished(self, session: Session, call_id: str) -> list[int]:
        return list(session.execute(select(Job.id).where(Job.call_id == call_id, Job.state.not_in(list(FINAL_STATES)))
                                    .order_by(Job.id)).scalars())

    def cancel(self, session: Session, job_id: int, reason: str) -> bool:
        """Fail a queued or running job with `reason` inside the caller's transaction: a queued
        one is never claimed, a worker holding a running one stops at its next step and the
        pipeline stores nothing (see `mark`). The call's status says why unless a consent change
        already set it. False when the job is gone or already final. The claim token stays, so a
        worker holding the job learns it was cancelled (not taken over) at its next write."""
        job = session.get(Job, job_id)
        if job is None or job.state in FINAL_STATES:
            return False
        job.state, job.failure_reason, job.last_error = JobState.FAILED, reason, reason
        job.finished_at, job.claimed_by, job.claimed_until = self.now(), None, None
        call = session.get(Call, job.call_id)
        if call is not None and call.status != CallStatus.CONSENT_BLOCKED:
            call.status, call.status_reason = CallStatus.FAILED, reason
        return True

    def fail(self, job: ClaimedJob, reason: str, *, transient: bool) -> JobState:
        """Record a failure of a claimed job (see JobQueue.fail). A job that is gone, was
        cancelled or is no longer held under this claim stays as it is (FAILED is returned:
        this worker is done with it)."""
        with self.db.session() as session:
            try:
                row = self.hold(session, job)
            except JobCancelledError:  # gone, cancelled, or taken over: not this worker's to record
                return JobState.FAILED
            row.last_error = reason
            row.claimed_by = row.claim_token = row.claimed_until = None
            if transient and row.attempts < row.max_attempts:
                delay = self.backoff_seconds * (2 ** max(row.attempts - 1, 0))
                row.state = JobState.QUEUED
                row.next_attempt_at = self.now() + timedelta(seconds=delay)
                _set_call_status(session, row.call_id, JobState.QUEUED, None)
            else:
                final_reason = FailureReason.ATTEMPTS_EXHAUSTED if transient else reason
                row.state = JobState.FAILED
                row.failure_reason = final_reason
                row.finished_at = self.now()
                _set_call_status(session, row.call_id, JobState.FAILED, final_reason)
            session.commit()
            return JobState(row.state)

    def recover_expired(self) -> int:
        with self.db.session() as session:
            recovered = self._recover_expired(session)
            session.commit()
        return recovered

    def _recover_expired(self, session: Session) -> int:
        """Re-queue running jobs whose lease expired (no lease: left by an older version), in the
        caller's transaction; a job whose attempts are used up fails as interrupted_too_often.
        Clearing the claim token is what refuses the old worker's late writes."""
        jobs = list(session.execute(
            select(Job).where(Job.state.in_(list(RUNNING_STATES)),
                              or_(Job.claimed_until.is_(None), Job.claimed_until < self.now()))
            .order_by(Job.id).with_for_update(skip_locked=True)
        ).scalars())
        for job in jobs:
            logger.warning("job %d (call %s): the lease of %s expired during attempt %d; %s", job.id, job.call_id,
                           job.claimed_by, job.attempts,
                           "failing it" if job.attempts >= job.max_attempts else "re-queued")
            job.claimed_by = job.claim_token = job.claimed_until = None
            if job.attempts >= job.max_attempts:
                job.state = JobState.FAILED
                job.failure_reason = FailureReason.INTERRUPTED_TOO_OFTEN
                job.finished_at = self.now()
                _set_call_status(session, job.call_id, JobState.FAILED, FailureReason.INTERRUPTED_TOO_OFTEN)
            else:
                job.state = JobState.QUEUED
                job.next_attempt_at = self.now()
                _set_call_status(session, job.call_id, JobState.QUEUED, None)
        return len(jobs)

    def counts_by_state(self) -> dict[str, int]:
        """Number of jobs in each state (for metrics)."""
        from sqlalchemy import func

        with self.db.read_session() as session:
            rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
        counts = {state.value: 0 for state in JobState}
        counts.update({state: count for state, count in rows})
        return counts


def _set_call_status(session: Session, call_id: str, state: JobState, reason: str | None) -> None:
    """Mirror a job state on its call (every job state is a CallStatus of the same name)."""
    session.execute(update(Call).where(Call.id == call_id).values(status=CallStatus(state), status_reason=reason,
                                                                   updated_at=utcnow()))
