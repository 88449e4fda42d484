"""Correction and addition: what the service holds about a caller, changed on their request.

Two things are the caller's own metadata here: the caller a call is attached to (its keyed
caller hash, e.g. a call filed under the wrong number) and the caller's contract end date
(which can start retention clocks). A correction changes or removes a value that is there; an
addition fills one that is missing. The change is audited as `privacy_case.metadata_changed`
with the field, the call id and what kind of change it was; old and new values never enter the
audit log (they are personal data, and the log cannot be erased).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import PrivacyCaseError
from redactor.privacy_cases.states import CaseType
from redactor.store.models import Call
from redactor.store.privacy_cases import PrivacyCase
from redactor.store.retention_tables import ContractEnd


class MetadataField(StrEnum):
    CALL_CALLER = "call_caller"  # the caller number a call is attached to (kept as its keyed hash)
    CONTRACT_END = "contract_end"  # the caller's contract end date


@dataclass(frozen=True)
class MetadataChange:
    """One change. `caller_hash`: the keyed hash of the number the call belongs to (None removes
    the attachment); `ended_on`: the contract end date (None removes it)."""

    field: MetadataField
    call_id: str | None = None
    caller_hash: str | None = None
    ended_on: date | None = None


def apply_changes(session: Session, case: PrivacyCase, changes: list[MetadataChange], *, actor: audit.Actor,
                  now: datetime) -> dict[str, int]:
    """Apply every change of a correction or addition case (all or none: the caller commits)."""
    if case.type not in (CaseType.CORRECTION, CaseType.ADDITION):
        raise PrivacyCaseError(409, "case_type_mismatch", f"metadata changes fulfil correction or addition cases; "
                               f"this case is a {case.type} request")
    if not changes:
        raise PrivacyCaseError(422, "changes_missing", "a correction or addition case is fulfilled by the changes it "
                               "asked for: send at least one in changes")
    adding = case.type == CaseType.ADDITION
    for change in changes:
        if change.field == MetadataField.CALL_CALLER:
            kind = _change_call_caller(session, case, change, adding=adding)
        else:
            kind = _change_contract_end(session, case, change, adding=adding, actor=actor)
        audit.record(session, type="privacy_case.metadata_changed", actor=actor, call_id=change.call_id, now=now,
                     details={"case_id": case.id, "field": change.field.value, "change": kind})
    return {"metadata_changes": len(changes)}


def _kind(present: bool, removing: bool, *, adding: bool, field: str) -> str:
    """'added', 'corrected' or 'removed'; refuses an addition over a value or a correction of nothing."""
    if adding:
        if present:
            raise PrivacyCaseError(409, "metadata_present", f"{field} already holds a value: an addition fills a "
                                   "missing one; open a correction case to change it")
        if removing:
            raise PrivacyCaseError(422, "metadata_value_missing", f"an addition of {field} needs the value to add")
        return "added"
    if not present:
        raise PrivacyCaseError(409, "metadata_absent", f"{field} holds no value to correct; open an addition case")
    return "removed" if removing else "corrected"


def _change_call_caller(session: Session, case: PrivacyCase, change: MetadataChange, *, adding: bool) -> str:
    call = session.get(Call, change.call_id) if change.call_id else None
    if call is None:
        raise PrivacyCaseError(404, "call_not_found", "call_caller changes name an existing call in call_id; "
                               "list calls with GET /v1/calls")
    # The requester may only move a call onto their own number, or off it.
    if case.caller_hash not in (call.caller_hash, change.caller_hash):
        raise PrivacyCaseError(403, "call_not_of_requester", f"call {call.id} is not attached to the requester's "
                               "number and the change does not attach it to it; a requester can only correct "
                               "their own calls")
    kind = _kind(call.caller_hash is not None, change.caller_hash is None, adding=adding, field="call_caller")
    call.caller_hash = change.caller_hash
    return kind


def _change_contract_end(session: Session, case: PrivacyCase, change: MetadataChange, *, adding: bool,
                         actor: audit.Actor) -> str:
    row = session.get(ContractEnd, case.caller_hash)
    kind = _kind(row is not None, change.ended_on is None, adding=adding, field="contract_end")
    if change.ended_on is None:
        session.delete(row)
    elif row is None:
        session.add(ContractEnd(caller_hash=case.caller_hash, ended_on=change.ended_on,
                                recorded_by_key_id=actor.key_id))
    else:
        row.ended_on, row.recorded_by_key_id = change.ended_on, actor.key_id
    return kind
