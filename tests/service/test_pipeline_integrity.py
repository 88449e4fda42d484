"""The pipeline refuses, for good, a recording that is not the one uploaded or is gone, before any
model sees it (no model is loaded here: the checks come first), and what it stores is recorded
and audited under the call.

The fast, model-free half of tests/integration's tampered-blob check, inside the mutation run's
test selection (tests/service).
"""

from __future__ import annotations

import io
import json
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from redactor.jobs.states import JobState
from redactor.jobs.worker import JobFailure
from redactor.service.pipeline import CallPipeline, PipelineContext
from redactor.store.models import AuditEvent, Call, Transcript
from redactor.store.types import utcnow

from .pipeline_helpers import sample_with_card_data, script_results


def queued_call(runtime, audio: bytes):
    """A call with `audio` stored as its raw audio and one queued job; returns (call id, claimed job)."""
    ref = runtime.blobs.put(io.BytesIO(audio))
    call_id = str(uuid.uuid4())
    with runtime.db.session() as session:
        session.add(Call(id=call_id, external_id=f"ext-{call_id[:8]}", started_at=utcnow(), operator_id="op-1",
                         direction="inbound", channels="mono", consent_state="granted", status="queued",
                         audio_blob_key=ref.key, audio_sha256=ref.sha256, audio_bytes=ref.size, audio_codec="opus"))
        session.flush()
        runtime.queue.enqueue(session, call_id)
        session.commit()
    return call_id, runtime.queue.claim_next("test")


def model_free_pipeline(runtime) -> CallPipeline:
    return CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=None,
                        call_redactor=None, work_dir=runtime.work_dir)


def process(runtime, job) -> JobFailure:
    with pytest.raises(JobFailure) as failed:
        model_free_pipeline(runtime).process(job)
    assert list(runtime.work_dir.glob("job-*")) == []  # no decrypted copy left behind
    return failed.value


def test_a_validly_encrypted_recording_other_than_the_uploaded_one_fails_for_good(runtime):
    call_id, job = queued_call(runtime, b"the uploaded recording")
    other = runtime.blobs.put(io.BytesIO(b"another recording"))
    with runtime.db.session() as session:  # the row now names an intact blob with other content
        session.get(Call, call_id).audio_blob_key = other.key
        session.commit()
    failure = process(runtime, job)
    assert (failure.reason, failure.transient) == ("audio_integrity", False)


def test_a_call_whose_raw_audio_is_gone_fails_for_good(runtime):
    call_id, job = queued_call(runtime, b"the uploaded recording")
    with runtime.db.session() as session:
        session.get(Call, call_id).audio_blob_key = None  # purged since the job was queued
        session.commit()
    failure = process(runtime, job)
    assert (failure.reason, failure.transient) == ("audio_missing", False)


def test_stored_results_are_recorded_and_audited_under_the_call(runtime):
    call_id, job = queued_call(runtime, b"the uploaded recording")
    runtime.queue.mark(job, JobState.REDACTING)
    transcript, redacted = script_results(sample_with_card_data())
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        context = PipelineContext(job=job, call_id=call_id, channels=call.channels, audio_blob_key=call.audio_blob_key,
                                  audio_sha256=call.audio_sha256, transcript=transcript, redacted=redacted)
    model_free_pipeline(runtime).store(context)
    with runtime.db.read_session() as session:
        stored = session.get(Transcript, call_id)
        assert (stored.language, stored.duration) == ("ja", transcript.duration)
        (event,) = session.execute(select(AuditEvent).where(AuditEvent.type == "call.processed")).scalars()
    assert event.call_id == call_id
    assert json.loads(event.details) == {"turns": len(transcript.turns), "attempt": job.attempt,
                                         "findings": dict(Counter(f.type for f in redacted.findings))}
