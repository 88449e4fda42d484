"""Legal holds (privacy_manager): while a call is held nothing of it is purged or erased."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PrincipalDep, ReadSessionDep, SessionDep, require_roles
from api.schemas import ERROR_RESPONSES, RequestBody
from redactor.api_keys import Role
from redactor.retention.holds import list_holds, place_hold, release_hold
from redactor.store.types import utcnow

router = APIRouter(tags=["legal holds"])


class HoldIn(RequestBody):
    reason: str = Field(..., min_length=1, max_length=200,
                        description="Why (e.g. a case number). Kept with the hold; the audit log keeps its hash.")


class HoldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    call_id: str
    reason: str
    placed_at: datetime
    placed_by_key_id: str | None
    released_at: datetime | None
    released_by_key_id: str | None


class HoldList(BaseModel):
    holds: list[HoldOut]


@router.post("/v1/calls/{call_id}/hold", status_code=201, response_model=HoldOut,
             responses={409: {"model": ERROR_RESPONSES[404]["model"]}, **ERROR_RESPONSES},
             dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def post_hold(call_id: str, body: HoldIn, session: SessionDep, principal: PrincipalDep):
    """Place a legal hold: the call's artifacts outlive their limits until it is released."""
    hold = place_hold(session=session, call_id=call_id, reason=body.reason, actor=principal.actor, now=utcnow())
    session.commit()
    return HoldOut.model_validate(hold)


@router.delete("/v1/calls/{call_id}/hold", response_model=HoldOut, responses=ERROR_RESPONSES,
               dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def delete_hold(call_id: str, session: SessionDep, principal: PrincipalDep):
    """Release the hold; whatever expired meanwhile goes at the next purge."""
    hold = release_hold(session=session, call_id=call_id, actor=principal.actor, now=utcnow())
    session.commit()
    return HoldOut.model_validate(hold)


@router.get("/v1/holds", response_model=HoldList, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def get_holds(session: ReadSessionDep, active_only: bool = True):
    """Legal holds, newest first (only active ones unless active_only=false)."""
    return HoldList(holds=[HoldOut.model_validate(h) for h in list_holds(session, active_only=active_only)])
