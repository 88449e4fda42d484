"""A call erased or blocked while its job runs: the pipeline stores nothing afterwards.

The real pipeline steps run on a committed sample with card data (so the redacted-audio step
also writes a scrubbed raw audio): `RedactedAudioStep` renders and encrypts, then
`CallPipeline.store` saves the transcript. The erasure (the real consent change, deletion
request or purge) happens at one of two moments: right after the step wrote its first blob
(before it records anything), or between the step and the transcript's transaction. The
transcript comes from the sample's script, so no model is loaded (test_e2e.py runs the models).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from redactor import audit
from redactor.jobs.states import JobCancelledError, JobState
from redactor.privacy_requests.deletion import erase_caller
from redactor.retention.consent_changes import change_consent
from redactor.retention.holds import place_hold
from redactor.retention.purge import purge_expired_artifacts
from redactor.service.pipeline import CallPipeline, PipelineContext
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.store.models import AuditEvent, Call, Job, RedactedAudio, Transcript

from .pipeline_helpers import SAMPLES, sample_with_card_data, script_results

PM = audit.Actor("privacy_manager", "pmkey0000001")
CALLER = "090-5555-0101"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


class WatchedBlobStore:
    """The test's real blob store (local files or S3), calling `on_put` once after the first put
    (the erasure); everything else goes to the store itself."""

    def __init__(self, store, on_put) -> None:
        self.store = store
        self.on_put = on_put
        self.written: list[str] = []

    def put(self, source):
        ref = self.store.put(source)
        self.written.append(ref.key)
        if self.on_put is not None:
            erase, self.on_put = self.on_put, None
            erase()
        return ref

    def __getattr__(self, name):
        return getattr(self.store, name)


def withdraw(runtime, call_id):
    change_consent(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, call_id=call_id, state="withdrawn", method="verbal",
                   recorded_at=None, actor=PM, now=NOW)


def withdraw_under_hold(runtime, call_id):
    with runtime.db.session() as session:
        place_hold(session=session, call_id=call_id, reason="litigation", actor=PM, now=NOW)
        session.commit()
    withdraw(runtime, call_id)


def delete_caller(runtime, call_id):
    erase_caller(db=runtime.db, blobs=runtime.blobs, caller_hash=runtime.caller_hasher.hash_number(CALLER),
                 verification_method="callback", verification_note=None, actor=PM, now=NOW)


def purge_ten_years_later(runtime, call_id):
    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=NOW + timedelta(days=3650))
    assert any(item.artifact == "raw_audio" for item in report.items)


CASES = [
    # (erasure, when, reason recorded on the job and in the audit event)
    (withdraw, "after_first_blob", "consent_withdrawn"),
    (withdraw, "before_transcript", "consent_withdrawn"),
    (withdraw_under_hold, "after_first_blob", "consent_not_allowed"),
    (delete_caller, "after_first_blob", "call_erased"),
    (delete_caller, "before_transcript", "call_erased"),
    (purge_ten_years_later, "after_first_blob", "raw_audio_erased"),
    (purge_ten_years_later, "before_transcript", "raw_audio_erased"),
]


@pytest.mark.parametrize("erasure,when,reason", CASES, ids=[f"{c[0].__name__}-{c[1]}" for c in CASES])
def test_results_of_an_erased_call_are_discarded(runtime, erasure, when, reason):
    sample = sample_with_card_data()
    call_id = "call-erased-midway"
    erase = lambda: erasure(runtime, call_id)  # noqa: E731
    blobs = WatchedBlobStore(runtime.blobs, on_put=erase if when == "after_first_blob" else None)
    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=blobs, transcriber=None,
                            call_redactor=None, work_dir=runtime.work_dir)
    raw = runtime.blobs.put(SAMPLES / sample["file"])
    with runtime.db.session() as session:
        session.add(Call(id=call_id, external_id="tel-erased-midway", started_at=NOW - timedelta(hours=1),
                         operator_id="op-1", direction="inbound", channels=sample["channels"],
                         caller_hash=runtime.caller_hasher.hash_number(CALLER), consent_state="granted",
                         status="queued", audio_blob_key=raw.key, audio_sha256=raw.sha256, audio_bytes=raw.size,
                         audio_codec=sample["codec"]))
        session.flush()
        runtime.queue.enqueue(session, call_id)
        session.commit()
    job = runtime.queue.claim_next("test-worker")
    runtime.queue.mark(job, JobState.REDACTING)
    transcript, redacted = script_results(sample)
    context = PipelineContext(job=job, call_id=call_id, channels=sample["channels"], audio_blob_key=raw.key,
                              audio_sha256=raw.sha256, transcript=transcript, redacted=redacted)

    with pytest.raises(JobCancelledError) as cancelled:
        with pipeline.decrypted_audio(context):
            RedactedAudioStep()(pipeline, context)
        if when == "before_transcript":
            assert len(blobs.written) == 2  # redacted audio and scrubbed raw audio were recorded
            erase()
        pipeline.store(context)
    assert cancelled.value.reason == reason

    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        job_row = session.execute(select(Job).where(Job.call_id == call_id)).scalar_one_or_none()
        assert session.get(Transcript, call_id) is None
        redacted_audio = session.get(RedactedAudio, call_id)
        discarded = session.execute(select(AuditEvent).where(AuditEvent.type == "job.results_discarded")
                                    ).scalars().all()
        assert audit.verify_chain(session) == []
    assert redacted_audio is None
    assert not any(blobs.exists(key) for key in blobs.written), "a blob written for the results survived"
    if reason == "consent_not_allowed":  # a legal hold keeps the original raw audio
        assert call.audio_blob_key == raw.key and blobs.exists(raw.key)
    elif call is not None:
        assert call.audio_blob_key is None
    if reason == "call_erased":
        assert call is None and job_row is None
    else:
        assert (job_row.state, job_row.failure_reason) == ("failed", reason)
        assert call.status_reason == reason
    assert [(e.call_id, json.loads(e.details)["reason"]) for e in discarded] == [(call_id, reason)]
    assert runtime.queue.claim_next("again") is None


def test_a_running_job_is_cancelled_by_withdrawal_and_stays_failed(runtime):
    """The queue side: moving a cancelled or erased job on raises; failing it changes nothing."""
    for erasure, reason in ((withdraw, "consent_withdrawn"), (delete_caller, "call_erased")):
        call_id = f"call-{reason}"
        with runtime.db.session() as session:
            session.add(Call(id=call_id, external_id=f"tel-{reason}", started_at=NOW, operator_id="op-1",
                             direction="inbound", channels="mono", consent_state="granted", status="queued",
                             caller_hash=runtime.caller_hasher.hash_number(CALLER)))
            session.flush()
            runtime.queue.enqueue(session, call_id)
            session.commit()
        job = runtime.queue.claim_next("w")
        erasure(runtime, call_id)
        with pytest.raises(JobCancelledError) as cancelled:
            runtime.queue.mark(job, JobState.REDACTING)
        assert cancelled.value.reason == reason
        assert runtime.queue.fail(job, "internal_error", transient=True) == JobState.FAILED
        with runtime.db.read_session() as session:
            row = session.get(Job, job.job_id)
        assert row is None if reason == "call_erased" else (row.state, row.failure_reason) == ("failed", reason)
        assert runtime.queue.claim_next("w") is None
