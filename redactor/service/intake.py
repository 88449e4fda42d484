"""Accepting a call: metadata, idempotency, consent gate, encrypted audio, a queued job.

The HTTP layer streams the upload to a temp file and calls `accept_call` (in a thread). Order:
1. the same `external_id` again from the same key returns the existing call (idempotency,
   nothing stored); external ids are scoped to the uploading key, so another integration's id
   never leads to its call;
2. the caller number is hashed (never stored);
3. the consent gate: a state the policy does not allow gives a metadata stub; the audio is
   never stored and the audit log says why;
4. otherwise the audio is probed (typed errors -> 4xx), encrypted into the blob store, and the
   call, its job and the audit events are committed together. A concurrent duplicate loses on
   the unique (uploading key, `external_id`) and gets the winner's call; its blob is deleted.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from redactor import audit, consent
from redactor.blobstore import BlobRef
from redactor.consent import ConsentState
from redactor.errors import CallerNumberError, IntakeError
from redactor.service.runtime import ServiceRuntime
from redactor.store.calls import get_call_by_external_id
from redactor.store.models import Call, CallStatus

logger = logging.getLogger(__name__)


class ConsentMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ConsentState
    method: str | None = Field(None, max_length=64, description="How consent was obtained (IVR, verbal, ...).")
    recorded_at: AwareDatetime | None = None


class CallMetadata(BaseModel):
    """The `metadata` part of `POST /v1/calls`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str = Field(..., min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
                             description="The telephony call id; the idempotency key.")
    started_at: AwareDatetime = Field(..., description="ISO 8601 with a time zone.")
    operator_id: str = Field(..., min_length=1, max_length=100)
    caller_number: str | None = Field(None, max_length=40, description="Hashed, never stored.")
    direction: Literal["inbound", "outbound"]
    channels: Literal["mono", "stereo_operator_left", "stereo_operator_right"]
    consent: ConsentMetadata


@dataclass(frozen=True)
class IntakeResult:
    call: Call
    created: bool  # False: an earlier upload with the same external_id


def find_existing(runtime: ServiceRuntime, actor: audit.Actor, external_id: str) -> Call | None:
    """The call `actor`'s key uploaded as `external_id`, if any."""
    with runtime.db.read_session() as session:
        return get_call_by_external_id(session=session, uploaded_by_key_id=actor.key_id, external_id=external_id)


def consent_allows(runtime: ServiceRuntime, state: str) -> bool:
    with runtime.db.read_session() as session:
        return consent.decide(state, consent.get_allowed_states(session)).allowed


def accept_call(runtime: ServiceRuntime, *, metadata: CallMetadata, audio_path: Path | None,
                actor: audit.Actor) -> IntakeResult:
    """Store a new call (or return the one this key uploaded with the same external_id)."""
    existing = find_existing(runtime, actor, metadata.external_id)
    with runtime.db.read_session() as session:
        allowed_states = consent.get_allowed_states(session)
    if existing is not None:
        return IntakeResult(existing, created=False)

    caller_hash = None
    if metadata.caller_number:

        try:
            caller_hash = runtime.caller_hasher.hash_number(metadata.caller_number)
        except CallerNumberError as error:
            raise IntakeError(422, error.code, str(error)) from None

    decision = consent.decide(metadata.consent.state, allowed_states)
    status = CallStatus.QUEUED if decision.allowed else CallStatus.CONSENT_BLOCKED

    blob: BlobRef | None = None
    info = None
    if decision.allowed:
        if audio_path is None:
            raise IntakeError(422, "audio_missing", "the multipart part `audio` is missing; "
                              "send the recording as a file part named audio")
        info = _probe(audio_path, max_seconds=runtime.settings.max_audio_seconds)
        if metadata.channels != "mono" and info.channels != 2:
            raise IntakeError(422, "audio_channel_layout",
                              f"channels is {metadata.channels} but the recording has {info.channels} "
                              "channel(s); send channels=mono or a two-channel recording")
        blob = runtime.blobs.put(audio_path)

    call = Call(
        id=str(uuid.uuid4()),
        external_id=metadata.external_id,
        started_at=metadata.started_at,
        operator_id=metadata.operator_id,
        direction=metadata.direction,
        channels=metadata.channels,
        caller_hash=caller_hash,
        consent_state=metadata.consent.state.value,
        consent_method=metadata.consent.method,
        consent_recorded_at=metadata.consent.recorded_at,
        status=status,
        status_reason=None if decision.allowed else decision.reason,
        audio_blob_key=blob.key if blob else None,
        audio_sha256=blob.sha256 if blob else None,
        audio_bytes=blob.size if blob else None,
        audio_duration=info.duration if info else None,
        audio_channels=info.channels if info else None,
        audio_codec=info.codec if info else None,
        uploaded_by_key_id=actor.key_id,
    )
    try:
        with runtime.db.session() as session:
            session.add(call)
            session.flush()
            audit.record(session, type="consent.gate", actor=actor, call_id=call.id,
                         details={"state": decision.state, "allowed": decision.allowed,
                                  "reason": decision.reason})
            audit.record(session, type="call.uploaded", actor=actor, call_id=call.id,
                         details={"audio_stored": blob is not None, "audio_sha256": blob.sha256 if blob else None,
                                  "audio_bytes": blob.size if blob else None})
            if decision.allowed:
                runtime.queue.enqueue(session, call.id)
            session.commit()
    except IntegrityError:
        # Another upload with the same external_id committed first: theirs is the call.
        if blob is not None:
            runtime.blobs.delete(blob.key)
        existing = find_existing(runtime, actor, metadata.external_id)
        if existing is None:
            raise
        return IntakeResult(existing, created=False)
    except BaseException:
        if blob is not None:
            runtime.blobs.delete(blob.key)
        raise
    runtime.metrics.uploads.labels(outcome=status.value).inc()
    if decision.allowed:
        runtime.queue.notify()
    return IntakeResult(call, created=True)


def _probe(path: Path, *, max_seconds: int):
    from redactor.transcribe import AudioError, probe_audio

    try:
        return probe_audio(path, max_seconds=max_seconds)
    except AudioError as error:
        status = 415 if error.code == "audio_unreadable" else 422
        raise IntakeError(status, error.code, _audio_message(error.code, max_seconds)) from None


def _audio_message(code: str, max_seconds: int) -> str:
    return {
        "audio_too_long": f"the recording is longer than {max_seconds} s (REDACTOR_MAX_AUDIO_SECONDS); split it "
                          "or raise the limit",
        "audio_empty": "the audio part holds no audio samples; send a non-empty recording",
        "audio_unreadable": "the audio part is not a readable recording; send WAV, FLAC, Ogg/Opus, MP3 or M4A",
        "audio_truncated": "the audio part is cut short (the file ends before its declared length); upload it again",
    }.get(code, f"the audio part was refused ({code})")


def open_raw_audio(runtime: ServiceRuntime, *, call_id: str, actor: audit.Actor):
    """Audit the access, then return (call, chunk iterator). Raises IntakeError 404 if gone."""
    with runtime.db.session() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise IntakeError(404, "call_not_found", f"no call {call_id}; list calls with GET /v1/calls")
        if not call.audio_blob_key or not runtime.blobs.exists(call.audio_blob_key):
            raise IntakeError(404, "audio_not_retained",
                              f"call {call_id} has no raw audio (not stored by the consent gate, or purged)")
        audit.record(session, type="raw_audio.accessed", actor=actor, call_id=call_id,
                     details={"audio_sha256": call.audio_sha256})
        session.commit()
    return call, runtime.blobs.iter_chunks(call.audio_blob_key)
