"""The third-party provision ledger and the outsourcing contractors over HTTP, and the ledger's purge."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from redactor import audit
from redactor.privacy_cases.provisions import CSV_COLUMNS, purge_expired_provisions
from redactor.store.models import AuditEvent
from redactor.store.privacy_cases import ThirdPartyProvision
from redactor.store.types import utcnow
from retention.helpers import add_call

CALLER = "090-5555-0123"
LEDGER = "/v1/third-party-provisions"


@pytest.fixture
def post(client, auth):
    return lambda path, body: client.post(path, headers=auth("privacy_manager"), json=body)


def provision(**overrides) -> dict:
    body = {"provided_on": str(date.today()), "recipient": "株式会社サンプル保険", "legal_basis": "consent",
            "basis_reference": "同意書 2026-117", "data_categories": ["call_metadata", "redacted_transcript"],
            "caller_number": CALLER}
    return body | overrides


def test_a_consent_provision_is_refused_once_the_caller_withdrew_consent(client, auth, key_ids, post):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, caller_number=CALLER, uploaded_by_key_id=key_ids["telephony"])
    recorded = post(LEDGER, provision(call_ids=[call_id]))
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["caller_hash"] == runtime.caller_hasher.hash_number(CALLER)

    withdrawn = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"), json={"state": "withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.text
    for body in (provision(), provision(caller_number=None, call_ids=[call_id])):  # by caller or by call
        refused = post(LEDGER, body)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "consent_not_given", refused.text
    # Another legal basis, with its reference, is still recorded.
    by_law = post(LEDGER, provision(legal_basis="legal_requirement", basis_reference="刑事訴訟法197条2項 照会書",
                                    recipient="○○警察署"))
    assert by_law.status_code == 201, by_law.text
    assert len(client.get(LEDGER, headers=auth("privacy_manager")).json()["provisions"]) == 2


@pytest.mark.parametrize("overrides,status,code", [
    ({"basis_reference": None}, 422, "basis_reference_missing"),
    ({"legal_basis": "legal_requirement", "basis_reference": " "}, 422, "basis_reference_missing"),
    ({"legal_basis": "outsourcing", "basis_reference": None}, 422, "contractor_missing"),
    ({"caller_number": None}, 422, "provision_invalid"),
    ({"call_ids": ["00000000-0000-4000-8000-000000000000"]}, 404, "call_not_found"),
    ({"data_categories": []}, 422, "request_invalid"),
    ({"legal_basis": "gut_feeling"}, 422, "request_invalid"),
    ({"provided_on": str(date.today() + timedelta(days=2))}, 422, "provision_invalid"),
    ({"contractor_id": 99}, 404, "contractor_not_found"),
])
def test_incomplete_provisions_are_refused(post, overrides, status, code):
    response = post(LEDGER, provision(**overrides))
    assert response.status_code == status and response.json()["error"]["code"] == code, response.text
    assert "5555" not in response.text


def test_outsourcing_names_a_contractor_whose_contract_covers_the_date(client, auth, post):
    contractor = post(f"{LEDGER}/contractors", {"name": "株式会社テープ起こし", "purpose": "通話の文字起こし確認",
                                                "contract_start": "2026-04-01"})
    assert contractor.status_code == 201, contractor.text
    contractor_id = contractor.json()["id"]
    outsourced = provision(legal_basis="outsourcing", basis_reference=None, contractor_id=contractor_id,
                           recipient="株式会社テープ起こし", provided_on="2026-06-01")
    assert post(LEDGER, outsourced).status_code == 201
    ended = client.put(f"{LEDGER}/contractors/{contractor_id}/contract-end", headers=auth("privacy_manager"),
                       json={"contract_end": "2026-06-30"})
    assert ended.json()["contract_end"] == "2026-06-30"
    late = post(LEDGER, outsourced | {"provided_on": "2026-07-01"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "contract_not_in_force"
    backwards = client.put(f"{LEDGER}/contractors/{contractor_id}/contract-end", headers=auth("privacy_manager"),
                           json={"contract_end": "2026-03-01"})
    assert backwards.status_code == 422
    listed = client.get(f"{LEDGER}/contractors", headers=auth("privacy_manager")).json()["contractors"]
    assert [(c["name"], c["contract_end"]) for c in listed] == [("株式会社テープ起こし", "2026-06-30")]


def test_the_csv_export_is_well_formed_and_holds_no_caller_number(client, auth, post):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, caller_number=CALLER)
    post(LEDGER, provision(call_ids=[call_id]))
    post(LEDGER, provision(recipient="=HYPERLINK(\"http://x\")", legal_basis="protection_of_life",
                           basis_reference=None, data_categories=["raw_audio"], caller_number="03-1234-5678"))
    response = client.get(f"{LEDGER}/export.csv", headers=auth("privacy_manager"))
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3 and all(len(r) == len(CSV_COLUMNS) for r in rows)
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert records[1]["call_ids"] == call_id and records[1]["data_categories"] == "call_metadata;redacted_transcript"
    assert records[1]["caller_hash"] == runtime.caller_hasher.hash_number(CALLER)
    assert records[0]["recipient"].startswith("'=")  # a spreadsheet shows it as text, never runs it
    for number in (CALLER, "09055550123", "+819055550123", "5555-0123", "03-1234-5678", "+81312345678"):
        assert number not in text


def test_records_older_than_the_retention_period_are_purged(client):
    runtime = client.app.state.runtime
    now = utcnow()
    with runtime.db.session() as session:
        for days in (3 * 365 + 1, 3 * 365 - 1):
            session.add(ThirdPartyProvision(provided_on=now.date() - timedelta(days=days), recipient="R",
                                            data_categories_json='["call_metadata"]', call_ids_json="[]",
                                            legal_basis="legal_requirement", basis_reference="法令", recorded_at=now))
        session.commit()
    with runtime.db.session() as session:
        assert purge_expired_provisions(session, retention_days=runtime.settings.third_party_record_retention_days,
                                        actor=audit.SYSTEM, now=now) == 1
        session.commit()
    with runtime.db.read_session() as session:
        kept = session.execute(select(ThirdPartyProvision.provided_on)).scalars().all()
        event = session.execute(select(AuditEvent).where(AuditEvent.type == "third_party_provision.purged")).scalar_one()
    assert kept == [now.date() - timedelta(days=3 * 365 - 1)]
    assert json.loads(event.details) == {"records": 1, "retention_days": 3 * 365}
