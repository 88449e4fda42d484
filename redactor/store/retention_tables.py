"""The tables of retention, legal holds, contract ends, pending deletions and privacy requests.

They live on `redactor.store.models.Base` (registered whenever `redactor.store` is imported, see
its `__init__`) and are created by the Alembic revision `0003_retention`. Nothing here holds personal data: callers
appear only as the keyed caller hash (`contract_ends`), free-text fields are short notes the
privacy manager writes (never copied into the audit log).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redactor.store.models import Base
from redactor.store.types import UtcDateTime, utcnow


class RetentionPolicyRow(Base):
    """The retention policy (one row, id 1; absent means the defaults)."""

    __tablename__ = "retention_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    policy_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_key_id: Mapped[str | None] = mapped_column(String(32))


class LegalHold(Base):
    """A legal hold on a call: while `released_at` is NULL nothing of the call is purged."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: a deletion request removes released holds together with the call.
    call_id: Mapped[str] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    placed_by_key_id: Mapped[str | None] = mapped_column(String(32))
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_by_key_id: Mapped[str | None] = mapped_column(String(32))


class ContractEnd(Base):
    """The end date of a caller's service contract, keyed by the caller hash (never the number)."""

    __tablename__ = "contract_ends"

    caller_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_key_id: Mapped[str | None] = mapped_column(String(32))


class PendingBlobDeletion(Base):
    """A blob whose reference was already removed and whose file is being deleted.

    Written in the same transaction that unlinks the blob from its call; removed (with the audit
    event) once the file is gone. A crash in between leaves this row, and the next purge
    finishes the job: the blob is never orphaned and no row ever points at a missing file.
    """

    __tablename__ = "pending_blob_deletions"

    blob_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(36), index=True)
    artifact: Mapped[str] = mapped_column(String(32))  # raw_audio | redacted_audio
    reason: Mapped[str] = mapped_column(String(32))  # retention_limit | consent_withdrawn | deletion_request
    sha256: Mapped[str | None] = mapped_column(String(64))
    privacy_request_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PrivacyRequest(Base):
    """A disclosure or deletion request: what was asked and done, never who asked.

    The verification note is free text, so it is erasable: a request with a note keeps the
    keyed caller hash beside it, and the caller's deletion request clears both (and keeps no
    note of its own); the rest of the row is codes, counts and ids.
    """

    __tablename__ = "privacy_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))  # disclosure | deletion
    status: Mapped[str] = mapped_column(String(16))  # in_progress | completed
    verification_method: Mapped[str] = mapped_column(String(32))
    verification_note: Mapped[str | None] = mapped_column(String(200))
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # only beside a note
    calls_found: Mapped[int] = mapped_column(Integer, default=0)
    calls_held: Mapped[int] = mapped_column(Integer, default=0)  # not erased: under a legal hold
    package_sha256: Mapped[str | None] = mapped_column(String(64))  # disclosure ZIP
    package_bytes: Mapped[int | None] = mapped_column(Integer)
    requested_by_key_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_privacy_requests_created", "created_at"),)
