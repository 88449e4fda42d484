"""The append-only, hash-chained audit log.

Each event's hash is sha256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
`{seq, time, type, actor_role, actor_key_id, call_id, details, prev_hash}`, where `prev_hash`
is the previous event's hash (64 zeros for the first). Editing, removing or reordering any
event breaks the chain from that event on, and `verify_chain` names it.

Events never hold personal data: `details` carries codes, counts, ids and hashes only. The
log cannot be erased, so `record` refuses anything else: keys that name personal data, and
any string that is not code-shaped (ASCII letters, digits and `_.:+/=@-`, no spaces): free
text (a note, a caller-supplied consent method) belongs in an erasable record instead.

Appends are serialized: on SQLite the writing session already holds the database's write lock
(BEGIN IMMEDIATE, see redactor.store.db); on PostgreSQL a transaction-scoped advisory lock.
The event becomes part of the chain when the caller's transaction commits, together with the
change it records.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from redactor.store.models import AuditEvent

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCK = 0x7265_6461_6374  # any constant; "redact"
_MAX_DETAIL_TEXT = 200
# Codes, ids, hashes, ISO 8601 times and durations; nothing a person could write a name in.
_CODE_SHAPED = re.compile(r"[A-Za-z0-9_.:+/=@-]*")
# Keys whose values would be personal data; details must use hashes or codes instead.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"caller_number", "phone", "phone_number", "name", "address", "text", "transcript", "email"}
)


@dataclass(frozen=True)
class Actor:
    """Who did something: a role and the API key id (None for the system or the CLI)."""

    role: str
    key_id: str | None = None


SYSTEM = Actor("system")
CLI = Actor("cli")


class AuditDetailsError(ValueError):
    """Details that could carry personal data or cannot be canonicalized."""


def record(
    session: Session,
    *,
    type: str,
    actor: Actor,
    call_id: str | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event in `session`'s transaction (the caller commits) and return it."""
    details = details or {}
    _check_details(details)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    event = AuditEvent(
        seq=seq,
        time=moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        type=type,
        actor_role=actor.role,
        actor_key_id=actor.key_id,
        call_id=call_id,
        details=canonical_json(details),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant spaces, non-ASCII kept as is: one text per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    """sha256 (hex) of the event's canonical form, `prev_hash` included."""
    body = {
        "seq": event.seq,
        "time": event.time,
        "type": event.type,
        "actor_role": event.actor_role,
        "actor_key_id": event.actor_key_id,
        "call_id": event.call_id,
        "details": json.loads(event.details),
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def verify_chain(session: Session) -> list[str]:
    """Check the whole chain; return one line per problem, each naming the event's seq.

    An empty list means every event is intact and in order. Detects edited events (hash
    mismatch), removed events (gap in seq / prev_hash not the previous hash), reordered or
    re-inserted events (prev_hash mismatch).
    """
    problems: list[str] = []
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if event.seq != expected_seq:
            problems.append(f"seq {event.seq}: expected seq {expected_seq} (events removed before it)")
        try:
            actual = event_hash(event)
        except (ValueError, TypeError):
            actual = None
        if actual != event.hash:
            problems.append(f"seq {event.seq}: content does not match its hash (event edited)")
        if event.prev_hash != expected_prev:
            problems.append(f"seq {event.seq}: prev_hash does not match the event before it "
                            "(events removed, inserted or reordered)")
        expected_prev, expected_seq = event.hash, event.seq + 1
    return problems


@dataclass(frozen=True)
class ChainStatus:
    """What the API, the review workspace and `redactor audit verify` report about the chain."""

    events: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def chain_status(session: Session) -> ChainStatus:
    """`verify_chain` together with the number of events it covered."""
    problems = verify_chain(session)
    return ChainStatus(events=session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
                       problems=problems)


def _check_details(details: dict[str, Any]) -> None:
    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise AuditDetailsError(f"audit detail keys must be strings ({path})")
                if key in FORBIDDEN_DETAIL_KEYS:  # exact: entity type names like PHONE_NUMBER are fine
                    raise AuditDetailsError(f"audit detail {path}{key} would hold personal data; "
                                            "record a hash or a code instead")
                walk(item, f"{path}{key}.")
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, path)
        elif isinstance(value, str):
            if len(value) > _MAX_DETAIL_TEXT or not _CODE_SHAPED.fullmatch(value):
                raise AuditDetailsError(f"audit detail {path.rstrip('.')} is not a code, id or hash (at most "
                                        f"{_MAX_DETAIL_TEXT} of A-Z a-z 0-9 _.:+/=@-); keep free text in an "
                                        "erasable record and audit its id")
        elif value is not None and not isinstance(value, (bool, int, float)):
            raise AuditDetailsError(f"audit detail {path.rstrip('.')} is a {type(value).__name__}; "
                                    "use JSON scalars, lists and objects")

    walk(details, "")
