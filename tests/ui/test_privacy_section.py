"""The privacy manager's section: report, retention policy form, legal holds, requests, consent, audit."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from redactor.retention.policy import get_policy
from redactor.store.models import AuditEvent

from .conftest import csrf_of, sign_in
from .workspace import SAMPLES, metadata, upload


@pytest.fixture
def manager(ui):
    """(client signed in as privacy_manager, keys, csrf token) on a fresh service."""
    client, api_keys = ui
    sign_in(client, api_keys["privacy_manager"])
    return client, api_keys, csrf_of(client.get("/ui/privacy").text)


def audit_events(client, type_: str) -> list[AuditEvent]:
    with client.app.state.runtime.db.read_session() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.type == type_)).scalars())


def report_row(page: str, artifact: str) -> str:
    return re.search(rf'<tr data-artifact="{artifact}">.*?</tr>', page, flags=re.S).group(0)


def test_only_privacy_managers_get_the_section(ui):
    client, api_keys = ui
    sign_in(client, api_keys["qa"])
    page = client.get("/ui/privacy")
    assert page.status_code == 403 and 'href="/ui/privacy"' not in page.text
    for url in ("/ui/privacy/consent-policy", "/ui/privacy/retention-policy", "/ui/privacy/holds",
                "/ui/privacy/holds/x/release"):
        assert client.post(url, data={}).status_code == 403, url


@pytest.mark.slow  # the workspace's calls went through the real models
def test_report_counts_what_is_held(ui_client, workspace):
    page = ui_client("privacy_manager").get("/ui/privacy").text
    # every processed sample + the failed and the queued call keep raw audio; the consent-blocked one has none.
    processed = len(workspace.samples)
    held = {a: int(re.search(r"</th><td>(\d+)</td>", report_row(page, a)).group(1))
            for a in ("raw_audio", "redacted_transcript", "redacted_audio")}
    assert held == {"raw_audio": processed + 2, "redacted_transcript": processed, "redacted_audio": processed}
    assert 'data-overdue="0"' in report_row(page, "raw_audio")


POLICY_FORMS = [
    # (limits raw/transcript/redacted audio, count_from, advanced JSON, status, error fragment)
    (("P7D", "P180D", "P60D"), "call_start", "", 303, None),
    (("P30D", "P365D", "P90D"), "contract_end",
     '{"operator_groups": [{"group": "collections", "operator_ids": ["op-17"]}],'
     ' "overrides": [{"operator_group": "collections", "limits": {"raw_audio": "P3D"}}]}', 303, None),
    (("P7D", "P180D", "P60D"), "call_start", "{not json", 422, "JSON"),
    (("P7D", "P180D", "P60D"), "call_start", '{"limits": {}}', 422, "operator_groups and overrides only"),
    (("seven days", "P180D", "P60D"), "call_start", "", 422, "raw_audio"),
    (("P7D", "P180D", "P60D"), "forever", "", 422, "count_from"),
    (("P7D", "P180D", "P60D"), "call_start", '{"overrides": [{"operator_group": "nobody", "limits": {}}]}', 422,
     "operator_groups does not define"),
]


@pytest.mark.parametrize("limits,count_from,advanced,status,error", POLICY_FORMS)
def test_retention_policy_form(manager, limits, count_from, advanced, status, error):
    client, _, token = manager
    form = {"csrf_token": token, "limit_raw_audio": limits[0], "limit_redacted_transcript": limits[1],
            "limit_redacted_audio": limits[2], "count_from": count_from, "advanced": advanced}
    response = client.post("/ui/privacy/retention-policy", data=form, follow_redirects=False)
    assert response.status_code == status, response.text[-2000:]
    with client.app.state.runtime.db.read_session() as session:
        policy = get_policy(session)
    events = audit_events(client, "retention_policy.changed")
    if error:
        assert error in response.text and 'id="retention-policy-error"' in response.text
        assert f'value="{limits[0]}"' in response.text  # what was typed stays in the form
        assert policy.limits.raw_audio == timedelta(days=30) and not events
        return
    assert policy.limits.raw_audio == timedelta(days=int(limits[0][1:-1]))
    assert policy.count_from == count_from
    assert len(events) == 1 and json.loads(events[0].details)["new"]["count_from"] == count_from
    page = client.get("/ui/privacy").text
    assert f'name="limit_raw_audio" value="{limits[0]}"' in page
    if advanced:
        assert policy.resolve(operator_id="op-17", direction="inbound").limits["raw_audio"] == timedelta(days=3)
        assert "collections" in page


def test_retention_policy_form_needs_the_csrf_token(manager):
    client, _, _ = manager
    response = client.post("/ui/privacy/retention-policy", data={"limit_raw_audio": "P1D"})
    assert response.status_code == 403 and not audit_events(client, "retention_policy.changed")


def test_shortening_a_limit_shows_overdue_audio_in_the_report(manager):
    client, keys, token = manager
    started = (datetime.now(timezone.utc) - timedelta(days=10)).isoformat()
    upload(client, keys["telephony"], metadata("old-call", started_at=started, operator_id="op-1",
                                               channels="stereo_operator_left"),
           SAMPLES / "call01_stereo_operator_left.ogg")
    assert 'data-overdue="0"' in report_row(client.get("/ui/privacy").text, "raw_audio")
    client.post("/ui/privacy/retention-policy", data={
        "csrf_token": token, "limit_raw_audio": "P5D", "limit_redacted_transcript": "P365D",
        "limit_redacted_audio": "P90D", "count_from": "call_start", "advanced": ""})
    row = report_row(client.get("/ui/privacy").text, "raw_audio")
    assert 'data-overdue="1"' in row and "10日 / 5日" in row


def test_legal_holds_are_placed_listed_and_released(manager):
    client, keys, token = manager
    call_id = upload(client, keys["telephony"], metadata("held", started_at="2026-11-01T09:00:00+09:00",
                                                         operator_id="op-1", consent="declined"), None)
    placed = client.post("/ui/privacy/holds", data={"csrf_token": token, "call_id": call_id, "reason": "案件 2026-17"})
    assert placed.status_code == 200 and f'<tr data-call="{call_id}">' in placed.text and "案件 2026-17" in placed.text
    assert "案件 2026-17" in client.get(f"/ui/calls/{call_id}").text  # the call view shows the hold
    reviewer = TestClient(client.app, follow_redirects=True)  # same app and data, another browser
    sign_in(reviewer, keys["qa"])
    assert "案件 2026-17" not in reviewer.get(f"/ui/calls/{call_id}").text  # hold notes are for PMs
    again = client.post("/ui/privacy/holds", data={"csrf_token": token, "call_id": call_id, "reason": "again"})
    assert again.status_code == 409 and 'id="holds-error"' in again.text
    missing = client.post("/ui/privacy/holds", data={"csrf_token": token, "call_id": "nope", "reason": "x"})
    assert missing.status_code == 404
    empty = client.post("/ui/privacy/holds", data={"csrf_token": token, "call_id": call_id, "reason": " "})
    assert empty.status_code == 422
    assert client.post(f"/ui/privacy/holds/{call_id}/release", data={}).status_code == 403  # no token
    released = client.post(f"/ui/privacy/holds/{call_id}/release", data={"csrf_token": token})
    assert released.status_code == 200 and f'<tr data-call="{call_id}">' not in released.text
    assert [len(audit_events(client, t)) for t in ("legal_hold.placed", "legal_hold.released")] == [1, 1]


def test_privacy_requests_are_listed_with_their_results(manager):
    client, keys, _ = manager
    for number in range(2):
        upload(client, keys["telephony"], dict(metadata(f"subject-{number}", started_at="2026-11-01T09:00:00+09:00",
                                                        operator_id="op-1", consent="declined"),
                                               caller_number="090-7777-1234"), None)
    response = client.post("/v1/privacy-requests", headers={"Authorization": f"Bearer {keys['privacy_manager']}"},
                           json={"type": "deletion", "caller_number": "090-7777-1234",
                                 "identity_verification": {"method": "callback", "note": "折り返し確認"}})
    assert response.status_code in (200, 201), response.text
    page = client.get("/ui/privacy").text
    rows = re.search(r'<table class="requests">.*?</table>', page, flags=re.S).group(0)
    assert "削除" in rows and "callback" in rows and "<td>2</td>" in rows
    assert "折り返し確認" not in rows  # a deletion request keeps no note (free text about the caller)
    assert "090-7777-1234" not in page and "09077771234" not in page


def test_consent_policy_form_changes_the_policy_with_csrf_and_audit(manager):
    client, keys, token = manager
    forged = client.post("/ui/privacy/consent-policy", data={"allowed_states": ["granted"]})
    assert forged.status_code == 403
    saved = client.post("/ui/privacy/consent-policy", data={"csrf_token": token, "allowed_states": ["granted"]})
    assert saved.status_code == 200 and "保存しました" in saved.text
    policy = client.get("/v1/consent-policy", headers={"Authorization": f"Bearer {keys['privacy_manager']}"})
    assert policy.json() == {"allowed_states": ["granted"]}
    event = audit_events(client, "consent_policy.changed")[0]
    assert event.actor_key_id == keys["privacy_manager"].split("_")[1]
    assert json.loads(event.details)["new_allowed"] == ["granted"]


def test_privacy_page_reports_a_tampered_audit_chain(manager):
    client, _, _ = manager
    assert 'data-ok="true"' in client.get("/ui/privacy").text
    with client.app.state.runtime.db.session() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(type="api_key.deleted"))
        session.commit()
    page = client.get("/ui/privacy").text
    assert 'data-ok="false"' in page and "seq 2: content does not match its hash" in page


def test_privacy_page_and_call_list_survive_the_end_of_time(manager):
    """A deadline saturated at 9999-12-31 (a 100-year limit on a far-future call) still renders."""
    from retention.helpers import add_call

    client, _, _ = manager
    runtime = client.app.state.runtime
    add_call(runtime, started_at=datetime(9999, 12, 1, tzinfo=timezone.utc))
    client.put("/v1/retention-policy", headers={"Authorization": "Bearer " + manager[1]["privacy_manager"]},
               json={"limits": {"raw_audio": "P36525D", "redacted_transcript": "P1D", "redacted_audio": "P1D"}})
    page = client.get("/ui/privacy")
    assert page.status_code == 200 and "9999-12-31 23:59 UTC" in report_row(page.text, "raw_audio")
    listed = client.get("/ui/calls", params={"date_from": "9999-12-01", "date_to": "9999-12-31"})
    assert listed.status_code == 200 and 'href="/ui/calls/' in listed.text
