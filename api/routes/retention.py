"""Retention (privacy_manager): policy, report, on-demand purge; contract ends; consent changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import PrincipalDep, ReadSessionDep, RuntimeDep, SessionDep, get_existing_call, require_roles
from api.schemas import ERROR_RESPONSES, RequestBody
from redactor.api_keys import Role
from redactor.consent import ConsentState
from redactor.retention import policy as retention_policy
from redactor.retention.consent_changes import change_consent
from redactor.retention.contract_ends import record_contract_end
from redactor.retention.purge import purge_expired_artifacts
from redactor.retention.report import retention_report
from redactor.store.types import utcnow
from redactor.values import Day, Instant

router = APIRouter(tags=["retention"])

POLICY_EXAMPLE = retention_policy.RetentionPolicy().model_dump(mode="json")


@router.get("/v1/retention-policy", response_model=retention_policy.RetentionPolicy, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def read_retention_policy(session: ReadSessionDep):
    """Limits for raw audio, redacted transcripts and redacted audio (ISO 8601 durations), overrides."""
    return retention_policy.get_policy(session)


@router.put("/v1/retention-policy", response_model=retention_policy.RetentionPolicy, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER)])
def write_retention_policy(session: SessionDep, principal: PrincipalDep,
                           body: Annotated[dict[str, Any], Body(examples=[POLICY_EXAMPLE])]):
    """Replace the policy. Applies to existing calls at the next purge; audited with old and new values."""
    new = retention_policy.parse_policy(body)
    retention_policy.set_policy(session=session, policy=new, actor=principal.actor)
    session.commit()
    return new


class PurgeItemOut(BaseModel):
    call_id: str
    artifact: str
    reason: str
    due_at: datetime | None


class PurgeOut(BaseModel):
    dry_run: bool
    now: datetime
    items: list[PurgeItemOut]
    counts: dict[str, int]
    resumed: int = Field(description="Deletions a crashed run left half done, finished now (dry run: waiting).")
    held: int = Field(description="Expired artifacts kept because their call is under a legal hold.")
    failed: int
    orphans: int = Field(description="Blob files no record pointed at, removed (dry run: found).")


@router.post("/v1/retention/purge", response_model=PurgeOut, responses=ERROR_RESPONSES,
             dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
async def purge(runtime: RuntimeDep, principal: PrincipalDep,
                dry_run: Annotated[bool, Query(description="List what would go; change nothing.")] = False):
    """Purge every expired artifact now (the server also purges at start and on a schedule)."""
    report = await run_in_threadpool(purge_expired_artifacts, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue,
                                     now=utcnow(), dry_run=dry_run, actor=principal.actor)
    return PurgeOut(dry_run=report.dry_run, now=report.now, counts=report.counts(), resumed=report.resumed,
                    held=report.held, failed=report.failed, orphans=report.orphans,
                    items=[PurgeItemOut(call_id=i.call_id, artifact=i.artifact, reason=i.reason, due_at=i.due_at)
                           for i in report.items])


class OldestOut(BaseModel):
    call_id: str
    started_at: datetime
    age_seconds: int
    limit_seconds: int
    count_from: str
    due_at: datetime | None
    seconds_until_due: int | None = Field(description="Negative: past its limit (held, or purge pending).")
    on_hold: bool


class ArtifactReportOut(BaseModel):
    artifact: str
    count: int
    by_age: dict[str, int]
    overdue: int
    on_hold: int
    waiting_for_contract_end: int
    oldest: OldestOut | None


class RetentionReportOut(BaseModel):
    generated_at: datetime
    artifacts: list[ArtifactReportOut]
    active_holds: int
    pending_deletions: int
    last_purge_at: datetime | None = Field(
        description="When the latest purge ran (the server runs one at start, then every purge interval).")


@router.get("/v1/retention/report", response_model=RetentionReportOut, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.PRIVACY_MANAGER, Role.ADMIN)])
def read_retention_report(session: ReadSessionDep):
    """Artifacts held by age, overdue and held counts, and the oldest of each kind vs its limit."""
    report = retention_report(session, now=utcnow())
    return RetentionReportOut.model_validate(report, from_attributes=True)


class ContractEndIn(RequestBody):
    caller_number: str = Field(..., min_length=1, max_length=40, description="Hashed, never stored.")
    ended_on: Day = Field(..., description="The last day of the contract (YYYY-MM-DD).")


class ContractEndOut(BaseModel):
    """What was recorded; never whether the number has calls (that would tell a telephony key
    about other integrations' callers)."""

    ended_on: date


@router.post("/v1/contract-ends", response_model=ContractEndOut, responses=ERROR_RESPONSES,
             dependencies=[require_roles(Role.TELEPHONY, Role.PRIVACY_MANAGER)])
def post_contract_end(body: ContractEndIn, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep):
    """Record when a caller's contract ended (policies may count limits from it)."""
    caller_hash = runtime.caller_hasher.hash_number(body.caller_number)
    recorded = record_contract_end(session=session, caller_hash=caller_hash, ended_on=body.ended_on,
                                   actor=principal.actor)
    session.commit()
    return ContractEndOut(ended_on=recorded.ended_on)


class ConsentChangeIn(RequestBody):
    state: ConsentState
    method: str | None = Field(None, max_length=64, description="How the change was obtained (IVR, verbal, ...).")
    recorded_at: Instant | None = None


class ConsentChangeOut(BaseModel):
    call_id: str
    old_state: str
    new_state: str
    erased: list[str]
    held: bool = Field(description="Erasure postponed: the call is under a legal hold.")


@router.post("/v1/calls/{call_id}/consent", response_model=ConsentChangeOut, responses=ERROR_RESPONSES,
             dependencies=[require_roles(Role.TELEPHONY, Role.PRIVACY_MANAGER)])
async def post_consent_change(call_id: str, body: ConsentChangeIn, request: Request, runtime: RuntimeDep,
                              principal: PrincipalDep):
    """Change a call's consent; withdrawing it erases raw audio and transcripts at once (audited).

    A telephony key changes only the calls it uploaded."""
    # Not CallDep: its read session would stay open during the erasure and keep the WAL checkpoint
    # from overwriting the erased text.
    with runtime.db.read_session() as session:
        call = get_existing_call(call_id, session, request)
    changed = await run_in_threadpool(
        change_consent, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, call_id=call.id,
        state=body.state.value, method=body.method, recorded_at=body.recorded_at, actor=principal.actor, now=utcnow())
    return ConsentChangeOut(call_id=changed.call_id, old_state=changed.old_state, new_state=changed.new_state,
                            erased=changed.erased, held=changed.held)
