"""`redactor audit verify` names every edited, removed or reordered audit event."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from redactor import audit
from redactor.service.retention_commands import audit as audit_group

ACTOR = audit.Actor("privacy_manager", "pmkey0000001")


@pytest.fixture
def chain(runtime):
    """Six events in the runtime's database; returns the runtime."""
    with runtime.db.session() as session:
        for n in range(6):
            audit.record(session, type="test.event", actor=ACTOR, call_id=f"call-{n}", details={"n": n})
        session.commit()
    return runtime


def verify(runtime):
    return CliRunner().invoke(audit_group, ["verify", "--data-dir", str(runtime.settings.data_dir)])


def raw_sql(runtime, *statements: str) -> None:
    """Tamper the way an attacker with file access would: plain SQL, no application code."""
    with runtime.db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_an_intact_chain_verifies(chain):
    result = verify(chain)
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 6 event(s)" in result.output


TAMPERING = [
    # (what, SQL, the seq that must be named)
    ("edited details", "UPDATE audit_events SET details = '{\"n\":99}' WHERE seq = 3", 3),
    ("edited actor", "UPDATE audit_events SET actor_key_id = 'someoneelse0' WHERE seq = 4", 4),
    ("edited time", "UPDATE audit_events SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = 2", 2),
    ("edited type", "UPDATE audit_events SET type = 'test.harmless' WHERE seq = 5", 5),
    ("unparseable details", "UPDATE audit_events SET details = 'not json' WHERE seq = 1", 1),
    ("removed event", "DELETE FROM audit_events WHERE seq = 4", 5),
    ("removed first event", "DELETE FROM audit_events WHERE seq = 1", 2),
]


@pytest.mark.parametrize("what,statement,seq", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampering_is_named(chain, what, statement, seq):
    raw_sql(chain, statement)
    result = verify(chain)
    assert result.exit_code == 1, result.output
    assert f"seq {seq}:" in result.output
    assert "BROKEN" in result.output


def test_reordered_events_are_named(chain):
    # Swap the contents of events 2 and 3 (each keeps its own hashes): the order changed.
    raw_sql(chain,
            "UPDATE audit_events SET seq = -2 WHERE seq = 2",
            "UPDATE audit_events SET seq = 2 WHERE seq = 3",
            "UPDATE audit_events SET seq = 3 WHERE seq = -2")
    result = verify(chain)
    assert result.exit_code == 1
    assert "seq 2:" in result.output and "seq 3:" in result.output


def test_a_recomputed_hash_still_breaks_the_next_link(chain):
    """Editing an event and fixing its own hash is caught at the next event."""
    with chain.db.session() as session:
        from redactor.store.models import AuditEvent

        event = session.get(AuditEvent, 3)
        event.details = json.dumps({"n": 42}, separators=(",", ":"))
        event.hash = audit.event_hash(event)
        session.commit()
    result = verify(chain)
    assert result.exit_code == 1 and "seq 4:" in result.output


def test_verify_without_a_database_says_where_it_looked(tmp_path):
    result = CliRunner().invoke(audit_group, ["verify", "--data-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no database" in result.output


def test_audit_events_endpoint_lists_and_verifies(client, auth):
    runtime = client.app.state.runtime
    with runtime.db.session() as session:
        audit.record(session, type="test.event", actor=ACTOR, details={"n": 1})
        session.commit()
    page = client.get("/v1/audit-events?type=test.event", headers=auth("admin"))
    assert page.status_code == 200, page.text
    [event] = page.json()["events"]
    assert event["details"] == {"n": 1} and len(event["hash"]) == 64
    ok = client.get("/v1/audit-events/verification", headers=auth("privacy_manager")).json()
    assert ok["intact"] is True and ok["events"] >= 5  # key creations + this one
    raw_sql(runtime, f"UPDATE audit_events SET details = '{{}}' WHERE seq = {event['seq']}")
    broken = client.get("/v1/audit-events/verification", headers=auth("privacy_manager")).json()
    assert broken["intact"] is False and broken["problems"][0].startswith(f"seq {event['seq']}:")


def test_audit_events_paginate(client, auth):
    runtime = client.app.state.runtime
    with runtime.db.session() as session:
        for n in range(5):
            audit.record(session, type="test.page", actor=ACTOR, details={"n": n})
        session.commit()
    seen, after = [], 0
    while after is not None:
        body = client.get(f"/v1/audit-events?type=test.page&limit=2&after_seq={after}", headers=auth("admin")).json()
        seen += [e["details"]["n"] for e in body["events"]]
        after = body["next_after_seq"]
    assert seen == [0, 1, 2, 3, 4]
