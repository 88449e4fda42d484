"""API keys (admin): list, create, revoke. The CLI `redactor keys create` makes the first one."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import PrincipalDep, ReadSessionDep, SessionDep, require_roles
from api.errors import ApiError
from api.schemas import ERROR_RESPONSES, ApiKeyCreated, ApiKeyCreateIn, ApiKeyOut
from redactor import api_keys
from redactor.api_keys import Role

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


@router.get("", response_model=list[ApiKeyOut], responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.ADMIN)])
def read_keys(session: ReadSessionDep):
    """Every key (ids, roles, labels; never secrets)."""
    return [ApiKeyOut(**vars(k)) for k in api_keys.list_keys(session=session)]


@router.post("", status_code=201, response_model=ApiKeyCreated, responses=ERROR_RESPONSES,
             dependencies=[require_roles(Role.ADMIN)])
def create_key(body: ApiKeyCreateIn, session: SessionDep, principal: PrincipalDep):
    """Create a key; the response holds it once (audited; a privacy_manager key, which can read raw
    audio, is flagged so in the audit log and listed on the privacy page)."""
    created = api_keys.create_key(session=session, role=body.role, label=body.label, actor=principal.actor)
    session.commit()
    return ApiKeyCreated(key_id=created.key_id, role=created.role, key=created.token)


@router.delete("/{key_id}", status_code=204, responses=ERROR_RESPONSES,
               dependencies=[require_roles(Role.ADMIN)])
def revoke_key(key_id: str, session: SessionDep, principal: PrincipalDep):
    """Revoke a key at once (audited); the last active admin key cannot be (409 last_admin_key)."""
    if not api_keys.revoke_key(session=session, key_id=key_id, actor=principal.actor, keep_an_admin=True):
        raise ApiError(404, "api_key_not_found", f"no active key {key_id}; list keys with GET /v1/api-keys")
    session.commit()
    return Response(status_code=204)
