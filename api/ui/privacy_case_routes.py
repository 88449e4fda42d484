"""The privacy manager's cases and third-party ledger in the review workspace.

    /ui/privacy/cases              the case list (overdue first flagged) and the form to open one
    /ui/privacy/cases/{id}         the timeline, what is due next, a form for each allowed step
    /ui/privacy/cases/{id}/package the disclosure ZIP, after the privacy manager re-enters their key
    /ui/privacy/provisions         the third-party provision ledger, its CSV, the contractors

privacy_manager only. Every POST carries the session's CSRF token and runs the same functions as
the JSON API (redactor.privacy_cases), which check and audit each step. A refused step
re-renders the page with the error and a 4xx status.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import RuntimeDep
from api.routes.privacy_cases import package_response
from api.routes.third_party_provisions import csv_response, provision_out
from api.ui.privacy_routes import checked_form, forbidden, ui_actor
from api.ui.web import UiUser, UiUserDep, render
from redactor import audit
from redactor.api_keys import Role, authenticate
from redactor.errors import RefusedError
from redactor.privacy_cases import cases, fulfilment, provisions, steps
from redactor.privacy_cases.corrections import MetadataChange, MetadataField
from redactor.privacy_cases.states import (AgentAuthorityMethod, AgentRelationship, CaseState, CaseType, Channel,
                                           FeeMethod, NoticeMethod, RejectReason, Requester, WithholdReason,
                                           allowed_actions)
from redactor.privacy_cases.steps import CaseStep, StepInput, take_step
from redactor.privacy_requests.records import VerificationMethod
from redactor.store.types import utcnow
from redactor.values import bounded_day

router = APIRouter(include_in_schema=False)

JST = ZoneInfo("Asia/Tokyo")
# The codes each form offers (labels: t("code_" + value)).
CHOICES = {
    "types": [e.value for e in CaseType], "channels": [e.value for e in Channel if e != Channel.API],
    "requesters": [e.value for e in Requester], "relationships": [e.value for e in AgentRelationship],
    "verification_methods": [e.value for e in VerificationMethod],
    "authority_methods": [e.value for e in AgentAuthorityMethod], "notice_methods": [e.value for e in NoticeMethod],
    "fee_methods": [e.value for e in FeeMethod], "withhold_reasons": [e.value for e in WithholdReason],
    "reject_reasons": [e.value for e in RejectReason], "metadata_fields": [e.value for e in MetadataField],
    "legal_bases": [e.value for e in provisions.LegalBasis], "data_categories": [e.value for e in provisions.DataCategory],
}


class FormError(RefusedError):
    """A form field that cannot be read (a 422 shown on the page, like a refused step)."""

    def __init__(self, message: str) -> None:
        super().__init__(422, "form_invalid", message)


def _text(form: FormData, name: str) -> str | None:
    return str(form.get(name) or "").strip() or None


def _date(form: FormData, name: str) -> date | None:
    value = _text(form, name)
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        raise FormError(f"{name}: give a date as YYYY-MM-DD") from None
    try:  # the API's bounds (redactor.values): no request, provision or contract lies outside them
        return bounded_day(day) if day else None
    except ValueError as error:
        raise FormError(f"{name}: {error}") from None


def _caller_hash(runtime, form: FormData, name: str = "caller_number") -> str | None:
    number = _text(form, name)
    return runtime.caller_hasher.hash_field(number, name) if number else None


# --- the case list -------------------------------------------------------------------------

def _list_page(request: Request, user: UiUser, runtime, *, status_code: int = 200, error: str | None = None):
    target, now = runtime.settings.privacy_case_target_days, utcnow()
    overdue_only = request.query_params.get("overdue") == "1"
    with runtime.db.read_session() as session:
        rows = cases.list_cases(session, now=now, target_days=target, overdue_only=overdue_only)
        overdue = len(cases.list_cases(session, now=now, target_days=target, overdue_only=True))
    listed = [{"case": c, "due_at": cases.due_at(c, target), "overdue": cases.is_overdue(c, now=now, target_days=target),
               "due_next": cases.next_step(c)} for c in rows]
    return render(request, "ui/privacy_cases.html", {"cases": listed, "overdue_count": overdue, "target_days": target,
                                                     "overdue_only": overdue_only, "choices": CHOICES, "error": error},
                  user=user, status_code=status_code)


@router.get("/ui/privacy/cases")
def case_list(request: Request, user: UiUserDep, runtime: RuntimeDep):
    if not user.is_privacy_manager:
        return forbidden(request, user)
    return _list_page(request, user, runtime)


@router.post("/ui/privacy/cases")
async def open_case(request: Request, user: UiUserDep, runtime: RuntimeDep):
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    try:
        caller_hash = _caller_hash(runtime, form)
        if caller_hash is None:
            raise FormError("caller_number: give the number the request is about")
        received_on = _date(form, "received_on")
        now = utcnow()
        # A date given on paper is the day it arrived, Japan time; today means now.
        received_at = (now if received_on is None or received_on == now.astimezone(JST).date()
                       else datetime.combine(received_on, time(9), JST))
        case = steps.open_case(runtime.db, type=str(form.get("type")), channel=str(form.get("channel")),
                               requester=str(form.get("requester") or Requester.PERSON),
                               agent_relationship=_text(form, "agent_relationship"), caller_hash=caller_hash,
                               received_at=received_at, actor=ui_actor(user), now=now)
    except RefusedError as error:
        return _list_page(request, user, runtime, status_code=error.status, error=error.message)
    return RedirectResponse(f"/ui/privacy/cases/{case.id}", status_code=303)


# --- one case --------------------------------------------------------------------------------

def _case_page(request: Request, user: UiUser, runtime, case_id: str, *, status_code: int = 200,
               error: str | None = None):
    target = runtime.settings.privacy_case_target_days
    with runtime.db.read_session() as session:
        try:
            case = cases.get_case(session, case_id)
        except RefusedError:
            return render(request, "ui/message.html", {"message": "case_not_found"}, user=user, status_code=404)
    context = {"case": case, "timeline": cases.timeline(case), "due_next": cases.next_step(case),
               "allowed": [a.value for a in allowed_actions(case.state, case.type)],
               "due_at": cases.due_at(case, target), "overdue": cases.is_overdue(case, now=utcnow(), target_days=target),
               "package_ready": case.type == CaseType.DISCLOSURE and (
                   "fulfil" in [a.value for a in allowed_actions(case.state, case.type)] or case.state == CaseState.FULFILLED),
               "fee_yen": runtime.settings.privacy_request_fee_yen, "choices": CHOICES, "error": error,
               "saved": request.query_params.get("saved")}
    return render(request, "ui/privacy_case.html", context, user=user, status_code=status_code)


@router.get("/ui/privacy/cases/{case_id}")
def case_page(case_id: str, request: Request, user: UiUserDep, runtime: RuntimeDep):
    if not user.is_privacy_manager:
        return forbidden(request, user)
    return _case_page(request, user, runtime, case_id)


def _step_input(runtime, step: str, form: FormData) -> StepInput:
    """The form of `step` as the step's input (redactor.privacy_cases.steps)."""
    if step == CaseStep.FEE:
        amount = _text(form, "amount_yen") or ""
        if not amount.isdigit() or len(amount) > 7:
            raise FormError("amount_yen: give the amount received in yen (digits)")
        return StepInput(amount_yen=int(amount), method=_text(form, "method"))
    if step == CaseStep.FULFILMENT:
        return StepInput(changes=_changes(runtime, form))
    return StepInput(via=_text(form, "via"), method=_text(form, "method"), note=_text(form, "note"),
                     agent_authority_method=_text(form, "agent_authority_method"), reason=_text(form, "reason"),
                     explanation=_text(form, "explanation"))


