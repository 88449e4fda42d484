"""The job queue: a small protocol and its SQL implementation.

The embedded worker talks only to `JobQueue`, so a distributed queue (Redis, SQS, ...) can
replace `SqlJobQueue` later. A job's state is mirrored on its call (`calls.status`) in the same
transaction, so the API always reports what the worker is doing.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from redactor.jobs.states import (FINAL_STATES, RUNNING_STATES, FailureReason, JobCancelledError, JobState,
                                  check_transition)
from redactor.store.db import Database
from redactor.store.models import Call, CallStatus, Job
from redactor.store.types import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    call_id: str
    attempt: int
    max_attempts: int


class JobQueue(Protocol):
    def enqueue(self, session: Session, call_id: str) -> int:
        """Add a job for `call_id` inside the caller's transaction; return its id."""

    def claim_next(self, worker_id: str) -> ClaimedJob | None:
        """Atomically take the oldest due queued job (state -> transcribing), or None."""

    def mark(self, job_id: int, state: JobState) -> None:
        """Move a claimed job to `state` (redacting, ...) along the state machine; raise
        JobCancelledError if it was cancelled or erased meanwhile."""

    def complete(self, session: Session, job_id: int) -> None:
        """Mark done inside the caller's transaction (with the results it stores)."""

    def unfinished(self, session: Session, call_id: str) -> list[int]:
        """Ids of the call's jobs that are queued or running, oldest first."""

    def cancel(self, session: Session, job_id: int, reason: str) -> bool:
        """Fail a queued or running job inside the caller's transaction (nothing more is stored);
        the one way to cancel a job. False when it is gone or already final."""

    def fail(self, job_id: int, reason: str, *, transient: bool) -> JobState:
        """Record a failure: transient ones go back to the queue with backoff until the
        attempts run out; return the resulting state."""

    def requeue_interrupted(self) -> int:
        """Put jobs left running by a crashed process back in the queue; return how many."""


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SqlJobQueue:
    """JobQueue on the service database."""

    def __init__(self, db: Database, *, max_attempts: int, backoff_seconds: float,
                 now: Callable[[], datetime] = utcnow, on_enqueue: Callable[[], None] | None = None) -> None:
        self.db = db
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
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
            job = session.execute(
                select(Job).where(Job.state == JobState.QUEUED, Job.next_attempt_at <= self.now())
                .order_by(Job.next_attempt_at, Job.id).limit(1).with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if job is None:
                return None
            job.state = JobState.TRANSCRIBING
            job.attempts += 1
            job.claimed_by = worker_id
            job.started_at = self.now()
            _set_call_status(session, job.call_id, JobState.TRANSCRIBING, None)
            session.commit()
            return ClaimedJob(job.id, job.call_id, job.attempts, job.max_attempts)

    def mark(self, job_id: int, state: JobState) -> None:
        """Move a claimed job along the state machine (mirrored on its call).

        Raises JobCancelledError when the job was cancelled (consent withdrawn: it is `failed`
        already) or deleted with its call (deletion request) while the worker held it, so the
        worker stops at once instead of transcribing for nothing.
        """
        with self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise JobCancelledError(job_id, FailureReason.CALL_ERASED)
            if job.state == JobState.FAILED and state != JobState.QUEUED:
                raise JobCancelledError(job_id, job.failure_reason or FailureReason.JOB_CANCELLED)
            check_transition(job.state, state)
            job.state = state
            _set_call_status(session, job.call_id, state, None)
            session.commit()

    def complete(self, session: Session, job_id: int) -> None:
        job = session.get(Job, job_id)
        check_transition(job.state, JobState.DONE)
        job.state = JobState.DONE
        job.finished_at = self.now()
        job.last_error = None
        call = session.get(Call, job.call_id)
        call.status, call.status_reason, call.processed_at = CallStatus.DONE, None, self.now()

    def unfinished(self, session: Session, call_id: str) -> list[int]:
        return list(session.execute(select(Job.id).where(Job.call_id == call_id, Job.state.not_in(list(FINAL_STATES)))
                                    .order_by(Job.id)).scalars())

    def cancel(self, session: Session, job_id: int, reason: str) -> bool:
        """Fail a queued or running job with `reason` inside the caller's transaction: a queued
        one is never claimed, a worker holding a running one stops at its next step and the
        pipeline stores nothing (see `mark`). The call's status says why unless a consent change
        already set it. False when the job is gone or already final."""
        job = session.get(Job, job_id)
        if job is None or job.state in FINAL_STATES:
            return False
        job.state, job.failure_reason, job.last_error = JobState.FAILED, reason, reason
        job.finished_at, job.claimed_by = self.now(), None
        call = session.get(Call, job.call_id)
        if call is not None and call.status != CallStatus.CONSENT_BLOCKED:
            call.status, call.status_reason = CallStatus.FAILED, reason
        return True

    def fail(self, job_id: int, reason: str, *, transient: bool) -> JobState:
        """Record a failure of a claimed job (see JobQueue.fail). A job that is gone or was
        cancelled meanwhile stays as it is (FAILED is returned)."""
        with self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None:  # deleted with its call (deletion request): nothing left to record
                return JobState.FAILED
            if job.state == JobState.FAILED:  # cancelled while running: never re-queued by a failure
                return JobState.FAILED
            job.last_error = reason
            if transient and job.attempts < job.max_attempts:
                delay = self.backoff_seconds * (2 ** max(job.attempts - 1, 0))
                job.state = JobState.QUEUED
                job.next_attempt_at = self.now() + timedelta(seconds=delay)
                job.claimed_by = None
                _set_call_status(session, job.call_id, JobState.QUEUED, None)
            else:
                final_reason = FailureReason.ATTEMPTS_EXHAUSTED if transient else reason
                job.state = JobState.FAILED
                job.failure_reason = final_reason
                job.finished_at = self.now()
                _set_call_status(session, job.call_id, JobState.FAILED, final_reason)
            session.commit()
            return JobState(job.state)

    def requeue_interrupted(self) -> int:
        with self.db.session() as session:
            jobs = list(session.execute(select(Job).where(Job.state.in_(list(RUNNING_STATES)))).scalars())
            for job in jobs:
                job.claimed_by = None
                if job.attempts >= job.max_attempts:
                    job.state = JobState.FAILED
                    job.failure_reason = FailureReason.INTERRUPTED_TOO_OFTEN
                    job.finished_at = self.now()
                    _set_call_status(session, job.call_id, JobState.FAILED, FailureReason.INTERRUPTED_TOO_OFTEN)
                else:
                    job.state = JobState.QUEUED
                    job.next_attempt_at = self.now()
                    _set_call_status(session, job.call_id, JobState.QUEUED, None)
            session.commit()
        if jobs:
            logger.info("re-queued %d job(s) interrupted by a restart", len(jobs))
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
