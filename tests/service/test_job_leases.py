"""Several workers on one queue: leases renewed while working, expired ones taken over, and the
late writes of a worker that lost its claim refused (fencing), down to the transcript's transaction.

The cluster test (tests/cluster) checks the same across processes on PostgreSQL, with kill -9.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from redactor import audit
from redactor.jobs import ClaimLostError, EmbeddedWorker, JobState, SqlJobQueue
from redactor.pii.results import RedactedCall, RedactedTurn
from redactor.service.pipeline import CallPipeline, PipelineContext
from redactor.store.models import AuditEvent, Job, Transcript, TranscriptTurn
from redactor.transcribe.transcript import Transcript as RawTranscript
from redactor.transcribe.transcript import Turn

from .test_jobs import Clock, add_call, call_status, job_of

LEASE = timedelta(seconds=60)


def test_a_renewed_lease_is_never_taken_over(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0, lease_seconds=0.3)
    call_id = add_call(runtime, queue)
    working, release = threading.Event(), threading.Event()

    def processor(job):
        working.set()
        assert release.wait(10)
        queue.mark(job, JobState.REDACTING)
        with runtime.db.session() as session:
            queue.complete(session, job)
            session.commit()

    worker = EmbeddedWorker(queue, processor, poll_interval_s=0.05)
    worker.start()
    try:
        assert working.wait(10)
        deadline = time.monotonic() + 1.5  # five leases long
        while time.monotonic() < deadline:
            assert queue.claim_next("another-worker") is None  # renewed: never expired, never stolen
            time.sleep(0.05)
        release.set()
    finally:
        worker.stop()
    assert call_status(runtime, call_id) == ("done", None) and job_of(runtime, call_id).attempts == 1


def test_writes_under_a_lost_claim_are_refused(runtime):
    clock = Clock()
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0, lease_seconds=LEASE.total_seconds(), now=clock)
    call_id = add_call(runtime, queue)
    stale = queue.claim_next("paused-worker")
    assert queue.renew(stale)
    clock.now += LEASE + timedelta(seconds=1)
    current = queue.claim_next("other-worker")  # recovers the expired lease and claims the job again
    assert (current.job_id, current.attempt) == (stale.job_id, 2) and current.claim_token != stale.claim_token

    assert not queue.renew(stale)
    with pytest.raises(ClaimLostError):
        queue.mark(stale, JobState.REDACTING)
    assert queue.fail(stale, "internal_error", transient=True) == JobState.FAILED  # "not mine": nothing recorded
    with runtime.db.session() as session, pytest.raises(ClaimLostError):
        queue.complete(session, stale)
    assert (job_of(runtime, call_id).state, job_of(runtime, call_id).claimed_by) == ("transcribing", "other-worker")

    queue.mark(current, JobState.REDACTING)
    with runtime.db.session() as session:
        queue.complete(session, current)
        session.commit()
    assert call_status(runtime, call_id) == ("done", None)


def test_one_unfinished_job_per_call(runtime):
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0)
    call_id = add_call(runtime, queue)
    with runtime.db.session() as session, pytest.raises(IntegrityError):
        queue.enqueue(session, call_id)
        session.commit()


def _results(text: str) -> tuple[RawTranscript, RedactedCall]:
    raw = RawTranscript(duration=1.0, language="ja", channels="mono",
                        turns=[Turn(speaker="operator", start=0.0, end=1.0, text=text, words=[])])
    return raw, RedactedCall(turns=[RedactedTurn(speaker="operator", text=text)], findings=[])


@pytest.mark.parametrize("stale_writes", ["before", "after"])
def test_a_stale_worker_stores_nothing_and_the_refusal_is_audited(runtime, stale_writes):
    """The paused worker's transcript is refused whether it arrives while the new attempt runs
    or after it stored its own: one transcript, the new attempt's, and a valid audit chain."""
    clock = Clock()
    queue = SqlJobQueue(runtime.db, max_attempts=3, backoff_seconds=0, lease_seconds=LEASE.total_seconds(), now=clock)
    pipeline = CallPipeline(db=runtime.db, queue=queue, blobs=runtime.blobs, transcriber=None, call_redactor=None,
                            work_dir=runtime.work_dir)
    call_id = add_call(runtime, queue)

    def context_of(job, text):
        transcript, redacted = _results(text)
        return PipelineContext(job=job, call_id=call_id, channels="mono", audio_blob_key=None, audio_sha256=None,
                               transcript=transcript, redacted=redacted)

    stale = queue.claim_next("paused-worker")
    queue.mark(stale, JobState.REDACTING)
    clock.now += LEASE + timedelta(seconds=1)
    current = queue.claim_next("other-worker")
    queue.mark(current, JobState.REDACTING)
    if stale_writes == "after":
        pipeline.store(context_of(current, "second attempt"))
    with pytest.raises(ClaimLostError):
        pipeline.store(context_of(stale, "first attempt"))
    if stale_writes == "before":
        pipeline.store(context_of(current, "second attempt"))

    with runtime.db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Transcript).where(Transcript.call_id == call_id)) == 1
        assert list(session.scalars(select(TranscriptTurn.text).where(TranscriptTurn.call_id == call_id))) == [
            "second attempt"]
        assert session.get(Job, current.job_id).state == "done"
        refused = session.scalars(select(AuditEvent).where(AuditEvent.type == "job.stale_write_refused")).one()
        assert refused.call_id == call_id and '"attempt":1' in refused.details
        processed = session.scalars(select(AuditEvent).where(AuditEvent.type == "call.processed")).one()
        assert '"attempt":2' in processed.details
        assert audit.verify_chain(session) == []