def _changes(runtime, form: FormData) -> list[MetadataChange]:
    """The one metadata change a correction or addition form carries (none for other types)."""
    field = _text(form, "field")
    if field is None:
        return []
    if field not in CHOICES["metadata_fields"]:
        raise FormError(f"field must be one of {', '.join(CHOICES['metadata_fields'])}")
    return [MetadataChange(field=MetadataField(field), call_id=_text(form, "call_id"),
                           caller_hash=_caller_hash(runtime, form, "new_caller_number"),
                           ended_on=_date(form, "ended_on"))]


@router.post("/ui/privacy/cases/{case_id}/{step}")
async def case_step(case_id: str, step: str, request: Request, user: UiUserDep, runtime: RuntimeDep):
    """One step of the case (form-sent, identity-verification, fee, withholding, rejection, fulfilment,
    notification, or package: the disclosure ZIP after the key is re-entered)."""
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    try:
        if step == "package":
            return await _package(request, user, runtime, case_id, form)
        values = _step_input(runtime, step, form)
        await run_in_threadpool(take_step, step, values, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue,
                                fee_yen=runtime.settings.privacy_request_fee_yen, case_id=case_id,
                                actor=ui_actor(user), now=utcnow())
    except RefusedError as error:
        return _case_page(request, user, runtime, case_id, status_code=error.status, error=error.message)
    return RedirectResponse(f"/ui/privacy/cases/{case_id}?saved={step}", status_code=303)


