"""Full-text search over redacted transcripts (qa)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReadSessionDep, require_roles
from api.schemas import ERROR_RESPONSES, SearchHitOut, SearchResults
from redactor.api_keys import Role
from redactor.store.search import search_turns

router = APIRouter(prefix="/v1/search", tags=["search"])


@router.get("", response_model=SearchResults, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.QA)])
def search(
    session: ReadSessionDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Text to find (any language).")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
):
    """Turns of redacted transcripts containing `q`, with the match positions."""
    hits = search_turns(session, q, limit=limit + 1, offset=offset)
    more = len(hits) > limit
    return SearchResults(query=q, hits=[SearchHitOut(**vars(h)) for h in hits[:limit]],
                         next_offset=offset + limit if more else None)
