"""Contract ends: when a caller's service contract ended, for policies that count from it.

Telephony (or the privacy manager) sends the caller's number and the end date; only the keyed
caller hash is stored (redactor.identity), so the date matches that caller's calls without the
number ever being kept. Recording a date again replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redactor import audit
from redactor.store.models import Call
from redactor.store.retention_tables import ContractEnd


@dataclass(frozen=True)
class ContractEndRecorded:
    ended_on: date
    calls_matched: int
    replaced: bool  # an earlier date was recorded for the same caller


def record_contract_end(*, session: Session, caller_hash: str, ended_on: date,
                        actor: audit.Actor) -> ContractEndRecorded:
    """Store (or replace) the contract end of the caller hashed as `caller_hash`; audited."""
    row = session.get(ContractEnd, caller_hash)
    replaced = row is not None
    if row is None:
        session.add(ContractEnd(caller_hash=caller_hash, ended_on=ended_on, recorded_by_key_id=actor.key_id))
    else:
        row.ended_on, row.recorded_by_key_id = ended_on, actor.key_id
    matched = session.execute(select(func.count()).select_from(Call).where(Call.caller_hash == caller_hash)).scalar_one()
    audit.record(session, type="contract_end.recorded", actor=actor,
                 details={"calls_matched": matched, "replaced": replaced})
    return ContractEndRecorded(ended_on=ended_on, calls_matched=matched, replaced=replaced)


def contract_end_of(session: Session, caller_hash: str | None) -> date | None:
    if caller_hash is None:
        return None
    row = session.get(ContractEnd, caller_hash)
    return None if row is None else row.ended_on
