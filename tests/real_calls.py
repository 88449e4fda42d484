"""Calls run through the service's real intake, worker and pipeline, and what they left behind.

`process_call` accepts a recording through `accept_call` (consent gate, encryption, job), then
lets the embedded worker's `run_one` hand the claimed job to `CallPipeline.process` with the
real models, as the service does. A `HeardTranscripts` step, appended to the pipeline's extra
steps, keeps what the recognizer heard (raw words with times, in the test's memory only) so the
time-based leak checks (tests/leaks.py) can compare it with what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from redactor import audit
from redactor.jobs.worker import EmbeddedWorker
from redactor.service.intake import CallMetadata, accept_call
from redactor.store.models import Call, Finding, Job, RedactedAudio


class HeardTranscripts:
    """A pipeline extra step keeping each call's raw transcript turns: {call id: turns}."""

    def __init__(self) -> None:
        self.turns: dict[str, list] = {}

    def __call__(self, pipeline, context) -> None:
        self.turns[context.call_id] = list(context.transcript.turns)


@dataclass
class ProcessedCall:
    call_id: str
    status: str
    status_reason: str | None
    job_state: str
    job_attempts: int
    heard: list | None  # raw turns, None when the pipeline stopped before redaction
    findings: list[Finding]  # as stored
    redacted_audio: bytes | None  # decrypted FLAC
    raw_audio: bytes | None  # decrypted, as retained (card data scrubbed)


def serve(runtime, engines) -> HeardTranscripts:
    """Give `runtime` the session's loaded models (`real_engines`) and make its pipeline keep
    what it hears; returns the kept transcripts."""
    from redactor.service.redacted_audio_step import RedactedAudioStep
    from redactor.service.runtime import CallProcessing

    transcriber, call_redactor = engines
    runtime.use_processing(CallProcessing(transcriber=transcriber, call_redactor=call_redactor,
                                          audio_step=RedactedAudioStep.from_settings(runtime.settings)))
    heard = HeardTranscripts()
    runtime.pipeline.extra_steps.append(heard)
    return heard


def accept(runtime, audio: Path, *, channels: str, external_id: str) -> str:
    metadata = CallMetadata.model_validate({
        "external_id": external_id, "started_at": datetime.now(timezone.utc).isoformat(), "operator_id": "op-1",
        "direction": "inbound", "channels": channels, "consent": {"state": "granted", "method": "ivr"}})
    return accept_call(runtime, metadata=metadata, audio_path=audio, actor=audit.SYSTEM).call.id


def run_next_job(runtime) -> None:
    """Claim the next job and run it as one of the embedded worker's threads would."""
    job = runtime.queue.claim_next("tests")
    assert job is not None, "no job was queued"
    EmbeddedWorker(runtime.queue, runtime.pipeline).run_one(job)


def outcome(runtime, call_id: str, heard: HeardTranscripts) -> ProcessedCall:
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        job = session.execute(select(Job).where(Job.call_id == call_id)).scalar_one()
        findings = list(session.execute(select(Finding).where(Finding.call_id == call_id)).scalars())
        redacted = session.get(RedactedAudio, call_id)
        redacted_key, raw_key = (redacted.blob_key if redacted else None), call.audio_blob_key
        result = ProcessedCall(call_id=call_id, status=call.status, status_reason=call.status_reason,
                               job_state=job.state, job_attempts=job.attempts, heard=heard.turns.get(call_id),
                               findings=findings, redacted_audio=None, raw_audio=None)
    if redacted_key:
        result.redacted_audio = b"".join(runtime.blobs.iter_chunks(redacted_key))
    if raw_key and result.status == "done":
        result.raw_audio = b"".join(runtime.blobs.iter_chunks(raw_key))
    return result


def process_call(runtime, heard: HeardTranscripts, audio: Path, *, channels: str, external_id: str) -> ProcessedCall:
    call_id = accept(runtime, audio, channels=channels, external_id=external_id)
    run_next_job(runtime)
    return outcome(runtime, call_id, heard)
