"""REDACTOR_MAX_AUDIO_SECONDS: a recording past the limit is refused at upload and fails its job for good."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from redactor.store.models import Call, Job

LIMIT_S = 30  # the stereo sample lasts 37.7 s


@pytest.fixture
def service_settings(tmp_path):
    from redactor.config import Settings

    return Settings(data_dir=tmp_path / "data", work_dir=tmp_path / "work", max_audio_seconds=LIMIT_S)


@pytest.fixture
def long_sample(sample_calls):
    call = next(c for c in sample_calls if c["channels"] == "stereo_operator_left")
    assert call["duration"] > LIMIT_S
    return call


def test_an_upload_past_the_limit_is_refused_and_nothing_stored(client, auth, long_sample, call_metadata):
    response = client.post("/v1/calls", headers=auth("telephony"), files=[
        ("metadata", (None, json.dumps(call_metadata(channels=long_sample["channels"])), "application/json")),
        ("audio", ("call.ogg", long_sample["path"].read_bytes(), "audio/ogg"))])
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "audio_too_long"
    assert f"{LIMIT_S} s (REDACTOR_MAX_AUDIO_SECONDS)" in response.json()["error"]["message"]
    runtime = client.app.state.runtime
    with runtime.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(Call)).scalar() == 0
    assert list(runtime.blobs.keys()) == [] and list(runtime.incoming_dir.iterdir()) == []


def test_a_job_past_the_limit_fails_for_good(runtime, long_sample):
    """Stored under a higher limit (or a header that lied): the job fails once, never re-queued."""
    from dataclasses import replace

    from redactor.jobs.worker import EmbeddedWorker
    from redactor.service.pipeline import CallPipeline
    from redactor.transcribe.transcriber import Transcriber
    from redactor.transcribe.transcript import TranscriptionOptions

    from retention.helpers import add_call

    call_id = add_call(runtime, audio=long_sample["path"].read_bytes(), transcript=False, redacted_audio=False)
    with runtime.db.session() as session:
        runtime.queue.enqueue(session, call_id)
        session.commit()
    options = TranscriptionOptions(model="base", device="cpu", compute_type="int8", cpu_threads=1, language="ja",
                                   beam_size=1, batch_size=0, vad_filter=True, vad_parameters={}, temperature=(0.0,),
                                   condition_on_previous_text=False, compression_ratio_threshold=None,
                                   log_prob_threshold=None, no_speech_threshold=None,
                                   hallucination_silence_threshold=None)
    # The limit is checked before the model is used: no model needs loading for this test.
    transcriber = Transcriber(None, replace(options, max_audio_seconds=LIMIT_S))
    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=transcriber,
                            call_redactor=None, work_dir=runtime.work_dir)
    worker = EmbeddedWorker(runtime.queue, pipeline, concurrency=1)
    worker.run_one(runtime.queue.claim_next("test"))
    with runtime.db.read_session() as session:
        job = session.execute(select(Job).where(Job.call_id == call_id)).scalar_one()
    assert (job.state, job.failure_reason, job.attempts) == ("failed", "audio_too_long", 1)
    assert runtime.queue.claim_next("test") is None
    assert [p for p in runtime.work_dir.rglob("*") if p.is_file()] == []
