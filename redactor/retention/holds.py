"""Legal holds: while a call is held, nothing of it is purged or erased.

A hold carries a reason (a short note such as a case number; it stays in `legal_holds`, the
audit log records only its sha256). Releasing a hold lets the next purge take whatever expired
meanwhile. One active hold per call; released holds stay as history.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import HoldError
from redactor.store.calls import lock_call
from redactor.store.retention_tables import LegalHold


def active_hold(session: Session, call_id: str) -> LegalHold | None:
    return session.execute(select(LegalHold).where(LegalHold.call_id == call_id,
                                                   LegalHold.released_at.is_(None))).scalar_one_or_none()


def held_call_ids(session: Session) -> set[str]:
    """Ids of every call under an active hold."""
    return set(session.execute(select(LegalHold.call_id).where(LegalHold.released_at.is_(None))).scalars())


def list_holds(session: Session, *, active_only: bool = True) -> list[LegalHold]:
    query = select(LegalHold).order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())
    if active_only:
        query = query.where(LegalHold.released_at.is_(None))
    return list(session.execute(query).scalars())


def place_hold(*, session: Session, call_id: str, reason: str, actor: audit.Actor, now: datetime) -> LegalHold:
    """Hold `call_id` (audited); the caller commits. HoldError 404 / 409 / 422."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise HoldError(422, "hold_reason_invalid", "reason must be 1-200 characters, e.g. a case number")
    # The call's row lock makes "no active hold yet, so add one" one step: a second hold placed at
    # the same time waits here, then finds this one (one active hold per call).
    if lock_call(session=session, call_id=call_id) is None:
        raise HoldError(404, "call_not_found", f"no call {call_id}; list calls with GET /v1/calls")
    existing = active_hold(session, call_id)
    if existing is not None:
        raise HoldError(409, "call_already_held",
                        f"call {call_id} is already held (hold {existing.id}); release it first to change it")
    hold = LegalHold(call_id=call_id, reason=reason, placed_at=now, placed_by_key_id=actor.key_id)
    session.add(hold)
    session.flush()
    audit.record(session, type="legal_hold.placed", actor=actor, call_id=call_id, now=now,
                 details={"hold_id": hold.id, "reason_sha256": hashlib.sha256(reason.encode()).hexdigest()})
    return hold


def release_hold(*, session: Session, call_id: str, actor: audit.Actor, now: datetime) -> LegalHold:
    """Release the active hold of `call_id` (audited); the caller commits. HoldError 404."""
    lock_call(session=session, call_id=call_id)  # a concurrent release waits, then finds none
    hold = active_hold(session, call_id)
    if hold is None:
        raise HoldError(404, "hold_not_found", f"call {call_id} has no active legal hold")
    hold.released_at, hold.released_by_key_id = now, actor.key_id
    audit.record(session, type="legal_hold.released", actor=actor, call_id=call_id, now=now,
                 details={"hold_id": hold.id, "held_seconds": int((now - hold.placed_at).total_seconds())})
    return hold
