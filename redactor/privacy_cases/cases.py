"""Privacy cases: opening one, each step of its state machine, listing, the timeline, erasure.

Keyword-only functions over a session; the caller commits. Every step is checked by
`states.check` and audited as `privacy_case.<step>` with codes and ids only: the explanation of a
withholding or rejection stays in the case record (erasable with it), never in the audit log.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import PrivacyCaseError
from redactor.privacy_cases.states import (Action, AgentAuthorityMethod, AgentRelationship, CaseState, CaseType,
                                           Channel, FeeMethod, NoticeMethod, RejectReason, Requester,
                                           WithholdReason, check, due_next)
from redactor.privacy_requests.records import VerificationMethod
from redactor.store.privacy_cases import PrivacyCase

MAX_EXPLANATION = 2000


def _code(enum: type, value: str | None, field: str, *, required: bool = True) -> str | None:
    """`value` checked against `enum`: the error names the field and the valid codes, never the value."""
    if value is None and not required:
        return None
    try:
        return enum(value).value
    except ValueError:
        raise PrivacyCaseError(422, "case_field_invalid",
                               f"{field} must be one of {', '.join(e.value for e in enum)}") from None


def get_case(session: Session, case_id: str) -> PrivacyCase:
    case = session.get(PrivacyCase, case_id)
    if case is None:
        raise PrivacyCaseError(404, "case_not_found", f"no privacy case {case_id}; list them with GET /v1/privacy-cases")
    return case


def _step(session: Session, case: PrivacyCase, action: Action, *, actor: audit.Actor, now: datetime,
          details: dict[str, Any] | None = None) -> None:
    """Move `case` by `action` (checked) and audit the move."""
    before = case.state
    case.state = check(action, state=case.state, type=case.type).value
    audit.record(session, type=f"privacy_case.{case.state}", actor=actor, now=now,
                 details={"case_id": case.id, "case_type": case.type, "from_state": before, **(details or {})})


def open_case(session: Session, *, type: str, channel: str, requester: str, agent_relationship: str | None,
              caller_hash: str, received_at: datetime, actor: audit.Actor, now: datetime) -> PrivacyCase:
    """Record a request as it arrived (state `received`)."""
    requester = _code(Requester, requester, "requester")
    relationship = _code(AgentRelationship, agent_relationship, "agent_relationship", required=False)
    if requester == Requester.AGENT and relationship is None:
        raise PrivacyCaseError(422, "agent_relationship_missing",
                               "a request by an agent names the agent's relationship (agent_relationship)")
    if requester == Requester.PERSON and relationship is not None:
        raise PrivacyCaseError(422, "agent_relationship_unexpected",
                               "agent_relationship is for requests by an agent; drop it or set requester to agent")
    if received_at > now:
        raise PrivacyCaseError(422, "case_field_invalid", "received_at is in the future; give when the request arrived")
    case = PrivacyCase(id=str(uuid.uuid4()), type=_code(CaseType, type, "type"), channel=_code(Channel, channel, "channel"),
                       requester=requester, agent_relationship=relationship, caller_hash=caller_hash,
                       state=CaseState.RECEIVED.value, received_at=received_at, opened_by_key_id=actor.key_id)
    session.add(case)
    session.flush()
    audit.record(session, type="privacy_case.received", actor=actor, now=now,
                 details={"case_id": case.id, "case_type": case.type, "channel": case.channel,
                          "requester": requester, "agent_relationship": relationship})
    return case


def send_form(session: Session, *, case_id: str, via: str, actor: audit.Actor, now: datetime) -> PrivacyCase:
    """The application form was sent to the requester."""
    case = get_case(session, case_id)
    via = _code(NoticeMethod, via, "via")
    _step(session, case, Action.SEND_FORM, actor=actor, now=now, details={"via": via})
    case.form_sent_at, case.form_sent_via, case.form_sent_by_key_id = now, via, actor.key_id
    return case


def verify_identity(session: Session, *, case_id: str, method: str, note: str | None,
                    agent_authority_method: str | None, actor: audit.Actor, now: datetime) -> PrivacyCase:
    """The requester's identity (and an agent's authority) was verified."""
    case = get_case(session, case_id)
    method = _code(VerificationMethod, method, "method")
    authority = _code(AgentAuthorityMethod, agent_authority_method, "agent_authority_method", required=False)
    if case.requester == Requester.AGENT and authority is None:
        raise PrivacyCaseError(422, "agent_authority_missing",
                               "the requester is an agent: say how the agent's authority was checked "
                               "(agent_authority_method)")
    if case.requester == Requester.PERSON and authority is not None:
        raise PrivacyCaseError(422, "agent_authority_unexpected",
                               "the requester is the person; agent_authority_method is for agents")
    _step(session, case, Action.VERIFY_IDENTITY, actor=actor, now=now,
          details={"method": method, "agent_authority_method": authority})
    case.identity_verified_at, case.identity_method, case.identity_note = now, method, note
    case.agent_authority_method, case.identity_verified_by_key_id = authority, actor.key_id
    return case


def record_fee(session: Session, *, case_id: str, amount_yen: int, method: str, fee_yen: int,
               actor: audit.Actor, now: datetime) -> PrivacyCase:
    """The fee was received; less than the policy's `fee_yen` is refused."""
    case = get_case(session, case_id)
    method = _code(FeeMethod, method, "method")
    check(Action.RECORD_FEE, state=case.state, type=case.type)
    if amount_yen < fee_yen:
        raise PrivacyCaseError(422, "fee_insufficient",
                               f"the fee is {fee_yen} yen and {amount_yen} yen were received; record it when the "
                               "full fee has arrived, or reject the case with reason fee_not_paid")
    _step(session, case, Action.RECORD_FEE, actor=actor, now=now, details={"method": method, "amount_yen": amount_yen})
    case.fee_received_at, case.fee_amount_yen, case.fee_method = now, amount_yen, method
    case.fee_recorded_by_key_id = actor.key_id
    return case


