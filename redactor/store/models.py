"""The tables of redactor (SQLAlchemy 2 declarative models).

What is stored, and what is deliberately not:
- `calls`: metadata only. The caller's number is never stored, only `caller_hash` (keyed
  HMAC of its E.164 form, see redactor.identity). Raw audio lives encrypted in the blob store;
  the row holds its blob key and sha256.
- `transcripts` / `transcript_turns`: the REDACTED transcript only. The raw transcript never
  reaches the database (it lives in the worker's memory, see redactor.service.pipeline).
- `findings`: what was redacted where (type, turn, offsets), never the value.
- `api_keys`: a sha256 of each key's secret, never the secret.
- `audit_events`: append-only, hash-chained (see redactor.audit).

Every change to these models needs a new Alembic revision in `redactor/store/migrations`
(tests/service/test_foundation.py fails when models and migrations disagree). A column holding
blob keys must be declared in `redactor.retention.orphans.BLOB_KEY_COLUMNS`, or the orphan
sweep cannot see its blobs (tests/service/test_blob_references.py fails).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from redactor.store.types import UtcDateTime, utcnow


class Base(DeclarativeBase):
    pass


class CallStatus(StrEnum):
    """Where a call stands (`calls.status`): the state of its job, which the job queue mirrors
    here, or `consent_blocked` (kept as a metadata stub, never processed)."""

    QUEUED = "queued"
    TRANSCRIBING = "transcribing"
    REDACTING = "redacting"
    DONE = "done"
    FAILED = "failed"
    CONSENT_BLOCKED = "consent_blocked"


IN_PROGRESS_STATUSES = frozenset({CallStatus.QUEUED, CallStatus.TRANSCRIBING, CallStatus.REDACTING})
UNFINISHED_JOB_STATES_SQL = "state IN ('queued', 'transcribing', 'redacting')"


class Call(Base):
    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200))  # idempotency key, per uploading key
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    operator_id: Mapped[str] = mapped_column(String(100), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    channels: Mapped[str] = mapped_column(String(32))
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    consent_state: Mapped[str] = mapped_column(String(16))
    consent_method: Mapped[str | None] = mapped_column(String(64))
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(32), index=True)  # a CallStatus
    status_reason: Mapped[str | None] = mapped_column(String(64))  # failure / block reason code
    audio_blob_key: Mapped[str | None] = mapped_column(String(64))
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    audio_bytes: Mapped[int | None] = mapped_column(Integer)
    audio_duration: Mapped[float | None] = mapped_column(Float)
    audio_channels: Mapped[int | None] = mapped_column(Integer)
    audio_codec: Mapped[str | None] = mapped_column(String(32))
    uploaded_by_key_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    transcript: Mapped[Transcript | None] = relationship(
        back_populates="call", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_calls_started_at_id", "started_at", "id"),
                      UniqueConstraint("uploaded_by_key_id", "external_id", name="uq_calls_uploader_external_id"))


class Transcript(Base):
    """One redacted transcript per processed call, with how it was made."""

    __tablename__ = "transcripts"

    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(16))
    duration: Mapped[float | None] = mapped_column(Float)
    options_json: Mapped[str] = mapped_column(Text, default="{}")  # ASR + redaction options, no text
    # Seconds replaced by tone/silence in the redacted audio (redactor.audio_redaction.records).
    redacted_ranges_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="transcript")
    turns: Mapped[list[TranscriptTurn]] = relationship(
        order_by="TranscriptTurn.idx", cascade="all, delete-orphan", passive_deletes=True
    )
    findings: Mapped[list[Finding]] = relationship(
        order_by="Finding.id", cascade="all, delete-orphan", passive_deletes=True
    )


class TranscriptTurn(Base):
    """A turn of a redacted transcript. Its id is also its rowid in the full-text index."""

    __tablename__ = "transcript_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("transcripts.call_id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)  # redacted text

    __table_args__ = (UniqueConstraint("call_id", "idx", name="uq_transcript_turns_call_idx"),)


class Finding(Base):
    """A redacted entity: its type and where it was (offsets into the turn's original text)."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("transcripts.call_id", ondelete="CASCADE"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_findings_type_call", "type", "call_id"),)


class RedactedAudio(Base):
    """The redacted copy of a call's audio (tone or silence over every PII range) in the blob store.

    Written by redactor.service.redacted_audio_step; its blob has its own retention limit.
    """

    __tablename__ = "redacted_audio"

    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    blob_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    fill: Mapped[str] = mapped_column(String(16))  # tone | silence
    duration: Mapped[float] = mapped_column(Float)
    range_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Job(Base):
    """A persisted unit of work: queued -> transcribing -> redacting -> done | failed."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # Fencing (redactor.jobs.queue): each claim gets a new token; a worker's every write names it,
    # so a worker whose lease expired (and whose job another worker took) can change nothing.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the lease; renewed while working
    last_error: Mapped[str | None] = mapped_column(String(64))  # a code, never a message
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_jobs_state_next", "state", "next_attempt_at"),
        # At most one unfinished job per call, so two workers never process one call at once.
        Index("uq_jobs_one_unfinished_per_call", "call_id", unique=True,
              sqlite_where=text(UNFINISHED_JOB_STATES_SQL), postgresql_where=text(UNFINISHED_JOB_STATES_SQL)),
    )


class ScheduledRun(Base):
    """One row per periodic task and interval: the process that inserts it runs the task for that
    interval, every other process finds the row and skips (redactor.service.scheduler)."""

    __tablename__ = "scheduled_runs"

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(200))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEvent(Base):
    """Append-only, hash-chained. `time` is text so the hashed form never depends on a driver."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(64), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    actor_key_id: Mapped[str | None] = mapped_column(String(32))
    call_id: Mapped[str | None] = mapped_column(String(36), index=True)  # no FK: outlives the call
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, never personal data
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ConsentPolicy(Base):
    """Which consent states allow processing (one row, id 1; absent means the default)."""

    __tablename__ = "consent_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    allowed_states: Mapped[str] = mapped_column(Text)  # JSON list
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_key_id: Mapped[str | None] = mapped_column(String(32))
