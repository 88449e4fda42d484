"""Response bodies (pydantic) so /openapi.json describes every endpoint."""

from __future__ import annotations

from datetime import datetime

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redactor.store.models import Call, CallStatus
from redactor.values import refuse_nul


class RequestBody(BaseModel):
    """The base of every JSON request body: unknown fields are refused, and so is a NUL character
    in any string of it, however nested (`redactor.values`: PostgreSQL cannot store one)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        _refuse_nul_within(value)
        return value


def _refuse_nul_within(value: Any) -> None:
    if isinstance(value, str):
        refuse_nul(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _refuse_nul_within(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul_within(key)
            _refuse_nul_within(item)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES = {status: {"model": ErrorBody} for status in (401, 403, 404, 413, 415, 422)}


class CallAccepted(BaseModel):
    id: str
    status: CallStatus


class ConsentOut(BaseModel):
    state: str
    method: str | None
    recorded_at: datetime | None


class AudioOut(BaseModel):
    retained: bool
    sha256: str | None
    bytes: int | None
    duration: float | None
    channels: int | None
    codec: str | None


class CallOut(BaseModel):
    """A call's status and metadata; no personal data (the caller number is not even stored)."""

    id: str
    external_id: str
    status: CallStatus
    status_reason: str | None
    started_at: datetime
    operator_id: str
    direction: str
    channels: str
    consent: ConsentOut
    audio: AudioOut
    entity_types: list[str] = Field(default_factory=list)
    created_at: datetime
    processed_at: datetime | None

    @classmethod
    def of(cls, call: Call, entity_types: list[str] | None = None) -> CallOut:
        return cls(
            id=call.id, external_id=call.external_id, status=call.status, status_reason=call.status_reason,
            started_at=call.started_at, operator_id=call.operator_id, direction=call.direction,
            channels=call.channels,
            consent=ConsentOut(state=call.consent_state, method=call.consent_method,
                               recorded_at=call.consent_recorded_at),
            audio=AudioOut(retained=call.audio_blob_key is not None, sha256=call.audio_sha256,
                           bytes=call.audio_bytes, duration=call.audio_duration,
                           channels=call.audio_channels, codec=call.audio_codec),
            entity_types=entity_types or [], created_at=call.created_at, processed_at=call.processed_at,
        )


class CallList(BaseModel):
    calls: list[CallOut]
    next_cursor: str | None


class TurnOut(BaseModel):
    speaker: str
    start: float
    end: float
    text: str


class EntityOut(BaseModel):
    type: str
    turn: int
    start: int
    end: int


class RedactedRangeOut(BaseModel):
    """Seconds of the redacted audio replaced by tone or silence (for the UI's timeline)."""

    start: float
    end: float | None


class TranscriptOut(BaseModel):
    call_id: str
    language: str | None
    duration: float | None
    turns: list[TurnOut]
    entities: list[EntityOut]
    redacted_ranges: list[RedactedRangeOut] = []


class SearchHitOut(BaseModel):
    call_id: str
    turn: int
    speaker: str
    start: float
    end: float
    text: str
    highlights: list[tuple[int, int]]


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHitOut]
    next_offset: int | None


class ConsentPolicyOut(BaseModel):
    allowed_states: list[str]


class ConsentPolicyIn(RequestBody):
    allowed_states: list[str]


class ApiKeyOut(BaseModel):
    key_id: str
    role: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreateIn(RequestBody):
    role: str
    label: str | None = Field(None, max_length=200)


class ApiKeyCreated(BaseModel):
    key_id: str
    role: str
    key: str = Field(..., description="Shown once; only a hash is stored.")
