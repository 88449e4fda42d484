"""The third-party provision ledger and the outsourcing contractors (privacy_manager)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PrincipalDep, ReadSessionDep, RuntimeDep, require_roles
from api.schemas import ERROR_RESPONSES, ErrorBody
from redactor.api_keys import Role
from redactor.privacy_cases import provisions
from redactor.privacy_cases.provisions import DataCategory, LegalBasis
from redactor.store.privacy_cases import ThirdPartyProvision
from redactor.store.types import utcnow

# Row ids are 64-bit integers: a larger one cannot be bound (SQLite raises OverflowError).
MAX_ROW_ID = 2**63 - 1
ContractorId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

router = APIRouter(prefix="/v1/third-party-provisions", tags=["third-party provisions"],
                   dependencies=[require_roles(Role.PRIVACY_MANAGER)], responses={409: {"model": ErrorBody}, **ERROR_RESPONSES})


class ContractorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=200)
    purpose: str = Field(..., min_length=1, max_length=200, description="What is outsourced to it.")
    contract_start: date
    contract_end: date | None = None


class ContractorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    purpose: str
    contract_start: date
    contract_end: date | None


class ContractorList(BaseModel):
    contractors: list[ContractorOut]


class ContractEndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contract_end: date


class ProvisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provided_on: date
    recipient: str = Field(..., min_length=1, max_length=200)
    legal_basis: LegalBasis
    basis_reference: str | None = Field(None, max_length=200,
                                        description="consent: where it is recorded; legal_requirement: the law or order.")
    data_categories: list[DataCategory] = Field(..., min_length=1)
    call_ids: list[str] = Field(default_factory=list, max_length=1000)
    caller_number: str | None = Field(None, min_length=1, max_length=40,
                                      description="The caller whose data was provided (hashed; never stored).")
    contractor_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)


class ProvisionOut(BaseModel):
    id: int
    provided_on: date
    recipient: str
    legal_basis: str
    basis_reference: str | None
    data_categories: list[str]
    call_ids: list[str]
    caller_hash: str | None
    contractor_id: int | None
    recorded_at: datetime
    recorded_by_key_id: str | None


class ProvisionList(BaseModel):
    retention_days: int
    provisions: list[ProvisionOut]


def provision_out(row: ThirdPartyProvision) -> ProvisionOut:
    return ProvisionOut(id=row.id, provided_on=row.provided_on, recipient=row.recipient, legal_basis=row.legal_basis,
                        basis_reference=row.basis_reference, data_categories=json.loads(row.data_categories_json),
                        call_ids=json.loads(row.call_ids_json), caller_hash=row.caller_hash,
                        contractor_id=row.contractor_id, recorded_at=row.recorded_at,
                        recorded_by_key_id=row.recorded_by_key_id)


@router.get("/contractors", response_model=ContractorList)
def list_contractors(session: ReadSessionDep):
    """The outsourcing contractors (委託先) with their contract dates."""
    return ContractorList(contractors=[ContractorOut.model_validate(c) for c in provisions.list_contractors(session)])


@router.post("/contractors", response_model=ContractorOut, status_code=201)
def add_contractor(body: ContractorIn, runtime: RuntimeDep, principal: PrincipalDep):
    with runtime.db.session() as session:
        row = provisions.add_contractor(session, name=body.name, purpose=body.purpose, contract_start=body.contract_start,
                                        contract_end=body.contract_end, actor=principal.actor, now=utcnow())
        session.commit()
        return ContractorOut.model_validate(row)


@router.put("/contractors/{contractor_id}/contract-end", response_model=ContractorOut)
def end_contract(contractor_id: ContractorId, body: ContractEndIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Record (or move) the end of a contractor's contract."""
    with runtime.db.session() as session:
        row = provisions.end_contract(session, contractor_id=contractor_id, contract_end=body.contract_end,
                                      actor=principal.actor, now=utcnow())
        session.commit()
        return ContractorOut.model_validate(row)


@router.post("", response_model=ProvisionOut, status_code=201)
def record_provision(body: ProvisionIn, runtime: RuntimeDep, principal: PrincipalDep):
    """Record a provision; one on the consent basis is refused for a caller without recording consent."""
    caller_hash = runtime.caller_hasher.hash_field(body.caller_number, "caller_number") if body.caller_number else None
    with runtime.db.session() as session:
        row = provisions.record_provision(
            session, provided_on=body.provided_on, recipient=body.recipient, legal_basis=body.legal_basis,
            basis_reference=body.basis_reference, data_categories=list(body.data_categories), call_ids=body.call_ids,
            caller_hash=caller_hash, contractor_id=body.contractor_id, actor=principal.actor, now=utcnow())
        session.commit()
        return provision_out(row)




@router.get("", response_model=ProvisionList)
def list_provisions(session: ReadSessionDep, runtime: RuntimeDep, provided_from: date | None = None,
                    provided_to: date | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200):
    """The ledger, newest first (`provided_to` inclusive)."""
    rows = provisions.list_provisions(session, provided_from=provided_from, provided_to=provided_to, limit=limit)
    return ProvisionList(retention_days=runtime.settings.third_party_record_retention_days,
                         provisions=[provision_out(r) for r in rows])


@router.get("/export.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "The whole ledger (or the period) as CSV."}})
def export_provisions(session: ReadSessionDep, provided_from: date | None = None, provided_to: date | None = None):
    """The ledger as CSV (UTF-8 with BOM, for spreadsheets); callers appear only as keyed hashes."""
    return csv_response(provisions.ledger_csv(
        provisions.list_provisions(session, provided_from=provided_from, provided_to=provided_to),
        provisions.list_contractors(session)))


def csv_response(text: str) -> Response:
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="third-party-provisions.csv"',
                             "Cache-Control": "no-store"})
