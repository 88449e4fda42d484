"""The QA pages: the call list (filters, pagination, search) and the call view (turns, chips, audio).

Only redacted material is ever read here: redacted turns, finding types and counts, redaction
time ranges and the redacted audio. Raw audio has no route in the UI at all.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import RuntimeDep, get_existing_call
from api.routes.redacted_audio import read_redacted_audio
from api.ui import queries
from api.ui.i18n import ENTITY_TYPES
from api.ui.web import UiUserDep, render, url_with
from redactor.audio_redaction.records import get_redacted_audio, stored_ranges
from redactor.errors import CursorError, SearchQueryError
from redactor.retention.holds import active_hold
from redactor.store.calls import get_call, list_calls
from redactor.store.models import IN_PROGRESS_STATUSES
from redactor.store.transcripts import entity_type_counts
from redactor.store.transcripts import get_transcript

router = APIRouter(include_in_schema=False)


@router.get("/ui/calls")
def call_list(
    request: Request,
    user: UiUserDep,
    runtime: RuntimeDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    """Calls newest first with filters, or, with `q`, the turns containing it (highlighted)."""
    form = queries.parse_list_form(request.query_params, ENTITY_TYPES)
    invalid = list(form.invalid)
    hits, calls, next_url, types = [], [], None, {}
    with runtime.db.read_session() as session:
        operators = queries.operator_ids(session)
        if form.q and user.can_search:
            try:
                page = queries.search_page(session, form.q, form.call_filter, offset=offset)
            except SearchQueryError:
                invalid.append("q")
            else:
                hits = page.hits
                if page.next_offset is not None:
                    next_url = url_with(request, offset=page.next_offset, cursor=None)
                types = entity_type_counts(session=session, call_ids=list({call.id for _, call in hits}))
        else:
            try:
                call_page = list_calls(session=session, filters=form.call_filter, limit=queries.PAGE_SIZE,
                                       cursor=cursor)
            except CursorError:
                invalid.append("cursor")
                call_page = list_calls(session=session, filters=form.call_filter, limit=queries.PAGE_SIZE)
            calls = call_page.calls
            if call_page.next_cursor:
                next_url = url_with(request, cursor=call_page.next_cursor, offset=None)
            types = entity_type_counts(session=session, call_ids=[c.id for c in calls])
    first_url = url_with(request, cursor=None, offset=None) if (cursor or offset) else None
    return render(request, "ui/calls.html", {
        "form": form, "invalid": invalid, "operators": operators, "statuses": queries.STATUSES,
        "calls": calls, "hits": hits, "types": types, "next_url": next_url, "first_url": first_url,
        "searching": bool(form.q and user.can_search),
    }, user=user, status_code=422 if "q" in invalid else 200)


@router.get("/ui/calls/{call_id}")
def call_view(call_id: str, request: Request, user: UiUserDep, runtime: RuntimeDep,
              q: Annotated[str, Query(max_length=200)] = ""):
    """One call: state, metadata, redacted conversation with chips, redacted audio and timeline."""
    with runtime.db.read_session() as session:
        call = get_call(session=session, call_id=call_id)
        if call is None:
            return render(request, "ui/message.html", {"message": "not_found"}, user=user, status_code=404)
        transcript = get_transcript(session=session, call_id=call_id)
        turns, findings_by_turn, ranges, duration = [], {}, [], call.audio_duration
        if transcript is not None:
            turns = list(transcript.turns)
            for finding in transcript.findings:
                findings_by_turn.setdefault(finding.turn, []).append(finding.type)
            duration = transcript.duration or duration
            ranges = [_range_view(r, duration) for r in stored_ranges(transcript) or []]
        artifact = get_redacted_audio(session=session, call_id=call_id)
        has_audio = artifact is not None and runtime.blobs.exists(artifact.blob_key)
        if has_audio:
            duration = artifact.duration or duration
        type_counts = entity_type_counts(session=session, call_ids=[call_id]).get(call_id, {})
        hold = active_hold(session, call_id) if user.is_privacy_manager else None  # reasons are PM notes
    return render(request, "ui/call.html", {
        "call": call, "turns": turns, "findings_by_turn": findings_by_turn, "ranges": ranges,
        "duration": duration, "has_audio": has_audio, "type_counts": type_counts, "q": q.strip(),
        "in_progress": call.status in IN_PROGRESS_STATUSES, "hold": hold, "two_sided": any(t.speaker != "unknown" for t in turns),
    }, user=user)


def _range_view(time_range, duration: float | None) -> dict:
    end = time_range.end if math.isfinite(time_range.end) else (duration or time_range.start)
    return {"start": time_range.start, "end": end, "entity_types": list(time_range.entity_types),
            "widened": time_range.widened}


@router.get("/ui/calls/{call_id}/redacted-audio")
def call_redacted_audio(call_id: str, request: Request, user: UiUserDep, runtime: RuntimeDep):
    """The redacted recording for the page's player (Range requests for seeking).

    The same code as GET /v1/calls/{id}/audio/redacted, authenticated by the session cookie.
    """
    with runtime.db.read_session() as session:
        call = get_existing_call(call_id, session, request)
        response = read_redacted_audio(call, request, session, runtime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
