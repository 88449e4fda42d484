"""Building calls for retention tests with the real store, blob store and caller hasher."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from redactor.audio_redaction.records import save_redacted_audio
from redactor.store.models import Call, RedactedAudio, Transcript
from redactor.store.retention_tables import PendingBlobDeletion
from redactor.store.transcripts import FindingRecord, TurnRecord, save_transcript

T0 = datetime(2026, 1, 10, 9, 30, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
# A redacted turn that marks what the database holds of a call (greppable, not personal data).
MARKER_TEXT = "お問い合わせ番号はマーカー{n}です。お名前は<PERSON>様ですね。"


def command_environment(runtime) -> dict[str, str | None]:
    """The settings a command run beside `runtime` needs (CliRunner's `env`: None unsets): its
    database (None: SQLite in its data dir), its blob store (None: local files in its data dir)
    and, in cluster mode, the keys folder it was given."""
    settings = runtime.settings
    env = {"REDACTOR_DATABASE_URL": settings.database_url, "REDACTOR_BLOB_STORE_URL": settings.blob_store_url}
    if settings.keys_dir is not None:
        env["REDACTOR_KEYS_DIR"] = str(settings.keys_dir)
    return env


def add_call(runtime, *, started_at: datetime = T0, caller_number: str | None = "090-1234-5678",
             operator_id: str = "op-17", direction: str = "inbound", transcript: bool = True,
             redacted_audio: bool = True, audio: bytes | None = None, marker: str | None = None,
             uploaded_by_key_id: str | None = None) -> str:
    """A processed call: encrypted raw audio, a redacted transcript, redacted audio. Returns its id.

    A telephony key reaches only the calls it uploaded: pass its id to act on the call with it."""
    call_id = str(uuid.uuid4())
    raw = runtime.blobs.put(io.BytesIO(audio or f"raw audio of {call_id}".encode()))
    with runtime.db.session() as session:
        session.add(Call(
            id=call_id, external_id=f"ext-{call_id[:8]}", started_at=started_at, operator_id=operator_id,
            direction=direction, channels="mono",
            caller_hash=runtime.caller_hasher.hash_number(caller_number) if caller_number else None,
            consent_state="granted", status="done", audio_blob_key=raw.key, audio_sha256=raw.sha256,
            audio_bytes=raw.size, audio_codec="opus", uploaded_by_key_id=uploaded_by_key_id))
        session.flush()
        if transcript:
            text = MARKER_TEXT.format(n=marker or call_id[:8])
            save_transcript(session=session, call_id=call_id, turns=[TurnRecord("caller", 0.0, 2.0, text)],
                            findings=[FindingRecord("PERSON", 0, 20, 28)], language="ja", duration=2.0)
        if redacted_audio:
            ref = runtime.blobs.put(io.BytesIO(f"redacted audio of {call_id}".encode()))
            save_redacted_audio(session=session, call_id=call_id, blob_key=ref.key, sha256=ref.sha256,
                                size=ref.size, media_type="audio/flac", fill="tone", duration=2.0, range_count=1)
        session.commit()
    return call_id


def artifacts_of(runtime, call_id: str) -> set[str]:
    """Which artifacts of `call_id` exist now (checking the files too)."""
    present = set()
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        if call is not None and call.audio_blob_key and runtime.blobs.exists(call.audio_blob_key):
            present.add("raw_audio")
        if session.get(Transcript, call_id) is not None:
            present.add("redacted_transcript")
        row = session.get(RedactedAudio, call_id)
        if row is not None and runtime.blobs.exists(row.blob_key):
            present.add("redacted_audio")
    return present


def blob_state(runtime) -> tuple[set[str], set[str], set[str]]:
    """(files on disk, blob keys rows point at, blob keys waiting in pending_blob_deletions)."""
    with runtime.db.read_session() as session:
        referenced = {k for k in session.execute(select(Call.audio_blob_key)).scalars() if k}
        referenced |= set(session.execute(select(RedactedAudio.blob_key)).scalars())
        pending = set(session.execute(select(PendingBlobDeletion.blob_key)).scalars())
    return set(runtime.blobs.keys()), referenced, pending


def assert_consistent(runtime, *, settled: bool = True) -> None:
    """No row points at a missing file; every file is referenced or scheduled for deletion."""
    files, referenced, pending = blob_state(runtime)
    assert referenced <= files, f"rows point at missing files: {referenced - files}"
    assert files <= referenced | pending, f"orphan files: {files - referenced - pending}"
    if settled:
        assert not pending, f"deletions left half done: {pending}"
        assert files == referenced
