"""The consent policy: which consent states allow processing (privacy_manager)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, ReadSessionDep, SessionDep, require_roles
from api.schemas import ERROR_RESPONSES, ConsentPolicyIn, ConsentPolicyOut
from redactor import consent
from redactor.api_keys import Role

router = APIRouter(prefix="/v1/consent-policy", tags=["consent"])


@router.get("", response_model=ConsentPolicyOut, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def read_policy(session: ReadSessionDep):
    """The consent states that allow a call to be processed."""
    return ConsentPolicyOut(allowed_states=sorted(consent.get_allowed_states(session)))


@router.put("", response_model=ConsentPolicyOut, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def write_policy(body: ConsentPolicyIn, session: SessionDep, principal: PrincipalDep):
    """Replace the policy (applies to uploads from now on; audited with old and new values)."""
    allowed = consent.set_allowed_states(session=session, allowed=body.allowed_states, actor=principal.actor)
    session.commit()
    return ConsentPolicyOut(allowed_states=sorted(allowed))
