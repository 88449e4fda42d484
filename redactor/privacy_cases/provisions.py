"""The third-party provision ledger and the outsourcing contractors (委託先).

APPI expects a record of each provision of personal data to a third party: who received it,
when, which data (calls and data categories) and on which legal basis, kept for a period
(`third_party_record_retention_days`). A provision on the consent basis is refused when the
caller declined or withdrew recording consent on any call concerned. Outsourced processing
(`outsourcing`) names a contractor whose contract covers the date.

Callers appear only as the keyed caller hash; the CSV export holds no caller number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from redactor import audit
from redactor.consent import ConsentState
from redactor.errors import PrivacyCaseError
from redactor.store.calls import calls_of_caller
from redactor.store.db import Database
from redactor.store.models import Call
from redactor.store.privacy_cases import OutsourcingContractor, ThirdPartyProvision
from redactor.store.types import utcnow


class LegalBasis(StrEnum):
    CONSENT = "consent"  # 本人の同意（reference: where the consent is recorded）
    PROTECTION_OF_LIFE = "protection_of_life"  # 人の生命、身体又は財産の保護のため（同意を得ることが困難）
    LEGAL_REQUIREMENT = "legal_requirement"  # 法令に基づく場合（reference: the law or the order）
    OUTSOURCING = "outsourcing"  # 委託に伴う提供（a contractor under contract）


BASES_WITH_REFERENCE = frozenset({LegalBasis.CONSENT, LegalBasis.LEGAL_REQUIREMENT})


class DataCategory(StrEnum):
    CALL_METADATA = "call_metadata"
    REDACTED_TRANSCRIPT = "redacted_transcript"
    REDACTED_AUDIO = "redacted_audio"
    RAW_AUDIO = "raw_audio"


_NO_CONSENT = frozenset({ConsentState.DECLINED.value, ConsentState.WITHDRAWN.value})
CSV_COLUMNS = ("id", "provided_on", "recipient", "legal_basis", "basis_reference", "contractor",
               "contractor_contract", "data_categories", "call_ids", "caller_hash", "recorded_at",
               "recorded_by_key_id")


def add_contractor(session: Session, *, name: str, purpose: str, contract_start: date, contract_end: date | None,
                   actor: audit.Actor, now: datetime) -> OutsourcingContractor:
    name, purpose = name.strip(), purpose.strip()
    if not name or not purpose:
        raise PrivacyCaseError(422, "contractor_invalid", "a contractor needs its name and what is outsourced (purpose)")
    _check_contract_dates(contract_start, contract_end)
    row = OutsourcingContractor(name=name, purpose=purpose, contract_start=contract_start, contract_end=contract_end,
                                created_at=now, created_by_key_id=actor.key_id)
    session.add(row)
    session.flush()
    audit.record(session, type="contractor.added", actor=actor, now=now, details={"contractor_id": row.id})
    return row


def end_contract(session: Session, *, contractor_id: int, contract_end: date, actor: audit.Actor,
                 now: datetime) -> OutsourcingContractor:
    row = _contractor(session, contractor_id)
    _check_contract_dates(row.contract_start, contract_end)
    row.contract_end = contract_end
    audit.record(session, type="contractor.contract_ended", actor=actor, now=now, details={"contractor_id": row.id})
    return row


def _check_contract_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise PrivacyCaseError(422, "contract_dates_invalid", "contract_end is before contract_start; fix either date")


def _contractor(session: Session, contractor_id: int) -> OutsourcingContractor:
    row = session.get(OutsourcingContractor, contractor_id)
    if row is None:
        raise PrivacyCaseError(404, "contractor_not_found",
                               f"no contractor {contractor_id}; list them with GET /v1/third-party-provisions/contractors")
    return row


def list_contractors(session: Session) -> list[OutsourcingContractor]:
    return list(session.execute(select(OutsourcingContractor).order_by(OutsourcingContractor.name,
                                                                        OutsourcingContractor.id)).scalars())


def record_provision(session: Session, *, provided_on: date, recipient: str, legal_basis: str,
                     basis_reference: str | None, data_categories: list[str], call_ids: list[str],
                     caller_hash: str | None, contractor_id: int | None, actor: audit.Actor,
                     now: datetime) -> ThirdPartyProvision:
    """Record one provision (checked as the module docstring says); the caller commits."""
    basis = _enum(LegalBasis, legal_basis, "legal_basis")
    categories = sorted({_enum(DataCategory, c, "data_categories") for c in data_categories})
    reference = (basis_reference or "").strip() or None
    recipient = recipient.strip()
    if not recipient:
        raise PrivacyCaseError(422, "provision_invalid", "name the recipient of the data")
    if not categories:
        raise PrivacyCaseError(422, "provision_invalid", "name at least one data category (data_categories)")
    if basis in BASES_WITH_REFERENCE and reference is None:
        raise PrivacyCaseError(422, "basis_reference_missing",
                               f"a provision on the {basis} basis needs its reference (basis_reference): the consent "
                               "record or the law / order it rests on")
    if provided_on > now.date():
        raise PrivacyCaseError(422, "provision_invalid", "provided_on is in the future; record a provision once made")
    if contractor_id is not None:
        contractor = _contractor(session, contractor_id)
        if provided_on < contractor.contract_start or (contractor.contract_end and provided_on > contractor.contract_end):
            raise PrivacyCaseError(409, "contract_not_in_force", f"contractor {contractor_id}'s contract does not cover "
                                   "provided_on; check the date or the contract dates")
    elif basis == LegalBasis.OUTSOURCING:
        raise PrivacyCaseError(422, "contractor_missing", "an outsourcing provision names the contractor (contractor_id)")
    calls = _calls(session, call_ids, caller_hash)
    if basis == LegalBasis.CONSENT:
        refused = sum(1 for call in calls if call.consent_state in _NO_CONSENT)
        if refused:
            raise PrivacyCaseError(409, "consent_not_given", f"the caller declined or withdrew recording consent on "
                                   f"{refused} of the calls concerned: a provision on the consent basis cannot be "
                                   "recorded; do not provide the data, or record the legal basis it really rests on")
    row = ThirdPartyProvision(provided_on=provided_on, recipient=recipient, contractor_id=contractor_id,
                              caller_hash=caller_hash, call_ids_json=json.dumps(sorted(set(call_ids))),
                              data_categories_json=json.dumps(categories), legal_basis=basis,
                              basis_reference=reference, recorded_at=now, recorded_by_key_id=actor.key_id)
    session.add(row)
    session.flush()
    audit.record(session, type="third_party_provision.recorded", actor=actor, now=now,
                 details={"provision_id": row.id, "legal_basis": basis, "data_categories": categories,
                          "calls": len(set(call_ids)), "caller_given": caller_hash is not None,
                          "contractor_id": contractor_id})
    return row


def _enum(enum: type, value: str, field: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        raise PrivacyCaseError(422, "provision_invalid",
                               f"{field} must be one of {', '.join(e.value for e in enum)}") from None


def _calls(session: Session, call_ids: list[str], caller_hash: str | None) -> list[Call]:
    """The calls concerned: those named, and every call of the caller when one is given."""
    if not call_ids and caller_hash is None:
        raise PrivacyCaseError(422, "provision_invalid", "say whose data was provided: call_ids, a caller_number, or both")
    calls = calls_of_caller(session=session, caller_hash=caller_hash) if caller_hash else []
    for call_id in sorted(set(call_ids)):
        call = session.get(Call, call_id)
        if call is None:
            raise PrivacyCaseError(404, "call_not_found", f"no call {call_id}; list calls with GET /v1/calls")
        calls.append(call)
    return calls


def list_provisions(session: Session, *, provided_from: date | None = None, provided_to: date | None = None,
                    limit: int | None = None) -> list[ThirdPartyProvision]:
    """Newest first; `provided_to` inclusive."""
    query = select(ThirdPartyProvision)
    if provided_from:
        query = query.where(ThirdPartyProvision.provided_on >= provided_from)
    if provided_to:
        query = query.where(ThirdPartyProvision.provided_on <= provided_to)
    query = query.order_by(ThirdPartyProvision.provided_on.desc(), ThirdPartyProvision.id.desc())
    return list(session.execute(query.limit(limit) if limit else query).scalars())


def ledger_csv(provisions: Iterable[ThirdPartyProvision], contractors: Iterable[OutsourcingContractor]) -> str:
    """The ledger as CSV (UTF-8 text, one header row); lists are `;`-joined."""
    by_id = {c.id: c for c in contractors}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in provisions:
        contractor = by_id.get(p.contractor_id) if p.contractor_id else None
        contract = (f"{contractor.contract_start.isoformat()}..{contractor.contract_end.isoformat() if contractor.contract_end else ''}"
                    if contractor else "")
        writer.writerow([_cell(v) for v in (
            p.id, p.provided_on.isoformat(), p.recipient, p.legal_basis, p.basis_reference or "",
            contractor.name if contractor else "", contract, ";".join(json.loads(p.data_categories_json)),
            ";".join(json.loads(p.call_ids_json)), p.caller_hash or "", p.recorded_at.isoformat(),
            p.recorded_by_key_id or "")])
    return out.getvalue()


def _cell(value: object) -> str:
    """Text that a spreadsheet shows as text: a leading =, +, - or @ would run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def purge_expired_provisions(session: Session, *, retention_days: int, actor: audit.Actor, now: datetime) -> int:
    """Delete ledger records kept longer than `retention_days` after the provision; audited."""
    cutoff = now.date() - timedelta(days=retention_days)
    removed = session.execute(delete(ThirdPartyProvision).where(ThirdPartyProvision.provided_on < cutoff)).rowcount
    if removed:
        audit.record(session, type="third_party_provision.purged", actor=actor, now=now,
                     details={"records": removed, "retention_days": retention_days})
    return removed


def provision_ledger_purge_task(db: Database, retention_days: int) -> Callable[[], int]:
    """A periodic task (redactor.service.scheduler) purging the ledger at the real current time."""

    def run() -> int:
        with db.session() as session:
            removed = purge_expired_provisions(session, retention_days=retention_days, actor=audit.SYSTEM,
                                               now=utcnow())
            session.commit()
        return removed

    return run
