"""RedactedAudioStep against the real database, blob store and pipeline, on committed samples."""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pytest
from sqlalchemy import select

from redactor import audit
from redactor.audio_redaction import decode_pcm
from redactor.audio_redaction.records import get_redacted_audio, public_ranges
from redactor.blobstore import EncryptedFileBlobStore
from redactor.config import Settings
from redactor.jobs.states import JobCancelledError
from redactor.service.pipeline import PipelineContext
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.store.models import AuditEvent, Call
from redactor.store.transcripts import get_transcript

from service.pipeline_helpers import script_results

from audio_redaction.service_helpers import (CALLS, CARD_TYPES, SAMPLES, add_call, assert_turn_ranges, claim,
                                             make_pipeline, run_step)


@pytest.fixture()
def service(tmp_path):
    pipeline = make_pipeline(tmp_path)
    yield pipeline
    pipeline.db.dispose()


def decrypt(pipeline, key: str) -> bytes:
    return b"".join(pipeline.blobs.iter_chunks(key))


@pytest.mark.parametrize("call_id", ["call02", "call04"])
def test_step_records_redacted_audio_and_scrubs_card_data(service, call_id):
    pipeline, call = service, CALLS[call_id]
    row = add_call(pipeline, call)
    settings = Settings(redaction_fill="tone")
    context = run_step(pipeline, call, row, settings)
    has_cards = any(p["type"] in CARD_TYPES for p in call["pii"])

    with pipeline.db.read_session() as session:
        stored_call = session.get(Call, row.id)
        artifact = get_redacted_audio(session=session, call_id=row.id)
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        assert audit.verify_chain(session) == []
    # the redacted copy: encrypted, recorded, FLAC with the tone over every PII turn
    flac = decrypt(pipeline, artifact.blob_key)
    assert (artifact.media_type, artifact.fill) == ("audio/flac", "tone")
    assert artifact.range_count == len({p["turn"] for p in call["pii"]})  # one word per turn: the whole turn
    info, redacted = decode_pcm(io.BytesIO(flac))
    assert info.sample_rate == call["sample_rate"]
    assert abs(redacted.shape[1] / info.sample_rate - call["duration"]) < 0.1
    for pii in call["pii"]:
        turn = call["turns"][pii["turn"]]
        lo, hi = math.ceil(turn["start"] * info.sample_rate), math.floor(turn["end"] * info.sample_rate)
        segment = redacted[0, lo:hi].astype(np.float64)
        spectrum = np.abs(np.fft.rfft(segment)) ** 2
        freqs = np.fft.rfftfreq(segment.size, 1 / info.sample_rate)
        assert spectrum[np.abs(freqs - 1000) <= 30].sum() / spectrum.sum() > 0.99
    assert [e.type for e in events] == (
        ["redacted_audio.created", "raw_audio.card_data_scrubbed", "artifact.purged"] if has_cards
        else ["redacted_audio.created"]
    )
    assert json.loads(context.redacted_ranges_json)  # handed to CallPipeline.store

    # the raw audio: replaced by a scrubbed blob only when the call holds card data
    if not has_cards:
        assert stored_call.audio_blob_key == row.audio_blob_key
        assert stored_call.audio_sha256 == row.audio_sha256
        return
    assert stored_call.audio_blob_key != row.audio_blob_key
    assert not pipeline.blobs.exists(row.audio_blob_key), "the unscrubbed original is deleted"
    assert pipeline.blobs.verify(stored_call.audio_blob_key).sha256 == stored_call.audio_sha256
    assert stored_call.audio_codec == "flac"  # Opus source: lossless, no second lossy encoding
    assert (context.audio_blob_key, context.audio_sha256) == (stored_call.audio_blob_key, stored_call.audio_sha256)
    _, original = decode_pcm(SAMPLES / call["file"])
    _, scrubbed = decode_pcm(io.BytesIO(decrypt(pipeline, stored_call.audio_blob_key)))
    assert scrubbed.shape == original.shape
    card_turns = sorted({p["turn"] for p in call["pii"] if p["type"] in CARD_TYPES})
    silent = np.zeros(original.shape[1], dtype=bool)
    quiet = 0.02 * np.abs(original).max()  # the ranges end where the voice stops: the silence after may stay
    for index in card_turns:
        turn = call["turns"][index]
        lo = max(0, math.floor((turn["start"] - 0.15) * info.sample_rate))
        hi = math.ceil((turn["end"] + 0.15) * info.sample_rate)
        assert np.abs(scrubbed[:, lo:hi]).max() <= quiet, f"card data turn {index} is silent in every channel"
        silent[lo:hi] = True
    # everything else in the retained raw audio is unchanged sample for sample
    np.testing.assert_array_equal(scrubbed[:, ~silent], original[:, ~silent])
    assert [p.name for p in (pipeline.work_dir).iterdir()] == [], "no plaintext left in the work dir"


