"""The job state machine, the SQL queue (claim, retry with backoff, lease expiry) and the worker.

The worker is driven with small processors written here: the worker's contract is to run
whatever processor it is given, and the real pipeline is covered end to end in test_e2e.py.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from redactor.jobs import (EmbeddedWorker, InvalidTransitionError, JobFailure, JobState, SqlJobQueue,
                           check_transition)
from redactor.store.models import Call, CallStatus, Job


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def add_call(runtime, queue) -> str:
    call_id = str(uuid.uuid4())
    with runtime.db.session() as session:
        session.add(Call(id=call_id, external_id=f"ext-{call_id}", started_at=datetime.now(timezone.utc),
                         operator_id="op", direction="inbound", channels="mono", consent_state="granted",
                         status="queued", audio_blob_key=None))
        session.flush()
        queue.enqueue(session, call_id)
        session.commit()
    return call_id


def job_of(runtime, call_id) -> Job:
    with runtime.db.read_session() as session:
        return session.query(Job).filter_by(call_id=call_id).one()


def call_status(runtime, call_id) -> tuple[str, str | None]:
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        return call.status, call.status_reason


TRANSITIONS = [
    ("queued", "transcribing", True), ("transcribing", "redacting", True), ("redacting", "done", True),
    ("transcribing", "failed", True), ("redacting", "queued", True), ("failed", "queued", True),
    ("queued", "done", False), ("done", "queued", False), ("done", "failed", False),
    ("queued", "redacting", False), ("redacting", "transcribing", False),
]


@pytest.mark.parametrize("current,new,allowed", TRANSITIONS)
def test_state_machine(current, new, allowed):
    if allowed:
        check_transition(current, new)
    else:
        with pytest.raises(InvalidTransitionError):
            check_transition(current, new)


def test_every_job_state_is_a_call_status():
    """The queue mirrors each job state on its call (`_set_call_status`)."""
    assert {state.value for state in JobState} <= {status.value for status in CallStatus}


def test_claim_mark_complete_mirrors_the_call_status(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=1)
    call_id = add_call(runtime, queue)
    claimed = queue.claim_next("w1")
    assert claimed.call_id == call_id and claimed.attempt == 1
    assert queue.claim_next("w2") is None  # nobody else gets it
    assert call_status(runtime, call_id) == ("transcribing", None)
    queue.mark(claimed, JobState.REDACTING)
    assert call_status(runtime, call_id) == ("redacting", None)
    with runtime.db.session() as session:
        queue.complete(session, claimed)
        session.commit()
    assert job_of(runtime, call_id).state == "done" and call_status(runtime, call_id)[0] == "done"
    with pytest.raises(InvalidTransitionError):
        queue.mark(claimed, JobState.REDACTING)


def test_transient_failures_back_off_then_fail(runtime):
    clock = Clock()
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=10, now=clock)
    call_id = add_call(runtime, queue)
    for attempt, delay in ((1, 10), (2, 20)):
        claimed = queue.claim_next("w")
        assert claimed.attempt == attempt
        assert queue.fail(claimed, "internal_error", transient=True) == JobState.QUEUED
        assert queue.claim_next("w") is None  # not due yet
        clock.now += timedelta(seconds=delay - 1)
        assert queue.claim_next("w") is None
        clock.now += timedelta(seconds=1)
    claimed = queue.claim_next("w")
    assert claimed.attempt == 3
    assert queue.fail(claimed, "internal_error", transient=True) == JobState.FAILED
    assert call_status(runtime, call_id) == ("failed", "attempts_exhausted")


def test_permanent_failure_keeps_its_reason(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    call_id = add_call(runtime, queue)
    claimed = queue.claim_next("w")
    assert queue.fail(claimed, "audio_unreadable", transient=False) == JobState.FAILED
    assert call_status(runtime, call_id) == ("failed", "audio_unreadable")
    assert job_of(runtime, call_id).failure_reason == "audio_unreadable"


def test_jobs_whose_lease_expired_are_requeued_by_the_next_claim(runtime):
    clock = Clock()
    queue = SqlJobQueue(runtime.db, max_attempts=2, backoff_seconds=0, lease_seconds=60, now=clock)
    first, second = add_call(runtime, queue), add_call(runtime, queue)
    a = queue.claim_next("dead-worker")
    queue.mark(a, JobState.REDACTING)
    queue.claim_next("dead-worker")
    clock.now += timedelta(seconds=60)
    assert queue.recover_expired() == 0  # a lease lasts its full length
    clock.now += timedelta(seconds=1)
    assert queue.recover_expired() == 2
    assert {call_status(runtime, c)[0] for c in (first, second)} == {"queued"}
    # An attempt that died again on its last allowed attempt fails instead of looping forever;
    # the claim itself recovers expired leases (no separate sweeper to run).
    for _ in range(2):
        queue.claim_next("w")
    clock.now += timedelta(seconds=61)
    assert queue.claim_next("w") is None
    assert call_status(runtime, first) == ("failed", "interrupted_too_often")


def test_worker_runs_jobs_retries_and_records_failures(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    ok, flaky, broken, crashing = (add_call(runtime, queue) for _ in range(4))
    seen: dict[str, int] = {}
    done = threading.Event()

    def processor(job):
        seen[job.call_id] = seen.get(job.call_id, 0) + 1
        if job.call_id == flaky and job.attempt < 2:
            raise JobFailure("internal_error", transient=True)
        if job.call_id == broken:
            raise JobFailure("audio_unreadable", transient=False)
        if job.call_id == crashing:
            raise RuntimeError("伊藤雅美 090-3821-4467")  # must not reach the logs
        queue.mark(job, JobState.REDACTING)
        with runtime.db.session() as session:
            queue.complete(session, job)
            session.commit()
        if {ok, flaky} <= {c for c in seen if call_status(runtime, c)[0] == "done"}:
            done.set()

    worker = EmbeddedWorker(queue, processor, concurrency=2, poll_interval_s=0.05)
    worker.start()
    try:
        assert done.wait(10)
        deadline = time.monotonic() + 10
        while call_status(runtime, crashing)[0] != "failed" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert call_status(runtime, ok) == ("done", None)
    assert call_status(runtime, flaky) == ("done", None) and seen[flaky] == 2
    assert call_status(runtime, broken) == ("failed", "audio_unreadable") and seen[broken] == 1
    assert call_status(runtime, crashing) == ("failed", "attempts_exhausted") and seen[crashing] == 3
    assert not worker.running


def test_worker_logs_no_exception_message(runtime, caplog):
    queue = SqlJobQueue(runtime.db, max_attempts=1, backoff_seconds=0)
    add_call(runtime, queue)
    secret = "伊藤雅美 " + "090-3821-" + "4467"  # built at run time: source lines appear in tracebacks

    def processor(job):
        raise ValueError(secret)

    worker = EmbeddedWorker(queue, processor)
    worker.run_one(queue.claim_next("w"))
    assert "ValueError" in caplog.text and "伊藤" not in caplog.text and "4467" not in caplog.text


def test_a_worker_takes_over_a_job_whose_lease_expired(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0, lease_seconds=0.2)
    call_id = add_call(runtime, queue)
    queue.claim_next("killed")  # never renewed: its worker is gone
    finished = threading.Event()

    def processor(job):
        queue.mark(job, JobState.REDACTING)
        with runtime.db.session() as session:
            queue.complete(session, job)
            session.commit()
        finished.set()

    worker = EmbeddedWorker(queue, processor, poll_interval_s=0.05)
    worker.start()
    try:
        assert finished.wait(10)
    finally:
        worker.stop()
    assert call_status(runtime, call_id)[0] == "done" and job_of(runtime, call_id).attempts == 2


def _delete_job(runtime, job_id):
    with runtime.db.session() as session:
        session.delete(session.get(Job, job_id))
        session.commit()


def _cancel_job(runtime, job_id):  # as retention's consent withdrawal does (erase.cancel_jobs)
    with runtime.db.session() as session:
        assert runtime.queue.cancel(session, job_id, "consent_withdrawn") is True
        session.commit()


@pytest.mark.parametrize("interrupt,reason", [(_delete_job, "call_erased"), (_cancel_job, "consent_withdrawn")])
def test_a_job_cancelled_or_erased_while_claimed(runtime, interrupt, reason):
    """mark raises JobCancelledError; fail (even transient) neither re-queues nor raises."""
    from redactor.jobs import JobCancelledError

    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    add_call(runtime, queue)
    claimed = queue.claim_next("w")
    interrupt(runtime, claimed.job_id)
    with pytest.raises(JobCancelledError) as cancelled:
        queue.mark(claimed, JobState.REDACTING)
    assert cancelled.value.reason == reason
    assert queue.fail(claimed, "internal_error", transient=True) == JobState.FAILED
    with runtime.db.session() as session:
        assert queue.cancel(session, claimed.job_id, "call_erased") is False  # already final or gone
        session.commit()
    with runtime.db.read_session() as session:
        job = session.get(Job, claimed.job_id)
    assert job is None if reason == "call_erased" else (job.state, job.failure_reason) == ("failed", reason)
    assert queue.claim_next("w") is None


def test_cancel_fails_a_queued_job_so_no_worker_claims_it(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    call_id = add_call(runtime, queue)
    with runtime.db.session() as session:
        assert queue.unfinished(session, call_id) == [job_of(runtime, call_id).id]
        assert queue.cancel(session, job_of(runtime, call_id).id, "consent_withdrawn") is True
        assert queue.unfinished(session, call_id) == []
        session.commit()
    assert (job_of(runtime, call_id).state, job_of(runtime, call_id).failure_reason) == ("failed", "consent_withdrawn")
    assert call_status(runtime, call_id) == ("failed", "consent_withdrawn")
    assert queue.claim_next("w") is None


def test_cancel_fails_a_running_job_with_its_reason(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    call_id = add_call(runtime, queue)
    claimed = queue.claim_next("w")
    with runtime.db.session() as session:
        assert queue.cancel(session, claimed.job_id, "raw_audio_erased") is True
        session.commit()
    assert call_status(runtime, call_id) == ("failed", "raw_audio_erased")
    assert (job_of(runtime, call_id).state, job_of(runtime, call_id).failure_reason) == ("failed", "raw_audio_erased")
    worker = EmbeddedWorker(queue, lambda job: queue.mark(job, JobState.REDACTING))
    worker.run_one(claimed)  # a worker still holding it stops quietly; the reason stays
    assert call_status(runtime, call_id) == ("failed", "raw_audio_erased")
