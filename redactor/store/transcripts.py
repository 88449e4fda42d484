"""CRUD for redacted transcripts and their findings; the caller commits.

Only redacted text is ever passed in here: the raw transcript never leaves the worker.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from redactor.store import search
from redactor.store.models import Finding, Transcript, TranscriptTurn


@dataclass(frozen=True)
class TurnRecord:
    speaker: str
    start: float
    end: float
    text: str  # redacted


@dataclass(frozen=True)
class FindingRecord:
    type: str
    turn: int
    start: int
    end: int
    score: float | None = None


def save_transcript(
    *,
    session: Session,
    call_id: str,
    turns: Sequence[TurnRecord],
    findings: Sequence[FindingRecord],
    language: str | None,
    duration: float | None,
    options: dict[str, Any] | None = None,
    redacted_ranges_json: str | None = None,
) -> Transcript:
    """Store (or replace) the redacted transcript of `call_id` and index it for search.

    `redacted_ranges_json`: the redacted-audio time ranges (redactor.audio_redaction.records).
    """
    delete_transcript(session=session, call_id=call_id)
    transcript = Transcript(call_id=call_id, language=language, duration=duration,
                            options_json=json.dumps(options or {}, sort_keys=True, default=str),
                            redacted_ranges_json=redacted_ranges_json)
    session.add(transcript)
    session.flush()
    rows = [TranscriptTurn(call_id=call_id, idx=i, speaker=t.speaker, start=float(t.start),
                           end=float(t.end), text=t.text) for i, t in enumerate(turns)]
    session.add_all(rows)
    session.add_all(Finding(call_id=call_id, turn=f.turn, type=f.type, start=f.start, end=f.end,
                            score=f.score) for f in findings)
    session.flush()
    search.index_turns(session, [(row.id, row.text) for row in rows])
    return transcript


def get_transcript(*, session: Session, call_id: str) -> Transcript | None:
    return session.get(Transcript, call_id)


def delete_transcript(*, session: Session, call_id: str) -> bool:
    """Remove the transcript, its turns, findings and search entries; True if there was one."""
    turn_ids = list(session.execute(select(TranscriptTurn.id).where(TranscriptTurn.call_id == call_id)).scalars())
    search.unindex_turns(session, turn_ids)
    session.execute(delete(Finding).where(Finding.call_id == call_id))
    session.execute(delete(TranscriptTurn).where(TranscriptTurn.call_id == call_id))
    found = session.execute(delete(Transcript).where(Transcript.call_id == call_id)).rowcount > 0
    session.expire_all()
    return found


def entity_type_counts(*, session: Session, call_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """{call id: {entity type: how many findings}} for a page of calls (types and counts, never values)."""
    found: dict[str, dict[str, int]] = {}
    if call_ids:
        rows = session.execute(select(Finding.call_id, Finding.type).where(Finding.call_id.in_(list(call_ids))))
        for call_id, type_ in rows:
            counts = found.setdefault(call_id, {})
            counts[type_] = counts.get(type_, 0) + 1
    return found


def entity_types_of(*, session: Session, call_id: str) -> list[str]:
    """The distinct entity types found in a call (no values, no offsets)."""
    return sorted(session.execute(select(Finding.type).where(Finding.call_id == call_id).distinct()).scalars())
