"""Data-subject requests (privacy_manager): disclosure returns a ZIP, deletion erases everything."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PrincipalDep, ReadSessionDep, RuntimeDep, require_roles
from api.routes.privacy_cases import package_response
from api.schemas import ERROR_RESPONSES
from redactor.api_keys import Role
from redactor.privacy_cases import fulfilment
from redactor.privacy_cases.requests import FeePaid, open_verified_case
from redactor.privacy_cases.states import Action, FeeMethod, ready_for_decision
from redactor.privacy_requests.records import RequestType, VerificationMethod, list_requests
from redactor.store.retention_tables import PrivacyRequest
from redactor.store.types import utcnow

router = APIRouter(prefix="/v1/privacy-requests", tags=["privacy requests"])


class IdentityVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: VerificationMethod
    note: str | None = Field(None, max_length=200,
                             description="How it was checked, without personal data (e.g. 'callback + DOB match'). "
                                         "Kept with a disclosure until the caller's deletion request erases it; "
                                         "a deletion request keeps none.")


class FeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_yen: int = Field(..., ge=0, le=1_000_000)
    method: FeeMethod


class PrivacyRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    caller_number: str = Field(..., min_length=1, max_length=40, description="Hashed to find the calls; never stored.")
    identity_verification: IdentityVerification
    fee: FeeIn | None = Field(None, description="Disclosure: the fee received (REDACTOR_PRIVACY_REQUEST_FEE_YEN).")


class CasePending(BaseModel):
    case_id: str
    state: str
    due_next: str
    fee_yen: int


class DeletionOut(BaseModel):
    request_id: str
    case_id: str
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
                              "description": "disclosure: the ZIP (X-Privacy-Request-Id names the request, "
                                             "X-Privacy-Case-Id its case); deletion: what was erased"},
                        202: {"model": CasePending, "description": "disclosure without its fee: the case waits for it"},
                        **ERROR_RESPONSES})
async def post_privacy_request(body: PrivacyRequestIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Disclosure (ZIP of metadata, redacted transcripts, raw audio held, manifest) or deletion.

    Opens a privacy case and runs it through its steps at once: identity verified, the fee
    received (disclosure), fulfilled. The case then waits for the requester to be notified
    (POST /v1/privacy-cases/{id}/notification).
    """
    caller_hash = runtime.caller_hasher.hash_field(body.caller_number, "caller_number")
    now = utcnow()
    fee = FeePaid(amount_yen=body.fee.amount_yen, method=body.fee.method.value) if body.fee else None
    case = await run_in_threadpool(
        open_verified_case, db=runtime.db, type=body.type.value, caller_hash=caller_hash,
        verification_method=body.identity_verification.method.value, verification_note=body.identity_verification.note,
        fee=fee, fee_yen=runtime.settings.privacy_request_fee_yen, actor=principal.actor, now=now)
    if body.type == RequestType.DELETION:
        case = await run_in_threadpool(fulfilment.fulfil, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue,
                                       case_id=case.id, changes=[], actor=principal.actor, now=now)
        outcome = json.loads(case.outcome_json)
        with runtime.db.read_session() as session:
            status = session.get(PrivacyRequest, case.privacy_request_id).status
        return JSONResponse(DeletionOut(request_id=case.privacy_request_id, case_id=case.id, status=status,
                                        calls_erased=outcome["calls_erased"], calls_held=outcome["calls_held"],
                                        held_call_ids=outcome["held_call_ids"]).model_dump())
    if not ready_for_decision(case.state, case.type):
        return JSONResponse(CasePending(case_id=case.id, state=case.state, due_next=Action.RECORD_FEE.value,
                                        fee_yen=runtime.settings.privacy_request_fee_yen).model_dump(), status_code=202)
    package = await run_in_threadpool(fulfilment.disclosure_package, db=runtime.db, blobs=runtime.blobs,
                                      case_id=case.id, actor=principal.actor, now=now, work_dir=runtime.work_dir)
    response = package_response(package)
    response.headers["X-Privacy-Case-Id"] = case.id
    return response


@router.get("", response_model=PrivacyRequestList, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def get_privacy_requests(session: ReadSessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100):
    """Disclosure and deletion requests, newest first (no personal data)."""
    return PrivacyRequestList(requests=[PrivacyRequestOut.model_validate(r)
                                        for r in list_requests(session, limit=limit)])
