"""A case's steps as the API and the UI take them: one name each (the URL segment), what a step
takes, and `take_step`, which runs it (checked and audited by `cases` or `fulfilment`) and
commits. Routes only read their request into a `StepInput`.

    case = take_step(CaseStep.FEE, StepInput(amount_yen=1000, method="bank_transfer"), db=..., ...)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.errors import PrivacyCaseError
from redactor.jobs.queue import JobQueue
from redactor.privacy_cases import cases, fulfilment
from redactor.privacy_cases.corrections import MetadataChange
from redactor.store.db import Database
from redactor.store.privacy_cases import PrivacyCase


class CaseStep(StrEnum):
    FORM_SENT = "form-sent"
    IDENTITY_VERIFICATION = "identity-verification"
    FEE = "fee"
    WITHHOLDING = "withholding"
    REJECTION = "rejection"
    FULFILMENT = "fulfilment"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class StepInput:
    """What the requester's side of a step says; each step reads its own fields."""

    via: str | None = None  # form-sent, notification: how the requester was reached
    method: str | None = None  # identity-verification: how identity was checked; fee: how it was paid
    note: str | None = None  # identity-verification
    agent_authority_method: str | None = None  # identity-verification, agents only
    amount_yen: int | None = None  # fee
    reason: str | None = None  # withholding, rejection
    explanation: str | None = None  # withholding, rejection
    changes: list[MetadataChange] = field(default_factory=list)  # fulfilment of a correction or addition


# The steps that are one change of the case in one transaction (fulfilment runs its own).
_IN_SESSION: dict[CaseStep, Callable[..., PrivacyCase]] = {
    CaseStep.FORM_SENT: lambda session, values, fee_yen, **common: cases.send_form(session, via=values.via, **common),
    CaseStep.IDENTITY_VERIFICATION: lambda session, values, fee_yen, **common: cases.verify_identity(
        session, method=values.method, note=values.note, agent_authority_method=values.agent_authority_method, **common),
    CaseStep.FEE: lambda session, values, fee_yen, **common: cases.record_fee(
        session, amount_yen=values.amount_yen, method=values.method, fee_yen=fee_yen, **common),
    CaseStep.WITHHOLDING: lambda session, values, fee_yen, **common: cases.withhold(
        session, reason=values.reason, explanation=values.explanation, **common),
    CaseStep.REJECTION: lambda session, values, fee_yen, **common: cases.reject(
        session, reason=values.reason, explanation=values.explanation, **common),
    CaseStep.NOTIFICATION: lambda session, values, fee_yen, **common: cases.notify(session, via=values.via, **common),
}


def take_step(step: str, values: StepInput, *, db: Database, blobs: BlobStore, queue: JobQueue, fee_yen: int,
              case_id: str, actor: audit.Actor, now: datetime) -> PrivacyCase:
    """Take `step` of case `case_id` and commit; `fee_yen` is the policy's fee (Settings). Refusals
    (an unknown step, a step the case's state does not allow, a bad value) raise a RefusedError."""
    if step == CaseStep.FULFILMENT:
        return fulfilment.fulfil(db=db, blobs=blobs, queue=queue, case_id=case_id, changes=values.changes,
                                 actor=actor, now=now)
    if step not in _IN_SESSION:
        raise PrivacyCaseError(422, "case_step_unknown",
                               f"no case step {step!r}; steps: {', '.join(s.value for s in CaseStep)}")
    with db.session() as session:
        case = _IN_SESSION[CaseStep(step)](session, values, fee_yen, case_id=case_id, actor=actor, now=now)
        session.commit()
    return case


def open_case(db: Database, **details) -> PrivacyCase:
    """Open a case (`cases.open_case`'s keywords) and commit."""
    with db.session() as session:
        case = cases.open_case(session, **details)
        session.commit()
    return case