def _explanation(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_EXPLANATION:
        raise PrivacyCaseError(422, "explanation_too_long",
                               f"the explanation has over {MAX_EXPLANATION} characters; shorten it")
    return text or None


def withhold(session: Session, *, case_id: str, reason: str, explanation: str | None, actor: audit.Actor,
             now: datetime) -> PrivacyCase:
    """Disclosure (or notification of purpose) is withheld for one of the policy's reasons."""
    case = get_case(session, case_id)
    reason = _code(WithholdReason, reason, "reason")
    explanation = _explanation(explanation)
    if explanation is None:
        raise PrivacyCaseError(422, "explanation_missing",
                               "say why disclosure is withheld (explanation): the requester is told the reason")
    _step(session, case, Action.WITHHOLD, actor=actor, now=now, details={"reason": reason})
    _decided(case, reason=reason, explanation=explanation, actor=actor, now=now)
    return case


def reject(session: Session, *, case_id: str, reason: str, explanation: str | None, actor: audit.Actor,
           now: datetime) -> PrivacyCase:
    """The request is rejected (identity or authority not verified, fee not paid, ...)."""
    case = get_case(session, case_id)
    reason = _code(RejectReason, reason, "reason")
    _step(session, case, Action.REJECT, actor=actor, now=now, details={"reason": reason})
    _decided(case, reason=reason, explanation=_explanation(explanation), actor=actor, now=now)
    return case


def fulfil(session: Session, *, case_id: str, outcome: dict[str, Any], privacy_request_id: str | None,
           actor: audit.Actor, now: datetime) -> PrivacyCase:
    """Mark the case fulfilled with what was done (ids and counts; see redactor.privacy_cases.fulfilment)."""
    case = get_case(session, case_id)
    _step(session, case, Action.FULFIL, actor=actor, now=now,
          details={"privacy_request_id": privacy_request_id, **outcome})
    _decided(case, reason=None, explanation=None, actor=actor, now=now)
    case.outcome_json = json.dumps(outcome, sort_keys=True)
    case.privacy_request_id = privacy_request_id
    return case


def _decided(case: PrivacyCase, *, reason: str | None, explanation: str | None, actor: audit.Actor,
             now: datetime) -> None:
    case.decided_at, case.decision_reason, case.explanation = now, reason, explanation
    case.decided_by_key_id = actor.key_id


def notify(session: Session, *, case_id: str, via: str, actor: audit.Actor, now: datetime) -> PrivacyCase:
    """The requester was told the outcome (and, when withheld or rejected, the reason)."""
    case = get_case(session, case_id)
    via = _code(NoticeMethod, via, "via")
    _step(session, case, Action.NOTIFY, actor=actor, now=now, details={"via": via})
    case.notified_at, case.notified_via, case.notified_by_key_id = now, via, actor.key_id
    return case


def forget_caller(session: Session, *, caller_hash: str) -> int:
    """After the caller's data was erased: their cases keep no caller hash and no free text about
    them (how they proved who they were, why something was withheld); codes and dates stay."""
    return session.execute(update(PrivacyCase).where(PrivacyCase.caller_hash == caller_hash)
                           .values(caller_hash=None, identity_note=None, explanation=None)).rowcount


def erase_case(session: Session, *, case_id: str, actor: audit.Actor, now: datetime) -> None:
    """Delete a closed case's record (its explanation with it); the audit trail of its steps stays."""
    case = get_case(session, case_id)
    if case.state != CaseState.NOTIFIED:
        raise PrivacyCaseError(409, "case_open", f"case {case_id} is {case.state}; only a case whose requester "
                               "was notified can be erased")
    session.delete(case)
    audit.record(session, type="privacy_case.erased", actor=actor, now=now,
                 details={"case_id": case_id, "case_type": case.type})


def due_at(case: PrivacyCase, target_days: int) -> datetime:
    """When the requester should have been answered ("without delay", as configured)."""
    return case.received_at + timedelta(days=target_days)


def is_overdue(case: PrivacyCase, *, now: datetime, target_days: int) -> bool:
    return case.state != CaseState.NOTIFIED and now > due_at(case, target_days)


def list_cases(session: Session, *, now: datetime, target_days: int, state: str | None = None,
               overdue_only: bool = False, limit: int = 200) -> list[PrivacyCase]:
    """Newest first; `overdue_only` keeps cases past the target whose requester is not yet notified."""
    query = select(PrivacyCase)
    if state is not None:
        query = query.where(PrivacyCase.state == _code(CaseState, state, "state"))
    if overdue_only:
        query = query.where(PrivacyCase.state != CaseState.NOTIFIED.value,
                            PrivacyCase.received_at < now - timedelta(days=target_days))
    query = query.order_by(PrivacyCase.received_at.desc(), PrivacyCase.id).limit(limit)
    return list(session.execute(query).scalars())


@dataclass(frozen=True)
class TimelineStep:
    """One step taken on a case: what, when, by which key, and its codes (no free text)."""

    state: str
    at: datetime
    by_key_id: str | None
    codes: dict[str, str]


def timeline(case: PrivacyCase) -> list[TimelineStep]:
    """The steps taken so far, in order."""
    steps = [TimelineStep(CaseState.RECEIVED, case.received_at, case.opened_by_key_id,
                          _codes(channel=case.channel, requester=case.requester,
                                 agent_relationship=case.agent_relationship))]
    if case.form_sent_at:
        steps.append(TimelineStep(CaseState.FORM_SENT, case.form_sent_at, case.form_sent_by_key_id,
                                  _codes(via=case.form_sent_via)))
    if case.identity_verified_at:
        steps.append(TimelineStep(CaseState.IDENTITY_VERIFIED, case.identity_verified_at,
                                  case.identity_verified_by_key_id,
                                  _codes(method=case.identity_method,
                                         agent_authority_method=case.agent_authority_method)))
    if case.fee_received_at:
        steps.append(TimelineStep(CaseState.FEE_RECEIVED, case.fee_received_at, case.fee_recorded_by_key_id,
                                  _codes(method=case.fee_method, amount_yen=case.fee_amount_yen)))
    if case.decided_at:
        decided = case.state if case.state != CaseState.NOTIFIED else _decision_of(case)
        steps.append(TimelineStep(decided, case.decided_at, case.decided_by_key_id,
                                  _codes(reason=case.decision_reason)))
    if case.notified_at:
        steps.append(TimelineStep(CaseState.NOTIFIED, case.notified_at, case.notified_by_key_id,
                                  _codes(via=case.notified_via)))
    return steps


def _decision_of(case: PrivacyCase) -> str:
    if case.decision_reason in {r.value for r in WithholdReason}:
        return CaseState.WITHHELD
    if case.decision_reason is not None:
        return CaseState.REJECTED
    return CaseState.FULFILLED


def _codes(**values: object) -> dict[str, str]:
    return {name: str(value) for name, value in values.items() if value is not None}


def next_step(case: PrivacyCase) -> Action | None:
    return due_next(case.state, case.type)
