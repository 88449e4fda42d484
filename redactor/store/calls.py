"""CRUD for calls: keyword-only functions over a session; the caller commits."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from redactor.store.models import Call, Finding


class CursorError(ValueError):
    code = "cursor_invalid"


@dataclass(frozen=True)
class CallFilter:
    status: str | None = None
    operator_id: str | None = None
    started_from: datetime | None = None  # inclusive
    started_to: datetime | None = None  # exclusive
    entity_type: str | None = None


@dataclass(frozen=True)
class CallPage:
    calls: list[Call]
    next_cursor: str | None


def get_call(*, session: Session, call_id: str) -> Call | None:
    return session.get(Call, call_id)


def get_call_by_external_id(*, session: Session, external_id: str) -> Call | None:
    return session.execute(select(Call).where(Call.external_id == external_id)).scalar_one_or_none()


def calls_of_caller(*, session: Session, caller_hash: str) -> list[Call]:
    """Every call whose caller number hashes to `caller_hash` (see redactor.identity)."""
    return list(session.execute(
        select(Call).where(Call.caller_hash == caller_hash).order_by(Call.started_at)
    ).scalars())


def list_calls(*, session: Session, filters: CallFilter, limit: int = 50, cursor: str | None = None) -> CallPage:
    """Calls newest first (started_at, then id), `limit` per page; pass `next_cursor` back."""
    query = select(Call)
    if filters.status:
        query = query.where(Call.status == filters.status)
    if filters.operator_id:
        query = query.where(Call.operator_id == filters.operator_id)
    if filters.started_from:
        query = query.where(Call.started_at >= filters.started_from)
    if filters.started_to:
        query = query.where(Call.started_at < filters.started_to)
    if filters.entity_type:
        query = query.where(exists().where(and_(Finding.call_id == Call.id, Finding.type == filters.entity_type)))
    if cursor:
        after_started, after_id = _decode_cursor(cursor)
        query = query.where(or_(Call.started_at < after_started,
                                and_(Call.started_at == after_started, Call.id < after_id)))
    query = query.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit + 1)
    rows = list(session.execute(query).scalars())
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return CallPage(calls=rows[:limit], next_cursor=next_cursor)


def _encode_cursor(call: Call) -> str:
    raw = json.dumps([call.started_at.isoformat(), call.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        started, call_id = json.loads(base64.urlsafe_b64decode(padded))
        after = datetime.fromisoformat(started)
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise CursorError("cursor is not one this service returned; pass next_cursor unchanged") from None
    if after.tzinfo is None:  # the cursors we hand out always carry the zone of started_at
        raise CursorError("cursor is not one this service returned (its time has no zone); "
                          "pass next_cursor unchanged")
    return after, str(call_id)
