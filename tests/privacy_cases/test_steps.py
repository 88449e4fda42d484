"""take_step: the one way the API and the UI take a case's steps."""

from datetime import datetime, timezone

import pytest

from redactor import audit
from redactor.errors import PrivacyCaseError
from redactor.privacy_cases import steps
from redactor.privacy_cases.steps import CaseStep, StepInput, take_step

NOW = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
PM = audit.Actor("privacy_manager", "pm-key")


def _open(runtime):
    return steps.open_case(runtime.db, type="disclosure", channel="post", requester="person", agent_relationship=None,
                           caller_hash="ab" * 32, received_at=NOW, actor=PM, now=NOW)


def _take(runtime, case_id, step, values):
    return take_step(step, values, db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, fee_yen=1000,
                     case_id=case_id, actor=PM, now=NOW)


def test_steps_run_in_order_and_commit(runtime):
    case = _open(runtime)
    assert _take(runtime, case.id, CaseStep.FORM_SENT, StepInput(via="post")).state == "form_sent"
    _take(runtime, case.id, CaseStep.IDENTITY_VERIFICATION, StepInput(method="identity_document"))
    paid = _take(runtime, case.id, CaseStep.FEE, StepInput(amount_yen=1000, method="bank_transfer"))
    assert paid.state == "fee_received"
    with runtime.db.read_session() as session:
        assert steps.cases.get_case(session, case.id).state == "fee_received"


def test_a_fee_below_the_policy_is_refused(runtime):
    case = _open(runtime)
    _take(runtime, case.id, CaseStep.IDENTITY_VERIFICATION, StepInput(method="identity_document"))
    with pytest.raises(PrivacyCaseError):
        _take(runtime, case.id, CaseStep.FEE, StepInput(amount_yen=999, method="bank_transfer"))


def test_an_unknown_step_is_refused_naming_the_steps(runtime):
    case = _open(runtime)
    with pytest.raises(PrivacyCaseError) as refused:
        _take(runtime, case.id, "package-deal", StepInput())
    assert refused.value.code == "case_step_unknown" and "form-sent" in refused.value.message
