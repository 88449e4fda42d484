"""A fake clock (`now=` injected, never patched) drives every artifact through its limit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from redactor import audit
from redactor.retention.contract_ends import record_contract_end
from redactor.retention.deadlines import contract_end_moment
from redactor.retention.holds import place_hold, release_hold
from redactor.retention.policy import RetentionPolicy, parse_policy, set_policy
from redactor.retention.purge import purge_expired_artifacts
from redactor.store.models import AuditEvent

from .helpers import DAY, SECOND, T0, add_call, artifacts_of, assert_consistent

ALL = {"raw_audio", "redacted_transcript", "redacted_audio"}
PM = audit.Actor("privacy_manager", "pmkey0000001")


def purge(runtime, now, **kwargs):
    return purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=now, **kwargs)


def save_policy(runtime, document: dict) -> RetentionPolicy:
    with runtime.db.session() as session:
        policy = set_policy(session=session, policy=parse_policy(document), actor=PM)
        session.commit()
    return policy


def test_default_limits_one_second_either_side(runtime):
    call_id = add_call(runtime)
    steps = [  # (time after the call started, what is still there)
        (30 * DAY - SECOND, ALL),
        (30 * DAY + SECOND, {"redacted_transcript", "redacted_audio"}),
        (90 * DAY - SECOND, {"redacted_transcript", "redacted_audio"}),
        (90 * DAY + SECOND, {"redacted_transcript"}),
        (365 * DAY - SECOND, {"redacted_transcript"}),
        (365 * DAY + SECOND, set()),
    ]
    for offset, expected in steps:
        purge(runtime, T0 + offset)
        assert artifacts_of(runtime, call_id) == expected, f"at T0+{offset}"
        assert_consistent(runtime)


def test_dry_run_lists_without_changing_anything(runtime):
    call_id = add_call(runtime)
    report = purge(runtime, T0 + 30 * DAY + SECOND, dry_run=True)
    assert [(i.call_id, i.artifact) for i in report.items] == [(call_id, "raw_audio")]
    assert report.items[0].due_at == T0 + 30 * DAY
    assert artifacts_of(runtime, call_id) == ALL


def test_legal_hold_keeps_the_audio_and_release_lets_it_go(runtime):
    call_id = add_call(runtime)
    with runtime.db.session() as session:
        place_hold(session=session, call_id=call_id, reason="case 2026-113", actor=PM, now=T0 + DAY)
        session.commit()
    report = purge(runtime, T0 + 400 * DAY)
    assert artifacts_of(runtime, call_id) == ALL and report.held == 3 and not report.items
    with runtime.db.session() as session:
        release_hold(session=session, call_id=call_id, actor=PM, now=T0 + 401 * DAY)
        session.commit()
    assert artifacts_of(runtime, call_id) == ALL  # released, but nothing happens until the next purge
    report = purge(runtime, T0 + 401 * DAY + SECOND)
    assert artifacts_of(runtime, call_id) == set() and len(report.items) == 3
    assert_consistent(runtime)
    with runtime.db.read_session() as session:  # each run is audited with its counts: the proof of purging
        runs = [json.loads(e.details) for e in session.execute(
            select(AuditEvent).where(AuditEvent.type == "retention.purge_run").order_by(AuditEvent.seq)).scalars()]
    assert [(run["held"], run["failed"], run["orphans_removed"]) for run in runs] == [(3, 0, 0), (0, 0, 0)]
    assert runs[-1]["purged"] == report.counts() and sum(runs[-1]["purged"].values()) == 3


def test_shortening_a_limit_applies_to_existing_calls(runtime):
    call_id = add_call(runtime)
    now = T0 + 10 * DAY
    purge(runtime, now)
    assert "raw_audio" in artifacts_of(runtime, call_id)
    save_policy(runtime, {"limits": {"raw_audio": "P7D", "redacted_transcript": "P365D", "redacted_audio": "P90D"}})
    purge(runtime, now)
    assert "raw_audio" not in artifacts_of(runtime, call_id)
    with runtime.db.read_session() as session:
        from sqlalchemy import select

        from redactor.store.models import AuditEvent

        event = session.execute(select(AuditEvent).where(AuditEvent.type == "retention_policy.changed")).scalar_one()
    assert '"old":{"count_from":"call_start"' in event.details and '"raw_audio":"P30D"' in event.details
    assert '"raw_audio":"P7D"' in event.details and event.actor_key_id == PM.key_id


OVERRIDE_POLICY = {
    "limits": {"raw_audio": "P30D", "redacted_transcript": "P365D", "redacted_audio": "P90D"},
    "operator_groups": [{"group": "collections", "operator_ids": ["op-99"]}],
    "overrides": [
        {"operator_group": "collections", "limits": {"raw_audio": "P3D"}},
        {"direction": "outbound", "limits": {"raw_audio": "P10D", "redacted_audio": "P20D"}},
    ],
}


@pytest.mark.parametrize("operator_id,direction,raw_limit,redacted_audio_limit", [
    ("op-17", "inbound", 30 * DAY, 90 * DAY),   # the default
    ("op-99", "inbound", 3 * DAY, 90 * DAY),    # operator group
    ("op-17", "outbound", 10 * DAY, 20 * DAY),  # direction
    ("op-99", "outbound", 3 * DAY, 20 * DAY),   # both match: the first override wins per artifact
])
def test_overrides_per_operator_group_and_direction(runtime, operator_id, direction, raw_limit, redacted_audio_limit):
    save_policy(runtime, OVERRIDE_POLICY)
    call_id = add_call(runtime, operator_id=operator_id, direction=direction)
    for limit, artifact in ((raw_limit, "raw_audio"), (redacted_audio_limit, "redacted_audio")):
        purge(runtime, T0 + limit - SECOND)
        assert artifact in artifacts_of(runtime, call_id)
        purge(runtime, T0 + limit + SECOND)
        assert artifact not in artifacts_of(runtime, call_id)


def test_limits_can_count_from_the_contract_end(runtime):
    save_policy(runtime, {"limits": {"raw_audio": "P30D", "redacted_transcript": "P365D", "redacted_audio": "P90D"},
                          "count_from": "contract_end"})
    customer = add_call(runtime, caller_number="090-1111-2222")
    anonymous = add_call(runtime, caller_number=None)
    purge(runtime, T0 + 400 * DAY)  # the contract is still running: the customer's data stays
    assert artifacts_of(runtime, customer) == ALL
    assert artifacts_of(runtime, anonymous) == set()  # no contract to match: counts from the call

    ended_on = date(2027, 3, 31)
    with runtime.db.session() as session:
        recorded = record_contract_end(session=session, ended_on=ended_on, actor=PM,
                                       caller_hash=runtime.caller_hasher.hash_number("+81 90 1111 2222"))
        session.commit()
    assert recorded.calls_matched == 1
    end = contract_end_moment(ended_on)
    assert end.isoformat() == "2027-03-31T15:00:00+00:00"  # 2027-04-01 00:00 JST
    purge(runtime, end + 30 * DAY - SECOND)
    assert artifacts_of(runtime, customer) == ALL
    purge(runtime, end + 30 * DAY + SECOND)
    assert artifacts_of(runtime, customer) == {"redacted_transcript", "redacted_audio"}
    assert_consistent(runtime)


def test_contract_end_via_api_matches_through_the_caller_hash(client, auth):
    runtime = client.app.state.runtime
    add_call(runtime, caller_number="03-1234-5678")
    response = client.post("/v1/contract-ends", headers=auth("telephony"),
                           json={"caller_number": "+81312345678", "ended_on": "2026-02-28"})
    assert response.status_code == 200, response.text
    assert response.json() == {"ended_on": "2026-02-28"}  # never whether the number has calls
    with runtime.db.read_session() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.type == "contract_end.recorded")).scalar_one()
    assert json.loads(event.details)["calls_matched"] == 1  # the privacy manager's audit log tells
    assert "5678" not in response.text
    bad = client.post("/v1/contract-ends", headers=auth("telephony"),
                      json={"caller_number": "12", "ended_on": "2026-02-28"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "caller_number_invalid"


def test_purged_call_keeps_its_metadata_and_reports_audio_gone(client, auth):
    runtime = client.app.state.runtime
    call_id = add_call(runtime, started_at=T0)
    purge(runtime, T0 + 31 * DAY)
    shown = client.get(f"/v1/calls/{call_id}", headers=auth("privacy_manager")).json()
    assert shown["audio"]["retained"] is False
    assert client.get(f"/v1/calls/{call_id}/audio", headers=auth("privacy_manager")).status_code == 404


def test_purge_endpoint_dry_run_and_real(client, auth):
    runtime = client.app.state.runtime
    old = add_call(runtime, started_at=T0 - 400 * DAY)  # everything past its limit at the real now
    dry = client.post("/v1/retention/purge?dry_run=true", headers=auth("privacy_manager"))
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["counts"] == {
        "raw_audio": 1, "redacted_transcript": 1, "redacted_audio": 1}
    assert artifacts_of(runtime, old) == ALL
    real = client.post("/v1/retention/purge", headers=auth("admin"))
    assert real.status_code == 200 and len(real.json()["items"]) == 3
    assert artifacts_of(runtime, old) == set()
    assert_consistent(runtime)


@pytest.mark.parametrize("document,fragment", [
    ({"limits": {"raw_audio": "P0D", "redacted_transcript": "P1D", "redacted_audio": "P1D"}}, "at least one second"),
    ({"limits": {"raw_audio": "P1D"}}, "redacted_transcript"),
    ({"limits": {"raw_audio": "soon", "redacted_transcript": "P1D", "redacted_audio": "P1D"}}, "limits.raw_audio"),
    ({"count_from": "birthday"}, "count_from"),
    ({"overrides": [{"limits": {"raw_audio": "P1D"}}]}, "operator_group or direction"),
    ({"overrides": [{"operator_group": "ghosts", "limits": {"raw_audio": "P1D"}}]}, "operator_groups does not define"),
    ({"retain_forever": True}, "retain_forever"),
])
def test_bad_policies_are_refused_with_the_field_named(client, auth, document, fragment):
    response = client.put("/v1/retention-policy", headers=auth("privacy_manager"), json=document)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "retention_policy_invalid"
    assert fragment in response.json()["error"]["message"]


def test_policy_round_trip_over_http(client, auth):
    default = client.get("/v1/retention-policy", headers=auth("admin")).json()
    assert default["limits"] == {"raw_audio": "P30D", "redacted_transcript": "P365D", "redacted_audio": "P90D"}
    saved = client.put("/v1/retention-policy", headers=auth("privacy_manager"), json=OVERRIDE_POLICY)
    assert saved.status_code == 200, saved.text
    assert client.get("/v1/retention-policy", headers=auth("privacy_manager")).json() == saved.json()
    assert saved.json()["overrides"][0]["limits"]["raw_audio"] == "P3D"


def test_deadline_is_exact_at_the_limit(runtime):
    call_id = add_call(runtime, transcript=False, redacted_audio=False)
    purge(runtime, T0 + timedelta(days=30))
    assert artifacts_of(runtime, call_id) == set()
