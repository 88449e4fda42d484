"""Privacy cases (privacy_manager): data-subject requests run step by step, as the privacy policy says.

The caller number of a case is hashed at once (never stored); each step is one POST on the case.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from api.deps import PrincipalDep, ReadSessionDep, RuntimeDep, require_roles
from api.schemas import ERROR_RESPONSES, ErrorBody
from redactor.api_keys import Role
from redactor.privacy_cases import cases, fulfilment, steps
from redactor.privacy_cases.corrections import MetadataChange, MetadataField
from redactor.privacy_cases.states import (AgentAuthorityMethod, AgentRelationship, CaseState, CaseType,
                                           Channel, FeeMethod, NoticeMethod, RejectReason, Requester,
                                           WithholdReason, allowed_actions)
from redactor.privacy_cases.steps import CaseStep, StepInput, take_step
from redactor.privacy_requests.records import VerificationMethod
from redactor.store.privacy_cases import PrivacyCase
from redactor.store.types import utcnow

router = APIRouter(prefix="/v1/privacy-cases", tags=["privacy cases"],
                   dependencies=[require_roles(Role.PRIVACY_MANAGER)], responses={409: {"model": ErrorBody}, **ERROR_RESPONSES})


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: CaseType
    channel: Channel
    requester: Requester = Requester.PERSON
    agent_relationship: AgentRelationship | None = None
    caller_number: str = Field(..., min_length=1, max_length=40, description="Hashed at once; never stored.")
    received_at: datetime | None = Field(None, description="When the request arrived; default now.")


class TimelineStepOut(BaseModel):
    state: str
    at: datetime
    by_key_id: str | None
    codes: dict[str, str]


class CaseSummary(BaseModel):
    id: str
    type: str
    channel: str
    requester: str
    agent_relationship: str | None
    state: str
    received_at: datetime
    due_at: datetime
    overdue: bool
    due_next: str | None


class CaseOut(CaseSummary):
    allowed_actions: list[str]
    timeline: list[TimelineStepOut]
    decision_reason: str | None
    explanation: str | None = Field(description="Why it was withheld or rejected; in this erasable record only.")
    outcome: dict | None = Field(description="What fulfilment did (ids and counts).")
    privacy_request_id: str | None


class CaseList(BaseModel):
    target_days: int
    cases: list[CaseSummary]


def summary(case: PrivacyCase, target_days: int, now: datetime) -> dict:
    step = cases.next_step(case)
    return dict(id=case.id, type=case.type, channel=case.channel, requester=case.requester,
                agent_relationship=case.agent_relationship, state=case.state, received_at=case.received_at,
                due_at=cases.due_at(case, target_days), overdue=cases.is_overdue(case, now=now, target_days=target_days),
                due_next=step.value if step else None)


def case_out(case: PrivacyCase, target_days: int) -> CaseOut:
    return CaseOut(**summary(case, target_days, utcnow()),
                   allowed_actions=[a.value for a in allowed_actions(case.state, case.type)],
                   timeline=[TimelineStepOut(state=s.state, at=s.at, by_key_id=s.by_key_id, codes=s.codes)
                             for s in cases.timeline(case)],
                   decision_reason=case.decision_reason, explanation=case.explanation,
                   outcome=json.loads(case.outcome_json) if case.outcome_json else None,
                   privacy_request_id=case.privacy_request_id)


def _take_step(runtime, case_id: str, step: CaseStep, values: StepInput, principal) -> CaseOut:
    """Take one step of the case (redactor.privacy_cases.steps) and answer the case as it is now."""
    case = take_step(step, values, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue,
                     fee_yen=runtime.settings.privacy_request_fee_yen, case_id=case_id, actor=principal.actor,
                     now=utcnow())
    return case_out(case, runtime.settings.privacy_case_target_days)


@router.post("", response_model=CaseOut, status_code=201)
def open_case(body: CaseIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Open a case for a request as it arrived (state `received`)."""
    caller_hash = runtime.caller_hasher.hash_field(body.caller_number, "caller_number")
    now = utcnow()
    case = steps.open_case(runtime.db, type=body.type, channel=body.channel, requester=body.requester,
                           agent_relationship=body.agent_relationship, caller_hash=caller_hash,
                           received_at=body.received_at or now, actor=principal.actor, now=now)
    return case_out(case, runtime.settings.privacy_case_target_days)


@router.get("", response_model=CaseList)
def list_cases(session: ReadSessionDep, runtime: RuntimeDep, state: CaseState | None = None,
               overdue: Annotated[bool, Query(description="Only cases past the target, requester not notified.")] = False,
               limit: Annotated[int, Query(ge=1, le=500)] = 200):
    """Cases newest first, each with its due date and whether it is overdue."""
    target, now = runtime.settings.privacy_case_target_days, utcnow()
    rows = cases.list_cases(session, now=now, target_days=target, state=state, overdue_only=overdue, limit=limit)
    return CaseList(target_days=target, cases=[CaseSummary(**summary(c, target, now)) for c in rows])


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: str, session: ReadSessionDep, runtime: RuntimeDep):
    """One case: its timeline, what is due next and which steps it can take now."""
    return case_out(cases.get_case(session, case_id), runtime.settings.privacy_case_target_days)


