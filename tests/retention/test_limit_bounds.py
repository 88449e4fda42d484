"""Retention limits are bounded and deadline arithmetic is total: no date ever overflows."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from redactor.retention.deadlines import END_OF_TIME, contract_end_moment, deadline
from redactor.retention.policy import MAX_LIMIT, ResolvedRule, get_policy
from redactor.store.retention_tables import RetentionPolicyRow
from redactor.store.single_row import save_single_row

from .helpers import add_call

HUGE = {"raw_audio": "P999999999D", "redacted_transcript": "P365D", "redacted_audio": "P90D"}
FAR_FUTURE = datetime(9999, 12, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("limit", ["P999999999D", "P36526D", 10**12])
def test_a_limit_over_100_years_is_refused(client, auth, limit):
    response = client.put("/v1/retention-policy", headers=auth("privacy_manager"),
                          json={"limits": {**HUGE, "raw_audio": limit}})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "retention_policy_invalid"
    assert "limits.raw_audio" in response.json()["error"]["message"]
    assert "at most P36525D" in response.json()["error"]["message"]


def test_a_limit_of_100_years_is_accepted(client, auth):
    limits = {**HUGE, "raw_audio": "P36525D"}
    response = client.put("/v1/retention-policy", headers=auth("privacy_manager"), json={"limits": limits})
    assert response.status_code == 200, response.text
    assert response.json()["limits"] == limits


def test_a_stored_unbounded_policy_reads_as_the_longest_limit(runtime):
    """Saved before the bound existed: every reader keeps working, and it can be replaced."""
    with runtime.db.session() as session:
        save_single_row(session, RetentionPolicyRow, policy_json=json.dumps({"limits": HUGE}),
                        updated_by_key_id=None)
        session.commit()
    with runtime.db.read_session() as session:
        assert get_policy(session).limits.raw_audio == MAX_LIMIT


def test_reports_and_requests_survive_extreme_limits_and_dates(client, auth):
    """The 500s the review found: report, privacy requests, after the longest limit."""
    runtime = client.app.state.runtime
    with runtime.db.session() as session:
        save_single_row(session, RetentionPolicyRow, policy_json=json.dumps({"limits": HUGE}),
                        updated_by_key_id=None)
        session.commit()
    add_call(runtime, started_at=FAR_FUTURE, caller_number="090-1234-5678")
    ended = client.post("/v1/contract-ends", headers=auth("privacy_manager"),
                        json={"caller_number": "090-1234-5678", "ended_on": "9999-12-31"})
    assert ended.status_code == 200, ended.text
    report = client.get("/v1/retention/report", headers=auth("privacy_manager"))
    assert report.status_code == 200, report.text
    assert report.json()["artifacts"][0]["oldest"]["due_at"].startswith("9999-12-31T23:59:59")
    disclosure = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                             json={"type": "disclosure", "caller_number": "090-1234-5678",
                                   "identity_verification": {"method": "postal"},
                                   "fee": {"amount_yen": 1000, "method": "postal_money_order"}})
    assert disclosure.status_code == 200, disclosure.text
    assert client.post("/v1/retention/purge", headers=auth("privacy_manager")).status_code == 200


def test_deadline_arithmetic_saturates_at_the_end_of_time():
    rule = ResolvedRule(limits={"raw_audio": MAX_LIMIT}, count_from="contract_end")
    due = deadline(rule=rule, artifact="raw_audio", started_at=FAR_FUTURE, caller_hash="h",
                   contract_end=date.max)
    assert due.anchor == END_OF_TIME and due.due_at == END_OF_TIME and not due.expired(FAR_FUTURE)
    assert contract_end_moment(date.max - timedelta(days=1)) == datetime(9999, 12, 30, 15, tzinfo=timezone.utc)