def test_ranges_are_stored_with_the_transcript(service):
    pipeline, call = service, CALLS["call01"]
    row = add_call(pipeline, call)
    context = run_step(pipeline, call, row, Settings(redaction_fill="silence"))
    pipeline.store(context)
    with pipeline.db.read_session() as session:
        ranges = public_ranges(get_transcript(session=session, call_id=row.id))
    assert_turn_ranges(call, [(r["start"], r["end"]) for r in ranges])
    assert all(set(r) == {"start", "end"} for r in ranges)


def test_a_call_deleted_meanwhile_leaves_no_blob(service):
    pipeline, call = service, CALLS["call02"]
    row = add_call(pipeline, call)
    transcript, redacted = script_results(call)
    context = PipelineContext(job=claim(pipeline),
                              call_id=row.id, channels=call["channels"], audio_blob_key=row.audio_blob_key,
                              audio_sha256=row.audio_sha256, transcript=transcript, redacted=redacted)
    with pipeline.decrypted_audio(context):
        with pipeline.db.session() as session:
            session.delete(session.get(Call, row.id))
            session.commit()
        with pytest.raises(JobCancelledError, match="call_erased"):  # the worker stops, nothing stored
            RedactedAudioStep()(pipeline, context)
    assert list(pipeline.blobs.keys()) == [row.audio_blob_key]  # only the (to-be-purged) original


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"raw_audio_scrub_entities": ["CREDIT_CARD", "CREDITCARD"]}, "unknown entity types ['CREDITCARD']"),
        ({"redaction_fill": "beep"}, "REDACTOR_REDACTION_FILL must be one of tone, silence"),
    ],
)
def test_misconfiguration_is_refused_at_start(settings, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        RedactedAudioStep.from_settings(Settings.model_construct(**{**Settings().model_dump(), **settings}))


class FlakyDeleteBlobStore(EncryptedFileBlobStore):
    """The real store whose file deletions fail with an I/O error while `failing` is set."""

    failing = True

    def delete(self, key: str) -> bool:
        if self.failing:
            raise OSError("disk unavailable")
        return super().delete(key)


def test_a_retry_supersedes_and_failed_deletions_wait_for_the_next_purge(service):
    from redactor.retention import erase
    from redactor.store.retention_tables import PendingBlobDeletion

    pipeline, call = service, CALLS["call02"]
    row = add_call(pipeline, call)
    first = run_step(pipeline, call, row, Settings())  # the job's first attempt
    with pipeline.db.read_session() as session:
        first_redacted = get_redacted_audio(session=session, call_id=row.id).blob_key
    # a second attempt (the job was retried after a crash before storing the transcript)
    pipeline.blobs = FlakyDeleteBlobStore(pipeline.blobs.root, b"k" * 32)
    context = PipelineContext(job=first.job, call_id=row.id, channels=call["channels"],
                              audio_blob_key=first.audio_blob_key, audio_sha256=first.audio_sha256,
                              transcript=first.transcript, redacted=first.redacted)
    with pipeline.decrypted_audio(context):
        RedactedAudioStep()(pipeline, context)
    with pipeline.db.read_session() as session:
        pending = {p.blob_key: p.reason for p in session.execute(select(PendingBlobDeletion)).scalars()}
        current = get_redacted_audio(session=session, call_id=row.id).blob_key
    assert pending == {first_redacted: "superseded", first.audio_blob_key: "card_data_scrubbed"}
    assert current != first_redacted
    # the next purge finishes the deletions: only the current blobs are left, nothing orphaned
    pipeline.blobs.failing = False
    assert erase.finish_blob_deletions(pipeline.db, pipeline.blobs, actor=audit.SYSTEM) == (2, 0)
    with pipeline.db.read_session() as session:
        stored_call = session.get(Call, row.id)
        assert session.execute(select(PendingBlobDeletion)).first() is None
        assert audit.verify_chain(session) == []
    assert sorted(pipeline.blobs.keys()) == sorted([current, stored_call.audio_blob_key])
