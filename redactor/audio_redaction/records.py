"""What the database keeps of redacted audio: the artifact row and the ranges with the transcript.

Keyword-only CRUD, the caller commits (same shape as redactor.store). Nothing here holds text:
ranges are seconds and entity type names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from redactor.store.models import RedactedAudio, Transcript

from .ranges import TimeRange


def ranges_json(ranges: Sequence[TimeRange]) -> str:
    """The JSON stored in `transcripts.redacted_ranges_json`."""
    return json.dumps([r.to_dict() for r in ranges], sort_keys=True)


def stored_ranges(transcript: Transcript | None) -> list[TimeRange] | None:
    """The ranges stored with a transcript; None when none were computed (older transcripts)."""
    if transcript is None or not transcript.redacted_ranges_json:
        return None
    return [TimeRange.from_dict(item) for item in json.loads(transcript.redacted_ranges_json)]


def public_ranges(transcript: Transcript | None) -> list[dict[str, Any]]:
    """`redacted_ranges` as the transcript endpoint serves them: [{"start", "end"}] in seconds."""
    duration = transcript.duration if transcript is not None else None
    out = []
    for time_range in stored_ranges(transcript) or []:
        end = time_range.end if time_range.end != float("inf") else duration
        out.append({"start": round(time_range.start, 3), "end": None if end is None else round(end, 3)})
    return out


def get_redacted_audio(*, session: Session, call_id: str) -> RedactedAudio | None:
    return session.get(RedactedAudio, call_id)


def save_redacted_audio(
    *,
    session: Session,
    call_id: str,
    blob_key: str,
    sha256: str,
    size: int,
    media_type: str,
    fill: str,
    duration: float,
    range_count: int,
) -> RedactedAudio:
    """Record the redacted audio of a call (unlink an earlier one first: retention.erase)."""
    row = RedactedAudio(call_id=call_id, blob_key=blob_key, sha256=sha256, size=size, media_type=media_type,
                        fill=fill, duration=duration, range_count=range_count)
    session.add(row)
    session.flush()
    return row