async def _package(request: Request, user: UiUser, runtime, case_id: str, form: FormData) -> Response:
    """The disclosure ZIP. It holds raw audio, so the signed-in privacy manager types their API key
    again: a session left open on a desk is not enough to take the recordings away."""
    with runtime.db.read_session() as session:
        principal = authenticate(session=session, token=str(form.get("api_key") or "").strip())
    if principal is None or principal.key_id != user.key_id or principal.role != Role.PRIVACY_MANAGER.value:
        with runtime.db.session() as session:
            audit.record(session, type="privacy_case.package_refused", actor=ui_actor(user), now=utcnow(),
                         details={"case_id": case_id, "reason": "key_mismatch"})
            session.commit()
        return _case_page(request, user, runtime, case_id, status_code=403,
                          error="the key is not the one this session signed in with; type your own privacy "
                                "manager API key")
    package = await run_in_threadpool(fulfilment.disclosure_package, db=runtime.db, blobs=runtime.blobs,
                                      case_id=case_id, actor=principal.actor, now=utcnow(), work_dir=runtime.work_dir)
    return package_response(package)


# --- the third-party ledger ------------------------------------------------------------------

def _ledger_page(request: Request, user: UiUser, runtime, *, status_code: int = 200, error: str | None = None,
                 error_section: str | None = None):
    with runtime.db.read_session() as session:
        contractors = provisions.list_contractors(session)
        rows = provisions.list_provisions(session, limit=500)
    return render(request, "ui/provisions.html", {
        "provisions": [provision_out(r) for r in rows], "contractors": contractors, "contractor_names": {c.id: c.name for c in contractors},
        "retention_days": runtime.settings.third_party_record_retention_days, "choices": CHOICES,
        "error": error, "error_section": error_section, "saved": request.query_params.get("saved")},
        user=user, status_code=status_code)


@router.get("/ui/privacy/provisions")
def ledger(request: Request, user: UiUserDep, runtime: RuntimeDep):
    if not user.is_privacy_manager:
        return forbidden(request, user)
    return _ledger_page(request, user, runtime)


@router.get("/ui/privacy/provisions.csv")
def ledger_csv(request: Request, user: UiUserDep, runtime: RuntimeDep):
    if not user.is_privacy_manager:
        return forbidden(request, user)
    with runtime.db.read_session() as session:
        text = provisions.ledger_csv(provisions.list_provisions(session), provisions.list_contractors(session))
    return csv_response(text)


@router.post("/ui/privacy/provisions")
async def add_provision(request: Request, user: UiUserDep, runtime: RuntimeDep):
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    try:
        contractor = _text(form, "contractor_id")
        if contractor is not None and not (contractor.isdigit() and len(contractor) < 10):
            raise FormError("contractor_id: choose a contractor from the list")
        call_ids = [c for c in (_text(form, "call_ids") or "").replace(",", " ").split() if c]
        with runtime.db.session() as session:
            provisions.record_provision(
                session, provided_on=_date(form, "provided_on") or utcnow().astimezone(JST).date(),
                recipient=_text(form, "recipient") or "", legal_basis=str(form.get("legal_basis")),
                basis_reference=_text(form, "basis_reference"), data_categories=form.getlist("data_categories"),
                call_ids=call_ids, caller_hash=_caller_hash(runtime, form),
                contractor_id=int(contractor) if contractor else None, actor=ui_actor(user), now=utcnow())
            session.commit()
    except RefusedError as error:
        return _ledger_page(request, user, runtime, status_code=error.status, error=error.message,
                            error_section="provisions")
    return RedirectResponse("/ui/privacy/provisions?saved=provisions#provisions", status_code=303)


@router.post("/ui/privacy/contractors")
async def add_contractor(request: Request, user: UiUserDep, runtime: RuntimeDep):
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    try:
        start = _date(form, "contract_start")
        if start is None:
            raise FormError("contract_start: give the date the contract started")
        with runtime.db.session() as session:
            provisions.add_contractor(session, name=_text(form, "name") or "", purpose=_text(form, "purpose") or "",
                                      contract_start=start, contract_end=_date(form, "contract_end"),
                                      actor=ui_actor(user), now=utcnow())
            session.commit()
    except RefusedError as error:
        return _ledger_page(request, user, runtime, status_code=error.status, error=error.message,
                            error_section="contractors")
    return RedirectResponse("/ui/privacy/provisions?saved=contractors#contractors", status_code=303)
