"""The audit log (privacy_manager, admin): events in order, and a check of the hash chain."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import ReadSessionDep, require_roles
from api.schemas import ERROR_RESPONSES
from redactor import audit
from redactor.api_keys import Role
from redactor.store.models import AuditEvent
from redactor.values import MAX_ROW_ID, Text

router = APIRouter(prefix="/v1/audit-events", tags=["audit"])


class AuditEventOut(BaseModel):
    seq: int
    time: str
    type: str
    actor_role: str | None
    actor_key_id: str | None
    call_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditEventPage(BaseModel):
    events: list[AuditEventOut]
    next_after_seq: int | None


class AuditVerification(BaseModel):
    intact: bool
    events: int
    problems: list[str]


@router.get("", response_model=AuditEventPage, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def read_audit_events(
    session: ReadSessionDep,
    type: Annotated[Text | None, Query(max_length=64, description="Only events of this type.")] = None,
    call_id: Annotated[Text | None, Query(max_length=36)] = None,
    after_seq: Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="next_after_seq of the previous page.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    """Events oldest first (by seq), filtered; each with its hash and the previous event's hash."""
    query = select(AuditEvent).where(AuditEvent.seq > after_seq)
    if type:
        query = query.where(AuditEvent.type == type)
    if call_id:
        query = query.where(AuditEvent.call_id == call_id)
    rows = list(session.execute(query.order_by(AuditEvent.seq).limit(limit + 1)).scalars())
    events = [AuditEventOut(seq=e.seq, time=e.time, type=e.type, actor_role=e.actor_role,
                            actor_key_id=e.actor_key_id, call_id=e.call_id, details=_details(e.details),
                            prev_hash=e.prev_hash, hash=e.hash) for e in rows[:limit]]
    return AuditEventPage(events=events, next_after_seq=rows[limit - 1].seq if len(rows) > limit else None)


@router.get("/verification", response_model=AuditVerification, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def verify_audit_events(session: ReadSessionDep):
    """Recompute the whole hash chain; `problems` names every edited, removed or reordered event."""
    status = audit.chain_status(session)
    return AuditVerification(intact=status.intact, events=status.events, problems=status.problems)


def _details(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:  # an edited row: show that it is unreadable, verification names it
        return {"unreadable": True}
    return value if isinstance(value, dict) else {"value": value}
