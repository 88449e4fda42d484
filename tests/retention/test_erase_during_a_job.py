"""Erasing a call while the worker is processing it: the worker survives and stores nothing.

The processor here stands in for CallPipeline at the worker's border: it moves the job along
with the real queue (as the pipeline does between transcription and redaction) after the erase
happened, which is where a real pipeline would meet the missing or cancelled job.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from redactor import audit
from redactor.jobs.states import JobState
from redactor.jobs.worker import EmbeddedWorker
from redactor.privacy_requests.deletion import erase_caller
from redactor.retention.consent_changes import change_consent
from redactor.store.models import Call, Job
from redactor.store.types import utcnow

PM = audit.Actor("privacy_manager", "pmkey0000001")


def upload(client, auth, sample, call_metadata, external_id: str) -> str:
    metadata = call_metadata(external_id, channels=sample["channels"], caller_number="090-8888-1212")
    response = client.post("/v1/calls", headers=auth("telephony"), files=[
        ("metadata", (None, json.dumps(metadata), "application/json")),
        ("audio", ("a", sample["path"].read_bytes(), "audio/ogg"))])
    assert response.status_code == 202, response.text
    return response.json()["id"]


def run_job_erasing_midway(runtime, erase) -> list[str]:
    """Claim the queued job, erase while it runs, then let it continue. Returns what happened."""
    steps: list[str] = []

    def processor(job):
        erase()
        steps.append("erased")
        runtime.queue.mark(job, JobState.REDACTING)  # the pipeline's next move
        steps.append("marked")

    worker = EmbeddedWorker(runtime.queue, processor)
    job = runtime.queue.claim_next(worker.worker_id)
    worker.run_one(job)  # must not raise: a raise here kills the worker thread
    steps.append("worker survived")
    return steps


def test_deletion_request_while_the_job_runs(client, auth, sample_calls, call_metadata):
    runtime = client.app.state.runtime
    call_id = upload(client, auth, sample_calls[0], call_metadata, "tel-mid-del")
    steps = run_job_erasing_midway(runtime, lambda: erase_caller(
        db=runtime.db, blobs=runtime.blobs, caller_hash=runtime.caller_hasher.hash_number("090-8888-1212"),
        verification_method="callback", verification_note=None, actor=PM, now=utcnow()))
    assert steps == ["erased", "worker survived"]  # moving an erased job on raises JobCancelledError
    with runtime.db.read_session() as session:
        assert session.get(Call, call_id) is None
        assert session.execute(select(Job).where(Job.call_id == call_id)).first() is None
    assert list(runtime.blobs.keys()) == []


def test_consent_withdrawal_while_the_job_runs(client, auth, sample_calls, call_metadata):
    runtime = client.app.state.runtime
    call_id = upload(client, auth, sample_calls[0], call_metadata, "tel-mid-wd")
    steps = run_job_erasing_midway(runtime, lambda: change_consent(
        db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, call_id=call_id, state="withdrawn", method="verbal",
        recorded_at=None, actor=PM, now=utcnow()))
    assert steps == ["erased", "worker survived"]  # moving a cancelled job on raises JobCancelledError
    with runtime.db.read_session() as session:
        job = session.execute(select(Job).where(Job.call_id == call_id)).scalar_one()
        call = session.get(Call, call_id)
    assert (job.state, job.failure_reason) == ("failed", "consent_withdrawn")  # not re-queued
    assert (call.status, call.status_reason, call.audio_blob_key) == ("consent_blocked", "consent_withdrawn", None)
    assert runtime.queue.claim_next("again") is None
