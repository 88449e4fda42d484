"""CRUD for calls: keyword-only functions over a session; the caller commits.

Row locks: a transaction that reads a call to decide what to write (a consent change, a legal
hold, an erasure) takes the call's row lock first, with `lock_call`: on PostgreSQL that is
`SELECT ... FOR UPDATE`, so a second such transaction on the same call waits and then sees the
first one's outcome; on SQLite, writing sessions already hold the database's one write lock.
Lock order (so that two transactions never wait on each other): the call row, then anything of
that call (its holds), then single-row settings (`store.single_row`), then an API key row.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from redactor.errors import CursorError
from redactor.store.models import Call, Finding


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


def lock_call(*, session: Session, call_id: str) -> Call | None:
    """The call, its row locked until the transaction ends (see the module docstring)."""
    return session.get(Call, call_id, with_for_update=True, populate_existing=True)


def lock_calls(*, session: Session, call_ids: list[str]) -> None:
    """Lock the rows of `call_ids` until the transaction ends, in id order (the lock order among calls)."""
    if call_ids:
        session.execute(select(Call.id).where(Call.id.in_(call_ids)).order_by(Call.id).with_for_update())


def get_call_by_external_id(*, session: Session, uploaded_by_key_id: str | None, external_id: str) -> Call | None:
    """The call this key uploaded as `external_id` (external ids are unique per uploading key)."""
    return session.execute(select(Call).where(Call.uploaded_by_key_id == uploaded_by_key_id,
                                              Call.external_id == external_id)).scalar_one_or_none()


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
