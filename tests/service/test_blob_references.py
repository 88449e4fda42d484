"""Every column that holds blob keys is declared in BLOB_KEY_COLUMNS (or the orphan sweep,
at server start and in every purge, would delete blobs that rows still point at).

Two checks: a column whose name mentions "blob" must be declared, and in a database populated
through the real writers (upload, the redacted-audio step with its card-data scrub, an erase
cut short by a crash) no undeclared column may hold the key of a blob on disk.
"""

from __future__ import annotations

import json

import pytest

from redactor import audit
from redactor.jobs.states import JobState
from redactor.retention import erase, orphans
from redactor.service.pipeline import CallPipeline, PipelineContext
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.store.models import Base, Call, RedactedAudio
from redactor.store.types import utcnow

from .pipeline_helpers import SAMPLES, sample_with_card_data, script_results


@pytest.fixture
def populated(client, auth, call_metadata):
    """The app's runtime after: two uploads, one processed by the real step (redacted audio,
    scrubbed raw audio), the other's raw audio unlinked by an erase that crashed before
    deleting its file (a pending deletion)."""
    runtime = client.app.state.runtime
    sample = sample_with_card_data()
    ids = []
    for n in (1, 2):
        metadata = call_metadata(f"tel-blobs-{n}", channels=sample["channels"])
        response = client.post("/v1/calls", headers=auth("telephony"), files=[
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("audio", ("a", (SAMPLES / sample["file"]).read_bytes(), "audio/ogg"))])
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])

    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=None,
                            call_redactor=None, work_dir=runtime.work_dir)
    job = runtime.queue.claim_next("test")
    runtime.queue.mark(job, JobState.REDACTING)
    with runtime.db.read_session() as session:
        call = session.get(Call, job.call_id)
    transcript, redacted = script_results(sample)
    context = PipelineContext(job=job, call_id=call.id, channels=call.channels, audio_blob_key=call.audio_blob_key,
                              audio_sha256=call.audio_sha256, transcript=transcript, redacted=redacted)
    with pipeline.decrypted_audio(context):
        RedactedAudioStep()(pipeline, context)
    pipeline.store(context)

    other = next(i for i in ids if i != job.call_id)
    with runtime.db.session() as session:  # step 1 of an erase; the process dies before step 2
        erase.unlink_raw_audio(session, session.get(Call, other), reason="retention_limit", now=utcnow())
        session.commit()
    with runtime.db.read_session() as session:
        assert session.get(RedactedAudio, job.call_id) is not None
        assert session.get(Call, job.call_id).audio_blob_key != call.audio_blob_key  # scrubbed copy
    return runtime


def test_columns_named_blob_are_declared():
    named = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns if "blob" in c.name}
    assert named - orphans.declared_columns() == set(), (
        "declare these blob-key columns in redactor.retention.orphans.BLOB_KEY_COLUMNS")


def test_no_undeclared_column_holds_a_blob_key(populated):
    on_disk = set(populated.blobs.keys())
    assert len(on_disk) == 3  # scrubbed raw audio + redacted audio of one call, a pending deletion's file
    with populated.db.read_session() as session:
        assert orphans.undeclared_references(session, on_disk) == {}, (
            "these columns hold blob keys: declare them in redactor.retention.orphans.BLOB_KEY_COLUMNS")
        assert orphans.referenced_blob_keys(session) == on_disk


def test_an_undeclared_column_is_caught_and_its_blobs_kept(populated, monkeypatch, caplog, orphan_grace_passed):
    """The check above can fail, and the sweep itself refuses to delete what it cannot account for."""
    monkeypatch.setattr(orphans, "BLOB_KEY_COLUMNS", tuple(
        c for c in orphans.BLOB_KEY_COLUMNS if c is not RedactedAudio.blob_key))
    orphan_grace_passed()  # every blob looks old enough to sweep
    with populated.db.read_session() as session:
        redacted_key = session.query(RedactedAudio.blob_key).scalar()
        found = orphans.undeclared_references(session, set(populated.blobs.keys()))
    assert found == {"redacted_audio.blob_key": {redacted_key}}
    assert orphans.sweep_orphan_blobs(populated.db, populated.blobs, actor=audit.SYSTEM) == 0
    assert populated.blobs.exists(redacted_key)
    assert "redacted_audio.blob_key" in caplog.text
