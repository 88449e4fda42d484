"""Helpers shared by the service-level tests: a sample call stored and run through the step.

The transcript is built from the sample's script (one timed word per turn, tests/service's
`script_results`), so no model is loaded; test_end_to_end.py runs the real models.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from redactor.audio_redaction import decode_pcm
from redactor.audio_redaction.ranges import DEFAULT_PAUSE_REACH_S
from redactor.blobstore import EncryptedFileBlobStore
from redactor.config import Settings
from redactor.jobs.queue import ClaimedJob, SqlJobQueue
from redactor.jobs.states import JobState
from redactor.service.pipeline import CallPipeline, PipelineContext
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.store.db import open_database
from redactor.store.models import Call

from service.pipeline_helpers import script_results

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"
CALLS = {c["id"]: c for c in json.loads((SAMPLES / "calls.json").read_text(encoding="utf-8"))["calls"]}
CARD_TYPES = {"CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY"}


def make_pipeline(tmp_path: Path) -> CallPipeline:
    """A real CallPipeline over a fresh SQLite DB and blob store, without models."""
    db = open_database(f"sqlite:///{tmp_path / 'redactor.db'}", audit_key=b"a" * 32)
    db.upgrade()
    blobs = EncryptedFileBlobStore(tmp_path / "blobs", b"k" * 32)
    queue = SqlJobQueue(db, max_attempts=3, backoff_seconds=0)
    return CallPipeline(db=db, queue=queue, blobs=blobs, transcriber=None, call_redactor=None,
                        work_dir=tmp_path / "work")


def add_call(pipeline: CallPipeline, call: dict) -> Call:
    ref = pipeline.blobs.put(SAMPLES / call["file"])
    row = Call(id=f"id-{call['id']}", external_id=call["id"], started_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
               operator_id="op1", direction="inbound", channels=call["channels"], consent_state="granted",
               status="redacting", audio_blob_key=ref.key, audio_sha256=ref.sha256, audio_bytes=ref.size,
               audio_codec=call["codec"])
    with pipeline.db.session() as session:
        session.add(row)
        session.flush()
        pipeline.queue.enqueue(session, row.id)
        session.commit()
    return row


def claim(pipeline: CallPipeline) -> ClaimedJob:
    job = pipeline.queue.claim_next("test")
    pipeline.queue.mark(job, JobState.REDACTING)
    return job


def run_step(pipeline: CallPipeline, call: dict, row: Call, settings: Settings) -> PipelineContext:
    transcript, redacted = script_results(call)
    context = PipelineContext(job=claim(pipeline),
                              call_id=row.id, channels=call["channels"], audio_blob_key=row.audio_blob_key,
                              audio_sha256=row.audio_sha256, transcript=transcript, redacted=redacted)
    with pipeline.decrypted_audio(context):
        RedactedAudioStep.from_settings(settings)(pipeline, context)
    return context


def assert_turn_ranges(call: dict, ranges: list[tuple[float, float]], padding_s: float = 0.15) -> None:
    """Each PII turn (one timed word each, the script's turn times) is muted from its start, padded
    (a name's range also takes up to `DEFAULT_PAUSE_REACH_S` of the silence before it), until the speakers' voices in the recording have stopped: the range may end before the turn's
    scripted end (the step follows the voice; the script counts the silence after it), but
    nothing after the range's end, up to the padded turn end, is louder than the recording's
    quiet (2 % of its peak)."""
    info, samples = decode_pcm(SAMPLES / call["file"])
    quiet = 0.02 * np.abs(samples).max()
    pii_turns = sorted({p["turn"] for p in call["pii"]})
    assert len(ranges) == len(pii_turns)
    for index, (start, end) in zip(pii_turns, ranges):
        turn = call["turns"][index]
        padded_start = max(0.0, round(turn["start"] - padding_s, 3))
        assert padded_start - DEFAULT_PAUSE_REACH_S - 0.001 <= start <= padded_start
        head = samples[:, math.floor(start * info.sample_rate):math.ceil(padded_start * info.sample_rate)]
        assert head.size == 0 or np.abs(head).max() <= quiet, f"turn {index}: voice muted before the range"
        assert turn["start"] < end <= round(turn["end"] + padding_s, 3)
        tail = samples[:, math.ceil(end * info.sample_rate):math.floor((turn["end"] + padding_s) * info.sample_rate)]
        assert tail.size == 0 or np.abs(tail).max() <= quiet, f"turn {index}: voice left after the range"
