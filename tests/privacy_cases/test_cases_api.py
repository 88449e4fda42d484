"""Privacy cases over HTTP: the whole course of each request type, refusals, audit, and roles."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from redactor.store.retention_tables import ContractEnd
from redactor.store.models import AuditEvent, Call
from redactor.store.privacy_cases import PrivacyCase
from redactor.store.types import utcnow
from retention.helpers import add_call, artifacts_of

CALLER = "090-5555-0123"
OTHER = "080-7777-0456"
SECRET_EXPLANATION = "第三者の通話内容が含まれるため開示できません（担当: 山田）"


@pytest.fixture
def pm(client, auth):
    """post/get as the privacy manager: pm.post("/x", json) -> response."""
    class PrivacyManager:
        headers = auth("privacy_manager")

        def post(self, path: str, body: dict | None = None):
            return client.post(path, headers=self.headers, json=body or {})

        def get(self, path: str, **params):
            return client.get(path, headers=self.headers, params=params)

        def open(self, **body) -> dict:
            response = self.post("/v1/privacy-cases", {"channel": "post", "caller_number": CALLER, **body})
            assert response.status_code == 201, response.text
            return response.json()

        def step(self, case_id: str, step: str, body: dict | None = None, status: int = 200) -> dict:
            response = self.post(f"/v1/privacy-cases/{case_id}/{step}", body)
            assert response.status_code == status, response.text
            return response.json()
    return PrivacyManager()


def audit_of(client, prefix: str = "") -> list[AuditEvent]:
    with client.app.state.runtime.db.read_session() as session:
        return [e for e in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
                if e.type.startswith(prefix)]


def test_an_agents_disclosure_request_withheld_with_a_reason(client, pm):
    case = pm.open(type="disclosure", requester="agent", agent_relationship="parent")
    assert (case["state"], case["due_next"], case["overdue"]) == ("received", "send_form", False)
    pm.step(case["id"], "form-sent", {"via": "post"})
    # An agent's authority must be checked, not only the identity.
    missing = pm.step(case["id"], "identity-verification", {"method": "identity_document"}, status=422)
    assert missing["error"]["code"] == "agent_authority_missing"
    pm.step(case["id"], "identity-verification", {"method": "identity_document", "note": "免許証の写し",
                                                  "agent_authority_method": "family_register"})
    refused = pm.step(case["id"], "withholding", {"reason": "harm_to_rights", "explanation": "x"}, status=409)
    assert refused["error"]["code"] == "case_transition_refused" and "record_fee" in refused["error"]["message"]
    short = pm.step(case["id"], "fee", {"amount_yen": 500, "method": "postal_money_order"}, status=422)
    assert short["error"]["code"] == "fee_insufficient"
    pm.step(case["id"], "fee", {"amount_yen": 1000, "method": "postal_money_order"})
    withheld = pm.step(case["id"], "withholding", {"reason": "harm_to_rights", "explanation": SECRET_EXPLANATION})
    assert withheld["state"] == "withheld" and withheld["explanation"] == SECRET_EXPLANATION
    done = pm.step(case["id"], "notification", {"via": "post"})
    assert done["state"] == "notified" and done["due_next"] is None and done["allowed_actions"] == []
    assert [s["state"] for s in done["timeline"]] == ["received", "form_sent", "identity_verified", "fee_received",
                                                      "withheld", "notified"]
    assert done["timeline"][2]["codes"] == {"method": "identity_document", "agent_authority_method": "family_register"}

    events = audit_of(client, "privacy_case.")
    assert [e.type for e in events] == ["privacy_case." + s for s in (
        "received", "form_sent", "identity_verified", "fee_received", "withheld", "notified")]
    assert all(json.loads(e.details)["case_id"] == case["id"] for e in events)
    trail = "".join(e.details for e in audit_of(client))
    assert SECRET_EXPLANATION[:8] not in trail and "免許証" not in trail and "5555" not in trail

    # The closed case can be erased: the explanation goes with it, the audit trail stays.
    assert client.delete(f"/v1/privacy-cases/{case['id']}", headers=pm.headers).status_code == 204
    assert pm.get(f"/v1/privacy-cases/{case['id']}").status_code == 404
    assert audit_of(client, "privacy_case.erased")


def test_a_deletion_case_erases_the_caller_and_forgets_them(client, pm):
    runtime = client.app.state.runtime
    mine, other = add_call(runtime, caller_number=CALLER), add_call(runtime, caller_number=OTHER)
    earlier = pm.open(type="disclosure")  # the caller's earlier request, with a note and an explanation
    pm.step(earlier["id"], "identity-verification", {"method": "in_person", "note": "窓口で保険証を確認"})
    pm.step(earlier["id"], "rejection", {"reason": "fee_not_paid", "explanation": "手数料未着のため"})
    case = pm.open(type="deletion", channel="email")
    early = pm.step(case["id"], "fulfilment", status=409)
    assert early["error"]["code"] == "case_transition_refused"
    pm.step(case["id"], "identity-verification", {"method": "callback"})
    done = pm.step(case["id"], "fulfilment")
    assert done["state"] == "fulfilled" and done["due_next"] == "notify"
    assert done["outcome"] == {"calls_erased": 1, "calls_held": 0, "held_call_ids": []}
    with runtime.db.read_session() as session:
        assert session.get(Call, mine) is None and session.get(Call, other) is not None
        for row in (session.get(PrivacyCase, case["id"]), session.get(PrivacyCase, earlier["id"])):
            # Nothing of the caller remains: no hash, no free text about them; codes and dates stay.
            assert (row.caller_hash, row.identity_note, row.explanation) == (None, None, None)
        assert session.get(PrivacyCase, earlier["id"]).decision_reason == "fee_not_paid"
    assert done["privacy_request_id"] and artifacts_of(runtime, other) == {"raw_audio", "redacted_transcript",
                                                                            "redacted_audio"}


def test_stop_of_use_withdraws_consent_on_every_call_of_the_caller(client, pm):
    runtime = client.app.state.runtime
    calls = [add_call(runtime, caller_number=CALLER) for _ in range(2)]
    other = add_call(runtime, caller_number=OTHER)
    case = pm.open(type="stop_of_use", channel="phone")
    pm.step(case["id"], "identity-verification", {"method": "callback"})
    done = pm.step(case["id"], "fulfilment")
    assert done["outcome"] == {"calls_withdrawn": 2, "calls_held": 0}
    with runtime.db.read_session() as session:
        assert [session.get(Call, c).consent_state for c in calls] == ["withdrawn", "withdrawn"]
        assert session.get(Call, other).consent_state == "granted"
    assert [artifacts_of(runtime, c) for c in calls] == [set(), set()]


def test_correction_and_addition_change_call_metadata_without_auditing_values(client, pm):
    runtime = client.app.state.runtime
    wrong = add_call(runtime, caller_number=OTHER)  # the requester's call, filed under another number
    correction = pm.open(type="correction")
    pm.step(correction["id"], "identity-verification", {"method": "identity_document"})
    foreign = pm.step(correction["id"], "fulfilment", {"changes": [
        {"field": "call_caller", "call_id": wrong, "caller_number": "03-1234-5678"}]}, status=403)
    assert foreign["error"]["code"] == "call_not_of_requester"
    done = pm.step(correction["id"], "fulfilment", {"changes": [
        {"field": "call_caller", "call_id": wrong, "caller_number": CALLER}]})
    assert done["outcome"] == {"metadata_changes": 1}
    with runtime.db.read_session() as session:
        assert session.get(Call, wrong).caller_hash == runtime.caller_hasher.hash_number(CALLER)

    addition = pm.open(type="addition")
    pm.step(addition["id"], "identity-verification", {"method": "postal"})
    pm.step(addition["id"], "fulfilment", {"changes": [{"field": "contract_end", "ended_on": "2026-10-31"}]})
    with runtime.db.read_session() as session:
        assert str(session.get(ContractEnd, runtime.caller_hasher.hash_number(CALLER)).ended_on) == "2026-10-31"
    again = pm.open(type="addition")
    pm.step(again["id"], "identity-verification", {"method": "postal"})
    present = pm.step(again["id"], "fulfilment", {"changes": [{"field": "contract_end", "ended_on": "2026-11-30"}]},
                      status=409)
    assert present["error"]["code"] == "metadata_present"

    changed = audit_of(client, "privacy_case.metadata_changed")
    assert [(json.loads(e.details)["field"], json.loads(e.details)["change"], e.call_id) for e in changed] == [
        ("call_caller", "corrected", wrong), ("contract_end", "added", None)]
    trail = "".join(e.details for e in audit_of(client))
    assert "2026-10-31" not in trail and runtime.caller_hasher.hash_number(CALLER) not in trail


def test_a_disclosure_package_fulfils_the_case_and_each_download_is_audited(client, pm):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, caller_number=CALLER)
    case = pm.open(type="disclosure")
    pm.step(case["id"], "identity-verification", {"method": "identity_document"})
    unpaid = pm.post(f"/v1/privacy-cases/{case['id']}/disclosure-package")
    assert unpaid.status_code == 409
    pm.step(case["id"], "fee", {"amount_yen": 1000, "method": "bank_transfer"})
    wrong_type = pm.step(case["id"], "fulfilment", status=409)
    assert "disclosure-package" in wrong_type["error"]["message"]
    for _ in range(2):  # the second download (before notification) is a re-download
        response = pm.post(f"/v1/privacy-cases/{case['id']}/disclosure-package")
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        assert json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))["calls"] == [call_id]
    assert pm.get(f"/v1/privacy-cases/{case['id']}").json()["state"] == "fulfilled"
    assert len(audit_of(client, "privacy_case.package_downloaded")) == 2
    assert len(audit_of(client, "raw_audio.accessed")) == 2
    pm.step(case["id"], "notification", {"via": "post"})
    closed = pm.post(f"/v1/privacy-cases/{case['id']}/disclosure-package")
    assert closed.status_code == 409 and not [p for p in runtime.work_dir.rglob("*") if p.is_file()]


def test_overdue_cases_are_listed(client, pm):
    old = pm.open(type="purpose_notification", received_at=(utcnow() - timedelta(days=15)).isoformat())
    fresh = pm.open(type="deletion")
    listed = pm.get("/v1/privacy-cases").json()
    assert listed["target_days"] == 14
    assert {c["id"]: c["overdue"] for c in listed["cases"]} == {old["id"]: True, fresh["id"]: False}
    assert [c["id"] for c in pm.get("/v1/privacy-cases", overdue="true").json()["cases"]] == [old["id"]]
    future = pm.post("/v1/privacy-cases", {"type": "deletion", "channel": "post", "caller_number": CALLER,
                                           "received_at": (utcnow() + timedelta(days=1)).isoformat()})
    assert future.status_code == 422


@pytest.mark.parametrize("body,code", [
    ({"type": "disclosure", "channel": "fax", "caller_number": CALLER}, "request_invalid"),
    ({"type": "disclosure", "channel": "post", "caller_number": "not a number"}, "caller_number_invalid"),
    ({"type": "disclosure", "channel": "post", "caller_number": CALLER, "requester": "agent"},
     "agent_relationship_missing"),
    ({"type": "disclosure", "channel": "post", "caller_number": CALLER, "agent_relationship": "parent"},
     "agent_relationship_unexpected"),
])
def test_bad_cases_are_refused_without_echoing_the_number(pm, body, code):
    response = pm.post("/v1/privacy-cases", body)
    assert response.status_code == 422 and response.json()["error"]["code"] == code, response.text
    assert "5555" not in response.text


def test_privacy_requests_open_a_case_and_wait_for_a_missing_fee(client, pm):
    add_call(client.app.state.runtime, caller_number=CALLER)
    pending = pm.post("/v1/privacy-requests", {"type": "disclosure", "caller_number": CALLER,
                                               "identity_verification": {"method": "callback"}})
    assert pending.status_code == 202, pending.text
    assert pending.json() | {"case_id": None} == {"case_id": None, "state": "identity_verified",
                                                  "due_next": "record_fee", "fee_yen": 1000}
    case = pm.get(f"/v1/privacy-cases/{pending.json()['case_id']}").json()
    assert case["channel"] == "api" and case["requester"] == "person"
    paid = pm.post("/v1/privacy-requests", {"type": "disclosure", "caller_number": CALLER,
                                            "identity_verification": {"method": "callback"},
                                            "fee": {"amount_yen": 1000, "method": "cash"}})
    assert paid.status_code == 200 and paid.headers["content-type"] == "application/zip"
    done = pm.get(f"/v1/privacy-cases/{paid.headers['x-privacy-case-id']}").json()
    assert done["state"] == "fulfilled" and done["privacy_request_id"] == paid.headers["x-privacy-request-id"]


CASE_AND_LEDGER_ROUTES = [
    ("POST", "/v1/privacy-cases"), ("GET", "/v1/privacy-cases"), ("GET", "/v1/privacy-cases/x"),
    ("DELETE", "/v1/privacy-cases/x"), ("POST", "/v1/privacy-cases/x/form-sent"),
    ("POST", "/v1/privacy-cases/x/identity-verification"), ("POST", "/v1/privacy-cases/x/fee"),
    ("POST", "/v1/privacy-cases/x/withholding"), ("POST", "/v1/privacy-cases/x/rejection"),
    ("POST", "/v1/privacy-cases/x/fulfilment"), ("POST", "/v1/privacy-cases/x/disclosure-package"),
    ("POST", "/v1/privacy-cases/x/notification"), ("GET", "/v1/third-party-provisions"),
    ("POST", "/v1/third-party-provisions"), ("GET", "/v1/third-party-provisions/export.csv"),
    ("GET", "/v1/third-party-provisions/contractors"), ("POST", "/v1/third-party-provisions/contractors"),
    ("PUT", "/v1/third-party-provisions/contractors/1/contract-end"),
]


@pytest.mark.parametrize("method,path", CASE_AND_LEDGER_ROUTES)
def test_only_the_privacy_manager_handles_cases_and_the_ledger(client, auth, method, path):
    for role in ("qa", "telephony", "admin"):
        response = client.request(method, path, headers=auth(role), json={})
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", (role, response.text)
    assert client.request(method, path, headers=auth("privacy_manager"), json={}).status_code not in (401, 403)
