"""The `privacy_requests` records: creating, listing, and the request body's validation."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from redactor import audit
from redactor.store.retention_tables import PrivacyRequest


class RequestType(StrEnum):
    DISCLOSURE = "disclosure"
    DELETION = "deletion"


class VerificationMethod(StrEnum):
    """How the requester's identity was verified (free details go in the short note)."""

    CALLBACK = "callback"  # called back on the number on file
    ACCOUNT_LOGIN = "account_login"
    IDENTITY_DOCUMENT = "identity_document"
    IN_PERSON = "in_person"
    POSTAL = "postal"
    OTHER = "other"


def create_request(session: Session, *, type: str, caller_hash: str, verification_method: str,
                   verification_note: str | None, calls_found: int, calls_held: int, actor: audit.Actor,
                   now: datetime, status: str, request_id: str | None = None,
                   package_sha256: str | None = None, package_bytes: int | None = None) -> PrivacyRequest:
    """Insert the record and its `privacy_request.received` event; the caller commits.

    The note (free text) is kept only with the caller hash that lets the caller's deletion
    request erase it (`forget_notes_of_caller`); the audit event holds the method code only.
    """
    request = PrivacyRequest(id=request_id or str(uuid.uuid4()), type=type, package_sha256=package_sha256,
                             package_bytes=package_bytes, status=status,
                             verification_method=verification_method, verification_note=verification_note,
                             caller_hash=caller_hash if verification_note else None,
                             calls_found=calls_found, calls_held=calls_held,
                             requested_by_key_id=actor.key_id, created_at=now,
                             completed_at=now if status == "completed" else None)
    session.add(request)
    session.flush()
    audit.record(session, type="privacy_request.received", actor=actor, now=now,
                 details={"request_id": request.id, "type": type, "verification_method": verification_method,
                          "calls_found": calls_found, "calls_held": calls_held})
    return request


def forget_notes_of_caller(session: Session, caller_hash: str) -> None:
    """Erase the verification notes (and their caller hash) of every request of the caller."""
    session.execute(update(PrivacyRequest).where(PrivacyRequest.caller_hash == caller_hash)
                    .values(verification_note=None, caller_hash=None))


def list_requests(session: Session, *, limit: int = 100) -> list[PrivacyRequest]:
    """Newest first."""
    return list(session.execute(select(PrivacyRequest).order_by(PrivacyRequest.created_at.desc(),
                                                                PrivacyRequest.id).limit(limit)).scalars())
