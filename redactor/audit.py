"""The append-only, keyed hash chain of audit events.

Each event's hash is HMAC-SHA256, under the audit key, of the canonical JSON (sorted keys, no
spaces, UTF-8) of `{seq, time, type, actor_role, actor_key_id, call_id, details, prev_hash}`,
where `prev_hash` is the previous event's hash (64 zeros for the first). Editing, removing or
reordering any event breaks the chain from that event on, and `verify_chain` names it. The key
never enters the database (redactor.key_material; the session carries it in `session.info`), so
whoever can write the database cannot recompute the chain after deleting an event. What a key
cannot show is a cut tail (the newest events removed): `anchor()` gives the latest seq and hash
to copy to an append-only store outside, and `check_anchors` finds each of them still there.

Chains written before the key: their events were plain sha256. At the first start with a key,
if the whole chain verifies that way, one `audit.chain_keyed` event (keyed, details
`legacy_events`) is appended; events before it are checked as sha256, every event from it on
as HMAC. Deleting the marker makes the earlier events fail as keyed ones; editing them breaks
the marker's `prev_hash`. A full rewrite of the database as an unkeyed chain before a restart
would get a new marker, at a later seq: `verify` prints where the chain is keyed from, and an
anchor taken after the first marker no longer matches.

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
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from redactor.store.db import AUDIT_KEY_INFO
from redactor.store.models import AuditEvent

GENESIS_HASH = "0" * 64
CHAIN_KEYED_EVENT = "audit.chain_keyed"
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


class AuditKeyError(RuntimeError):
    """A session without the audit key: events can be neither written nor checked."""

    code = "audit_key_missing"


def _audit_key(session: Session) -> bytes:
    key = session.info.get(AUDIT_KEY_INFO)
    if key is None:
        raise AuditKeyError("this database session carries no audit key; open the database with "
                            "open_database(url, audit_key=KeyMaterial.from_settings(settings).load('audit'))")
    return key


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
    key = _audit_key(session)
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
    event.hash = event_hash(event, key)
    session.add(event)
    session.flush()
    return event


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant spaces, non-ASCII kept as is: one text per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent, key: bytes | None) -> str:
    """HMAC-SHA256 (hex) under `key` of the event's canonical form, `prev_hash` included; plain
    sha256 with `key` None (events written before the chain was keyed)."""
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
    message = canonical_json(body).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _hash_matches(event: AuditEvent, key: bytes | None) -> bool:
    try:
        return hmac.compare_digest(event_hash(event, key), event.hash or "")
    except (ValueError, TypeError):  # details that are not JSON
        return False


def keyed_from(session: Session) -> int:
    """The seq from which events are keyed: the first chain-keyed marker's, else 1 (all keyed)."""
    marker = session.execute(select(func.min(AuditEvent.seq)).where(AuditEvent.type == CHAIN_KEYED_EVENT))
    return marker.scalar_one() or 1


def verify_chain(session: Session) -> list[str]:
    """Check the whole chain; return one line per problem, each naming the event's seq.

    An empty list means every event is intact and in order. Detects edited events (hash
    mismatch), removed events (gap in seq / prev_hash not the previous hash), reordered or
    re-inserted events (prev_hash mismatch), and events rewritten without the key.
    """
    key = _audit_key(session)
    first_keyed = keyed_from(session)
    problems: list[str] = []
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if event.seq != expected_seq:
            problems.append(f"seq {event.seq}: expected seq {expected_seq} (events removed before it)")
        if not _hash_matches(event, key if event.seq >= first_keyed else None):
            problems.append(f"seq {event.seq}: content does not match its hash (event edited, or "
                            "rewritten without the audit key)")
        if event.type == CHAIN_KEYED_EVENT and event.seq != first_keyed:
            problems.append(f"seq {event.seq}: a second chain-keyed marker (the chain is keyed once)")
        if event.prev_hash != expected_prev:
            problems.append(f"seq {event.seq}: prev_hash does not match the event before it "
                            "(events removed, inserted or reordered)")
        expected_prev, expected_seq = event.hash, event.seq + 1
    return problems


def ensure_keyed(session: Session, *, now: datetime | None = None) -> bool:
    """Key a chain written before the audit key existed (see the module docstring).

    Appends the chain-keyed marker when the newest event is not keyed, no marker exists and the
    whole chain verifies as plain sha256; True if it did (the caller commits). A chain that is
    already keyed, empty, or broken is left alone (`verify_chain` reports a broken one).
    """
    key = _audit_key(session)
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one_or_none()
    if last is None or _hash_matches(last, key) or keyed_from(session) != 1:
        return False
    expected_prev = GENESIS_HASH
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if event.prev_hash != expected_prev or not _hash_matches(event, None):
            return False
        expected_prev = event.hash
    record(session, type=CHAIN_KEYED_EVENT, actor=SYSTEM, details={"legacy_events": last.seq}, now=now)
    return True


@dataclass(frozen=True)
class Anchor:
    """The newest event's seq and hash, for an append-only store outside the database."""

    seq: int
    hash: str
    time: str

    def line(self) -> str:
        return canonical_json({"seq": self.seq, "hash": self.hash, "time": self.time})


def anchor(session: Session) -> Anchor | None:
    """The anchor of the newest event (None for an empty chain)."""
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one_or_none()
    return None if last is None else Anchor(seq=last.seq, hash=last.hash, time=last.time)


def parse_anchors(text: str, source: str) -> list[Anchor]:
    """Anchor lines (`Anchor.line()`, one per line; blank lines skipped); ValueError names the line."""
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            anchors.append(Anchor(seq=int(item["seq"]), hash=str(item["hash"]), time=str(item.get("time", ""))))
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{source} line {number} is not an anchor line (from `redactor audit anchor`)") from None
    return anchors


def check_anchors(session: Session, anchors: list[Anchor]) -> list[str]:
    """One problem per anchor whose event is gone or has another hash (the chain was cut or rewritten)."""
    problems = []
    for item in anchors:
        stored = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == item.seq)).scalar_one_or_none()
        if stored is None:
            problems.append(f"anchor seq {item.seq}: no such event (the chain was cut after seq {item.seq - 1} "
                            "or rewritten)")
        elif not hmac.compare_digest(stored, item.hash):
            problems.append(f"anchor seq {item.seq}: the event's hash differs from the anchor (rewritten)")
    return problems


@dataclass(frozen=True)
class ChainStatus:
    """What the API, the review workspace and `redactor audit verify` report about the chain."""

    events: int
    problems: list[str]
    keyed_from: int = 1  # events before this seq predate the audit key (plain sha256)

    @property
    def intact(self) -> bool:
        return not self.problems


def chain_status(session: Session) -> ChainStatus:
    """`verify_chain` together with the number of events it covered."""
    problems = verify_chain(session)
    return ChainStatus(events=session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
                       problems=problems, keyed_from=keyed_from(session))


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
