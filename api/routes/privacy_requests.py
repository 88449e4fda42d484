"""Data-subject requests (privacy_manager): disclosure returns a ZIP, deletion erases everything."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from api.deps import PrincipalDep, ReadSessionDep, RuntimeDep, require_roles
from api.errors import ApiError
from api.schemas import ERROR_RESPONSES
from redactor.api_keys import Role
from redactor.identity import CallerNumberError
from redactor.privacy_requests.deletion import erase_caller
from redactor.privacy_requests.disclosure import build_disclosure
from redactor.privacy_requests.records import (PrivacyRequestError, RequestType, VerificationMethod,
                                               list_requests)
from redactor.store.types import utcnow

router = APIRouter(prefix="/v1/privacy-requests", tags=["privacy requests"])


class IdentityVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: VerificationMethod
    note: str | None = Field(None, max_length=200,
                             description="How it was checked, without personal data (e.g. 'callback + DOB match'). "
                                         "Kept with a disclosure until the caller's deletion request erases it; "
                                         "a deletion request keeps none.")


class PrivacyRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    caller_number: str = Field(..., min_length=1, max_length=40, description="Hashed to find the calls; never stored.")
    identity_verification: IdentityVerification


class DeletionOut(BaseModel):
    request_id: str
    type: str = "deletion"
    status: str
    calls_erased: int
    calls_held: int
    held_call_ids: list[str] = Field(description="Calls kept because of a legal hold.")


class PrivacyRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: str
    status: str
    verification_method: str
    verification_note: str | None
    calls_found: int
    calls_held: int
    package_sha256: str | None
    package_bytes: int | None
    requested_by_key_id: str | None
    created_at: datetime
    completed_at: datetime | None


class PrivacyRequestList(BaseModel):
    requests: list[PrivacyRequestOut]


@router.post("", response_model=DeletionOut, dependencies=[require_roles(Role.PRIVACY_MANAGER)],
             responses={200: {"content": {"application/zip": {}},
                              "description": "disclosure: the ZIP (X-Privacy-Request-Id names the request); "
                                             "deletion: what was erased"}, **ERROR_RESPONSES})
async def post_privacy_request(body: PrivacyRequestIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Disclosure (ZIP of metadata, redacted transcripts, raw audio held, manifest) or deletion."""
    try:
        caller_hash = runtime.caller_hasher.hash_number(body.caller_number)
    except CallerNumberError as error:
        raise ApiError(422, error.code, str(error)) from None
    common = dict(db=runtime.db, blobs=runtime.blobs, caller_hash=caller_hash,
                  verification_method=body.identity_verification.method.value,
                  verification_note=body.identity_verification.note, actor=principal.actor, now=utcnow())
    try:
        if body.type == RequestType.DELETION:
            result = await run_in_threadpool(erase_caller, **common)
            return JSONResponse(DeletionOut(request_id=result.request_id, status=result.status,
                                            calls_erased=result.calls_erased, calls_held=result.calls_held,
                                            held_call_ids=result.held_call_ids).model_dump())
        package = await run_in_threadpool(build_disclosure, work_dir=runtime.work_dir, **common)
    except PrivacyRequestError as error:
        raise ApiError(error.status, error.code, error.message) from None
    return FileResponse(package.path, media_type="application/zip",
                        filename=f"disclosure-{package.request_id}.zip",
                        headers={"X-Privacy-Request-Id": package.request_id, "X-Content-SHA256": package.sha256,
                                 "Cache-Control": "no-store"},
                        background=BackgroundTask(package.path.unlink, missing_ok=True))


@router.get("", response_model=PrivacyRequestList, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def get_privacy_requests(session: ReadSessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100):
    """Disclosure and deletion requests, newest first (no personal data)."""
    return PrivacyRequestList(requests=[PrivacyRequestOut.model_validate(r)
                                        for r in list_requests(session, limit=limit)])
