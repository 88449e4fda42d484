"""Consent changes after upload and legal holds over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from redactor.store.models import AuditEvent, Call, Job

from .helpers import add_call, artifacts_of, assert_consistent

ALL = {"raw_audio", "redacted_transcript", "redacted_audio"}


def events(runtime, type_: str) -> list[AuditEvent]:
    with runtime.db.read_session() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.type == type_)).scalars())


@pytest.mark.parametrize("state,erases", [
    ("withdrawn", True),
    ("declined", True),
    ("granted", False),
    ("notice_given", False),
    ("unknown", False),
])
def test_consent_change_erases_only_when_permission_is_taken_away(client, auth, key_ids, state, erases):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, uploaded_by_key_id=key_ids["telephony"])
    response = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"),
                           json={"state": state, "method": "ivr"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["old_state"], body["new_state"]) == ("granted", state)
    assert artifacts_of(runtime, call_id) == (set() if erases else ALL)
    assert set(body["erased"]) == (ALL if erases else set())
    [event] = events(runtime, "consent.changed")
    assert '"old_state":"granted"' in event.details and f'"new_state":"{state}"' in event.details
    assert event.actor_role == "telephony"
    shown = client.get(f"/v1/calls/{call_id}", headers=auth("privacy_manager")).json()
    assert shown["consent"]["state"] == state
    if erases:
        assert shown["status"] == "consent_blocked" and shown["status_reason"] == "consent_withdrawn"
        assert len(events(runtime, "artifact.purged")) == 3
    assert_consistent(runtime)


def test_consent_method_stays_with_the_call_not_in_the_audit_log(client, auth, key_ids):
    """The method is caller-supplied free text: the immutable log holds the state codes only."""
    runtime = client.app.state.runtime
    call_id = add_call(runtime, uploaded_by_key_id=key_ids["telephony"])
    response = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"),
                           json={"state": "notice_given", "method": "口頭 伊藤様 本人確認済"})
    assert response.status_code == 200, response.text
    [event] = events(runtime, "consent.changed")
    assert "伊藤" not in event.details and "method" not in event.details
    with runtime.db.read_session() as session:
        assert session.get(Call, call_id).consent_method == "口頭 伊藤様 本人確認済"


@pytest.mark.sqlite_only("greps the files of the data dir, which holds SQLite's database; PostgreSQL keeps "
                         "erased rows in its own files until VACUUM and WAL recycling (README: PostgreSQL)")
def test_withdrawal_leaves_no_transcript_text_in_the_database_files(client, auth, key_ids):
    """One erase path: a withdrawal scrubs SQLite (WAL checkpoint, index merge) like a deletion."""
    from pathlib import Path

    runtime = client.app.state.runtime
    call_id = add_call(runtime, marker="撤回マーカー", uploaded_by_key_id=key_ids["telephony"])
    response = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"), json={"state": "withdrawn"})
    assert response.status_code == 200 and response.json()["erased"]
    files = [p for p in Path(runtime.settings.data_dir).rglob("*") if p.is_file() and "keys" not in p.parts]
    assert any(p.name.startswith("redactor.db") for p in files)
    assert [p for p in files if "撤回マーカー".encode() in p.read_bytes()] == []


def test_withdrawal_cancels_a_queued_job(client, auth, sample_calls, call_metadata):
    import json

    runtime = client.app.state.runtime
    sample = sample_calls[0]
    uploaded = client.post("/v1/calls", headers=auth("telephony"), files=[
        ("metadata", (None, json.dumps(call_metadata("tel-wd-1", channels=sample["channels"])), "application/json")),
        ("audio", ("a", sample["path"].read_bytes(), "audio/ogg"))]).json()
    response = client.post(f"/v1/calls/{uploaded['id']}/consent", headers=auth("privacy_manager"),
                           json={"state": "withdrawn"})
    assert response.json()["erased"] == ["raw_audio"]
    with runtime.db.read_session() as session:
        job = session.execute(select(Job).where(Job.call_id == uploaded["id"])).scalar_one()
        assert (job.state, job.failure_reason) == ("failed", "consent_withdrawn")
        assert session.get(Call, uploaded["id"]).audio_blob_key is None
    assert list(runtime.blobs.keys()) == []


def test_the_purge_erases_what_a_running_job_stored_after_a_withdrawal(runtime):
    from redactor.retention.purge import purge_expired_artifacts

    from .helpers import T0
    call_id = add_call(runtime, started_at=T0)
    with runtime.db.session() as session:  # a withdrawal recorded while the job was still running
        session.get(Call, call_id).consent_state = "withdrawn"
        session.commit()
    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=T0)
    assert {i.reason for i in report.items} == {"consent_withdrawn"}
    assert artifacts_of(runtime, call_id) == set()


def test_withdrawal_of_a_held_call_waits_for_the_release(client, auth, key_ids):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, uploaded_by_key_id=key_ids["telephony"])
    assert client.post(f"/v1/calls/{call_id}/hold", headers=auth("privacy_manager"),
                       json={"reason": "complaint 88"}).status_code == 201
    body = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"), json={"state": "withdrawn"}).json()
    assert body["held"] is True and body["erased"] == []
    assert artifacts_of(runtime, call_id) == ALL
    assert client.delete(f"/v1/calls/{call_id}/hold", headers=auth("privacy_manager")).status_code == 200
    purged = client.post("/v1/retention/purge", headers=auth("privacy_manager")).json()
    assert {i["reason"] for i in purged["items"]} == {"consent_withdrawn"}
    assert artifacts_of(runtime, call_id) == set()


@pytest.mark.parametrize("body,status,code", [
    ({"state": "maybe"}, 422, "request_invalid"),
    ({"state": "withdrawn", "recorded_at": "2026-11-27T09:00:00"}, 422, "request_invalid"),
    ({}, 422, "request_invalid"),
])
def test_bad_consent_changes(client, auth, key_ids, body, status, code):
    call_id = add_call(client.app.state.runtime, uploaded_by_key_id=key_ids["telephony"])
    response = client.post(f"/v1/calls/{call_id}/consent", headers=auth("telephony"), json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_consent_change_of_an_unknown_call(client, auth):
    response = client.post("/v1/calls/nope/consent", headers=auth("telephony"), json={"state": "withdrawn"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "call_not_found")


def test_hold_lifecycle_over_http(client, auth):
    runtime = client.app.state.runtime
    call_id = add_call(runtime)
    url = f"/v1/calls/{call_id}/hold"
    placed = client.post(url, headers=auth("privacy_manager"), json={"reason": "case 2026-113"})
    assert placed.status_code == 201 and placed.json()["released_at"] is None
    again = client.post(url, headers=auth("privacy_manager"), json={"reason": "again"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "call_already_held")
    listed = client.get("/v1/holds", headers=auth("admin")).json()["holds"]
    assert [h["call_id"] for h in listed] == [call_id]
    released = client.delete(url, headers=auth("privacy_manager"))
    assert released.status_code == 200 and released.json()["released_at"] is not None
    assert client.get("/v1/holds", headers=auth("admin")).json()["holds"] == []
    assert len(client.get("/v1/holds?active_only=false", headers=auth("admin")).json()["holds"]) == 1
    missing = client.delete(url, headers=auth("privacy_manager"))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "hold_not_found")
    unknown = client.post("/v1/calls/nope/hold", headers=auth("privacy_manager"), json={"reason": "x"})
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "call_not_found")
    [placed_event] = events(runtime, "legal_hold.placed")
    assert "case 2026-113" not in placed_event.details and "reason_sha256" in placed_event.details
    assert len(events(runtime, "legal_hold.released")) == 1
