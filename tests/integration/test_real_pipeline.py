"""The fast integration tier: a short real clip through `CallPipeline.process` with the real models.

Part of the fast tier on purpose: the models load once per session (`real_engines`, ~10-20 s)
and the clip is 12 s of call02 (the operator asks for the card number, the caller reads it
out), so nothing here is given in place of a model output. What was stored is checked by time
(tests/leaks.py): every word heard over the scripted card number is covered by a stored
finding, the redacted copy is silent or toned over it and so is the retained raw audio, while
the operator's question stays audible (so the measurement can tell). A recording altered after upload must fail the job for
good with `audio_integrity` (or `audio_key_unavailable`, sealed with a key not installed), before
any model sees it.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np
import pytest

from redactor.store.models import Call

from audio_files import write_audio
from leaks import SILENT_DBFS, audible_spans, decode, scripted_spans, speech_level_dbfs, surviving_words
from real_calls import accept, outcome, process_call, run_next_job, serve

CLIP_SAMPLE, CLIP_START, CLIP_END = "call02", 30.0, 42.3  # the card question (turn 4) and the card (turn 5)


@pytest.fixture
def service(runtime, real_engines):
    return runtime, serve(runtime, real_engines)


@pytest.fixture(scope="module")
def clip(sample_calls, tmp_path_factory) -> tuple[Path, dict, list]:
    """(a 16-bit WAV of the clip, its calls.json entry, its PII spans in clip time)."""
    sample = next(c for c in sample_calls if c["id"] == CLIP_SAMPLE)
    samples, rate = decode(sample["path"])
    cut = samples[:, int(CLIP_START * rate):int(CLIP_END * rate)]
    path = write_audio(tmp_path_factory.mktemp("clip") / "clip.wav",
                       np.round(np.clip(cut, -1, 1) * 32767).astype(np.int16), rate, "wav", "pcm_s16le")
    spans = [s for s in scripted_spans(sample, offset=-CLIP_START) if 0 <= s.start and s.end <= CLIP_END - CLIP_START]
    assert [s.type for s in spans] == ["CREDIT_CARD"], spans
    return path, sample, spans


def test_a_real_clip_is_redacted_by_time_in_text_and_audio(service, clip):
    runtime, heard = service
    path, sample, spans = clip
    call = process_call(runtime, heard, path, channels=sample["channels"], external_id="clip")
    assert (call.status, call.job_state, call.job_attempts) == ("done", "done", 1), call.status_reason
    assert call.heard and call.findings

    assert surviving_words(call.heard, call.findings, spans) == []
    redacted, rate = decode(call.redacted_audio)
    assert audible_spans(redacted, rate, spans) == []
    raw, raw_rate = decode(call.raw_audio)
    assert audible_spans(raw, raw_rate, spans) == []
    # The operator's card question is speech in both: the measurement can tell.
    question_start, question_end = 0.5, spans[0].start - 1.0
    assert speech_level_dbfs(redacted, rate, question_start, question_end) > SILENT_DBFS + 20
    assert speech_level_dbfs(raw, raw_rate, question_start, question_end) > SILENT_DBFS + 20
    # The clip is stereo with the operator on the right: each party's words keep their speaker.
    assert main_speaker(call.heard, question_start, question_end) == "operator"
    assert main_speaker(call.heard, spans[0].start, spans[0].end) == "caller"


def main_speaker(turns, start: float, end: float) -> str:
    """The speaker of the turns that overlap [start, end] the longest in all."""
    overlap: dict[str, float] = {}
    for turn in turns:
        overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + max(0.0, min(turn.end, end) - max(turn.start, start))
    return max(overlap, key=overlap.get)


def flip_a_ciphertext_byte(runtime, call_id: str, key: str, path: Path) -> None:
    blob = runtime.blobs.path_of(key)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))


def store_another_recording(runtime, call_id: str, key: str, path: Path) -> None:
    """A validly encrypted blob that is not the recording the call was uploaded with."""
    other = runtime.blobs.put(io.BytesIO(path.read_bytes()[: len(path.read_bytes()) // 2]))
    with runtime.db.session() as session:
        session.get(Call, call_id).audio_blob_key = other.key  # its sha256 still says the original
        session.commit()


def seal_with_a_key_not_installed(runtime, call_id: str, key: str, path: Path) -> None:
    """The very recording, sealed with an audio key this service does not hold (a retired key
    removed before the rotation finished): not the audio's fault, and said so."""
    from redactor.blobstore import EncryptedFileBlobStore

    other = EncryptedFileBlobStore(runtime.blobs.root, os.urandom(32)).put(path)
    with runtime.db.session() as session:
        session.get(Call, call_id).audio_blob_key = other.key
        session.commit()


@pytest.mark.local_blobs_only("flips a byte of the blob file through its local path; the same tampering with S3 "
                              "objects is detected at the store: tests/service/test_blobstore.py")
@pytest.mark.parametrize("tamper, reason", [(flip_a_ciphertext_byte, "audio_integrity"),
                                            (store_another_recording, "audio_integrity"),
                                            (seal_with_a_key_not_installed, "audio_key_unavailable")])
def test_an_altered_recording_fails_its_job_for_good(service, clip, tamper, reason):
    runtime, heard = service
    path, sample, _ = clip
    call_id = accept(runtime, path, channels=sample["channels"], external_id=f"tampered-{tamper.__name__}")
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        key, sha256 = call.audio_blob_key, call.audio_sha256
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    tamper(runtime, call_id, key, path)

    run_next_job(runtime)

    call = outcome(runtime, call_id, heard)
    assert (call.status, call.status_reason) == ("failed", reason)
    assert (call.job_state, call.job_attempts) == ("failed", 1)  # not retried: it would never get better
    assert call.heard is None and call.findings == [] and call.redacted_audio is None
    assert runtime.queue.claim_next("tests") is None
    assert [p for p in runtime.work_dir.rglob("*") if p.is_file()] == []  # the decrypted attempt is gone
