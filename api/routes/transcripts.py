"""Redacted transcripts (qa, privacy_manager)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CallDep, ReadSessionDep, require_roles
from api.errors import ApiError
from api.schemas import ERROR_RESPONSES, EntityOut, TranscriptOut, TurnOut
from redactor.api_keys import Role
from redactor.audio_redaction.records import public_ranges
from redactor.store.transcripts import get_transcript

router = APIRouter(prefix="/v1/calls", tags=["transcripts"])


@router.get("/{call_id}/transcript", response_model=TranscriptOut, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.QA, Role.PRIVACY_MANAGER)])
def read_transcript(call: CallDep, session: ReadSessionDep):
    """The redacted transcript: turns (redacted text only) and where entities were redacted."""
    call_id = call.id
    transcript = get_transcript(session=session, call_id=call_id)
    if transcript is None:
        raise ApiError(404, "transcript_not_available",
                       f"call {call_id} has no transcript (status {call.status}); poll GET /v1/calls/{call_id}")
    return TranscriptOut(
        call_id=call_id, language=transcript.language, duration=transcript.duration,
        turns=[TurnOut(speaker=t.speaker, start=t.start, end=t.end, text=t.text) for t in transcript.turns],
        entities=[EntityOut(type=f.type, turn=f.turn, start=f.start, end=f.end) for f in transcript.findings],
        redacted_ranges=public_ranges(transcript),
    )
