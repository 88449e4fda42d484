"""`redactor audit verify` names every edited, removed or reordered audit event."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from redactor import audit
from redactor.store.models import AuditEvent
from redactor.service.retention_commands import audit as audit_group

from .helpers import command_environment

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
    return CliRunner().invoke(audit_group, ["verify", "--data-dir", str(runtime.settings.data_dir)],
                              env=command_environment(runtime))


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
        event.hash = audit.event_hash(event, chain.keys.load("audit"))
        session.commit()
    result = verify(chain)
    assert result.exit_code == 1 and "seq 4:" in result.output


def rewrite_without_the_key(runtime, *, drop_seq: int | None = None) -> None:
    """The review's attack: remove an event, renumber, recompute every hash as plain sha256."""
    from redactor.store.models import AuditEvent

    with runtime.db.session() as session:
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        for event in events:
            session.delete(event)
        session.flush()
        prev = audit.GENESIS_HASH
        for seq, old in enumerate((e for e in events if e.seq != drop_seq), start=1):
            event = AuditEvent(seq=seq, time=old.time, type=old.type, actor_role=old.actor_role,
                               actor_key_id=old.actor_key_id, call_id=old.call_id, details=old.details,
                               prev_hash=prev)
            event.hash = prev = audit.event_hash(event, None)
            session.add(event)
        session.commit()


def test_a_chain_rewritten_without_the_key_is_broken(chain):
    rewrite_without_the_key(chain, drop_seq=4)
    result = verify(chain)
    assert result.exit_code == 1, result.output
    assert "seq 1: content does not match its hash" in result.output


def test_a_chain_from_before_the_key_is_keyed_from_a_marker(chain):
    """Upgrade: a plain-sha256 chain gets one keyed marker at the next start and verifies."""
    from redactor.service.runtime import ServiceRuntime

    rewrite_without_the_key(chain)  # what an installation from before the key holds
    reopened = ServiceRuntime.open(chain.settings)
    with reopened.db.session() as session:
        audit.record(session, type="test.event", actor=ACTOR, details={"n": 6})
        session.commit()
    reopened.close()
    result = verify(chain)
    assert result.exit_code == 0, result.output
    assert "intact: 8 event(s); keyed from seq 7, earlier events sha256 only" in result.output
    ServiceRuntime.open(chain.settings).close()  # keyed already: no second marker
    assert "intact: 8 event(s)" in verify(chain).output

    raw_sql(chain, "DELETE FROM audit_events WHERE seq = 7")  # drop the marker: nothing is legacy any more
    dropped = verify(chain)
    assert dropped.exit_code == 1 and "seq 1: content does not match its hash" in dropped.output


def test_editing_a_legacy_event_breaks_the_marker(chain):
    from redactor.service.runtime import ServiceRuntime

    rewrite_without_the_key(chain)
    ServiceRuntime.open(chain.settings).close()
    rewrite_without_the_key(chain, drop_seq=2)  # recomputes the legacy part; the marker's link breaks
    result = verify(chain)
    assert result.exit_code == 1 and "seq 6:" in result.output


def test_anchors_catch_a_cut_tail(chain, tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    data_dir = str(chain.settings.data_dir)
    env = command_environment(chain)
    first = CliRunner().invoke(audit_group, ["anchor", "--data-dir", data_dir, "--append", str(anchors)], env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["seq"] == 6 and len(json.loads(first.output)["hash"]) == 64
    ok = CliRunner().invoke(audit_group, ["verify", "--data-dir", data_dir, "--anchor", str(anchors)], env=env)
    assert ok.exit_code == 0 and "1 anchor(s) found" in ok.output

    raw_sql(chain, "DELETE FROM audit_events WHERE seq >= 5")  # removing the newest events leaves a valid chain
    assert verify(chain).exit_code == 0
    cut = CliRunner().invoke(audit_group, ["verify", "--data-dir", data_dir, "--anchor", str(anchors)], env=env)
    assert cut.exit_code == 1 and "anchor seq 6: no such event" in cut.output


def test_every_anchor_line_is_checked_and_each_problem_names_its_event(chain):
    with chain.db.read_session() as session:
        third = session.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
        older = audit.Anchor(seq=3, hash=third.hash, time=third.time)
        newest = audit.anchor(session)
    text = f"{older.line()}\n\n{newest.line()}\n"  # a blank line between two anchors
    assert audit.parse_anchors(text, "anchors.jsonl") == [older, newest]  # each read back whole
    with pytest.raises(ValueError, match="anchors.jsonl line 3 "):
        audit.parse_anchors(f"{older.line()}\n\n{{not an anchor", "anchors.jsonl")

    raw_sql(chain, "UPDATE audit_events SET hash = '" + "0" * 64 + "' WHERE seq = 3",
            "DELETE FROM audit_events WHERE seq >= 5")
    with chain.db.read_session() as session:
        problems = audit.check_anchors(session, audit.parse_anchors(text, "anchors.jsonl"))
    assert [problem.split(":")[0] for problem in problems] == ["anchor seq 3", "anchor seq 6"]
    assert "differs" in problems[0] and "no such event" in problems[1]


def test_an_empty_chain_has_no_anchor(runtime):
    raw_sql(runtime, "DELETE FROM audit_events")
    with runtime.db.read_session() as session:
        assert audit.anchor(session) is None


def test_verify_refuses_to_guess_a_missing_audit_key(chain, tmp_path):
    env = {**command_environment(chain), "REDACTOR_KEYS_DIR": str(tmp_path / "elsewhere")}
    result = CliRunner().invoke(audit_group, ["verify", "--data-dir", str(chain.settings.data_dir)], env=env)
    assert result.exit_code == 2 and "no audit key" in result.output
    assert not (tmp_path / "elsewhere").exists()


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


def test_the_hashed_form_of_an_event_is_fixed():
    """Chains written by earlier versions must keep verifying: the hashed form is this exact text
    (field names included), HMAC-SHA256 under the chain key, plain sha256 for unkeyed events."""
    import hashlib
    import hmac

    event = AuditEvent(seq=7, time="2026-12-03T07:00:00.000000+00:00", type="audio.purged", actor_role="system",
                       actor_key_id=None, call_id="0f0e0d0c-0000-4000-8000-000000000001",
                       details='{"reason":"retention"}', prev_hash="a" * 64)
    message = ('{"actor_key_id":null,"actor_role":"system","call_id":"0f0e0d0c-0000-4000-8000-000000000001",'
               '"details":{"reason":"retention"},"prev_hash":"' + "a" * 64 + '","seq":7,'
               '"time":"2026-12-03T07:00:00.000000+00:00","type":"audio.purged"}').encode()
    key = bytes(range(32))
    assert audit.event_hash(event, key) == hmac.new(key, message, hashlib.sha256).hexdigest()
    assert audit.event_hash(event, None) == hashlib.sha256(message).hexdigest()