@router.delete("/{case_id}", status_code=204, response_class=Response)
def erase_case(case_id: str, runtime: RuntimeDep, principal: PrincipalDep):
    """Erase a closed case's record (the requester was notified); the audit trail stays."""
    with runtime.db.session() as session:
        cases.erase_case(session, case_id=case_id, actor=principal.actor, now=utcnow())
        session.commit()
    return Response(status_code=204)


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    via: NoticeMethod


@router.post("/{case_id}/form-sent", response_model=CaseOut)
def form_sent(case_id: str, body: NoticeIn, runtime: RuntimeDep, principal: PrincipalDep):
    """The application form went to the requester."""
    return _take_step(runtime, case_id, CaseStep.FORM_SENT, StepInput(via=body.via), principal)


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: VerificationMethod
    note: str | None = Field(None, max_length=200, description="How it was checked, without personal data.")
    agent_authority_method: AgentAuthorityMethod | None = Field(None, description="Agents only: how authority was checked.")


@router.post("/{case_id}/identity-verification", response_model=CaseOut)
def identity_verified(case_id: str, body: IdentityIn, runtime: RuntimeDep, principal: PrincipalDep):
    """The requester's identity (and an agent's authority) was verified."""
    return _take_step(runtime, case_id, CaseStep.IDENTITY_VERIFICATION,
                      StepInput(method=body.method, note=body.note, agent_authority_method=body.agent_authority_method),
                      principal)


class FeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_yen: int = Field(..., ge=0, le=1_000_000)
    method: FeeMethod


@router.post("/{case_id}/fee", response_model=CaseOut)
def fee_received(case_id: str, body: FeeIn, runtime: RuntimeDep, principal: PrincipalDep):
    """The fee of a disclosure or purpose-notification request was received."""
    return _take_step(runtime, case_id, CaseStep.FEE, StepInput(amount_yen=body.amount_yen, method=body.method),
                      principal)


class WithholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: WithholdReason
    explanation: str = Field(..., min_length=1, max_length=cases.MAX_EXPLANATION)


@router.post("/{case_id}/withholding", response_model=CaseOut)
def withheld(case_id: str, body: WithholdIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Disclosure is withheld for one of the policy's reasons (the explanation stays in the case)."""
    return _take_step(runtime, case_id, CaseStep.WITHHOLDING, StepInput(reason=body.reason, explanation=body.explanation),
                      principal)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RejectReason
    explanation: str | None = Field(None, max_length=cases.MAX_EXPLANATION)


@router.post("/{case_id}/rejection", response_model=CaseOut)
def rejected(case_id: str, body: RejectIn, runtime: RuntimeDep, principal: PrincipalDep):
    """The request is rejected."""
    return _take_step(runtime, case_id, CaseStep.REJECTION, StepInput(reason=body.reason, explanation=body.explanation),
                      principal)


class MetadataChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: MetadataField
    call_id: str | None = Field(None, max_length=36, description="call_caller: the call.")
    caller_number: str | None = Field(None, min_length=1, max_length=40,
                                      description="call_caller: the number the call belongs to (hashed); "
                                                  "null detaches it.")
    ended_on: date | None = Field(None, description="contract_end: the date; null removes it.")


class FulfilmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: list[MetadataChangeIn] = Field(default_factory=list, max_length=100,
                                            description="Correction and addition cases: what to change.")


@router.post("/{case_id}/fulfilment", response_model=CaseOut)
async def fulfilled(case_id: str, body: FulfilmentIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Fulfil a deletion, stop-of-use, correction, addition or purpose-notification case."""
    changes = [MetadataChange(field=c.field, call_id=c.call_id, ended_on=c.ended_on,
                              caller_hash=(runtime.caller_hasher.hash_field(c.caller_number, f"changes[{n}].caller_number")
                                           if c.caller_number else None))
               for n, c in enumerate(body.changes)]
    return await run_in_threadpool(_take_step, runtime, case_id, CaseStep.FULFILMENT, StepInput(changes=changes),
                                   principal)


@router.post("/{case_id}/disclosure-package", response_class=FileResponse,
             responses={200: {"content": {"application/zip": {}},
                              "description": "The ZIP; the first download fulfils the case, each one is audited."}})
async def disclosure_package(case_id: str, runtime: RuntimeDep, principal: PrincipalDep):
    """The disclosure package of a disclosure case (raw audio included)."""
    package = await run_in_threadpool(fulfilment.disclosure_package, db=runtime.db, blobs=runtime.blobs,
                                      case_id=case_id, actor=principal.actor, now=utcnow(), work_dir=runtime.work_dir)
    return package_response(package)


def package_response(package) -> FileResponse:
    """A disclosure ZIP as a download, deleted once sent."""
    return FileResponse(package.path, media_type="application/zip", filename=f"disclosure-{package.request_id}.zip",
                        headers={"X-Privacy-Request-Id": package.request_id, "X-Content-SHA256": package.sha256,
                                 "Cache-Control": "no-store"},
                        background=BackgroundTask(package.path.unlink, missing_ok=True))


@router.post("/{case_id}/notification", response_model=CaseOut)
def notified(case_id: str, body: NoticeIn, runtime: RuntimeDep, principal: PrincipalDep):
    """The requester was told the outcome (and the reason, when withheld or rejected)."""
    return _take_step(runtime, case_id, CaseStep.NOTIFICATION, StepInput(via=body.via), principal)


