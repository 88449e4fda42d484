"""A decision read and then written holds the row it depends on: a second transaction on the same
call, key or policy waits for the first, then sees its outcome. On PostgreSQL (--database=
postgresql) that is the FOR UPDATE row lock, and these tests fail without it; on SQLite the
database's one write lock gives the same, so they pass there either way."""

from __future__ import annotations

import json
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from redactor import audit, consent
from redactor.api_keys import create_key, revoke_key
from redactor.errors import HoldError, LastAdminKeyError
from redactor.retention.consent_changes import change_consent
from redactor.retention.holds import place_hold
from redactor.store.models import ApiKey, AuditEvent

from .helpers import T0, add_call

ACTOR = audit.Actor("privacy_manager", "pmkey0000001")
WAIT_S = 0.5


@pytest.fixture
def background():
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


def assert_waits(future: Future) -> None:
    time.sleep(WAIT_S)
    assert not future.done(), "the second transaction did not wait for the first one's lock"


def in_own_session(runtime, work):
    def run():
        with runtime.db.session() as session:
            result = work(session)
            session.commit()
            return result
    return run


def test_two_holds_placed_at_once_leave_one_active_hold(runtime, background):
    call_id = add_call(runtime)
    with runtime.db.session() as first:
        place_hold(session=first, call_id=call_id, reason="case-1", actor=ACTOR, now=T0)
        second = background.submit(in_own_session(runtime, lambda session: place_hold(
            session=session, call_id=call_id, reason="case-2", actor=ACTOR, now=T0)))
        assert_waits(second)
        first.commit()
    with pytest.raises(HoldError) as refused:
        second.result(timeout=30)
    assert refused.value.code == "call_already_held"


def test_a_withdrawal_waits_for_a_hold_being_placed_and_erases_nothing(runtime, background):
    call_id = add_call(runtime)
    with runtime.db.session() as first:
        place_hold(session=first, call_id=call_id, reason="case-1", actor=ACTOR, now=T0)
        withdrawal = background.submit(lambda: change_consent(
            db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, call_id=call_id, state="withdrawn", method=None,
            recorded_at=None, actor=ACTOR, now=T0))
        assert_waits(withdrawal)
        first.commit()
    changed = withdrawal.result(timeout=30)
    assert changed.held and changed.erased == []


def test_a_key_revoked_twice_at_once_is_revoked_and_audited_once(runtime, background):
    with runtime.db.session() as session:
        key_id = create_key(session=session, role="qa", label="twice").key_id
        session.commit()
    with runtime.db.session() as first:
        assert revoke_key(session=first, key_id=key_id, actor=ACTOR)
        second = background.submit(in_own_session(
            runtime, lambda session: revoke_key(session=session, key_id=key_id, actor=ACTOR)))
        assert_waits(second)
        first.commit()
    assert second.result(timeout=30) is False
    with runtime.db.read_session() as session:
        revocations = session.execute(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.type == "api_key.revoked")).scalar()
    assert revocations == 1


def test_two_admin_keys_revoked_at_once_leave_one_active_admin_key(runtime, background):
    with runtime.db.session() as session:
        first_admin, second_admin = (create_key(session=session, role="admin").key_id for _ in range(2))
        session.commit()
    with runtime.db.session() as first:
        assert revoke_key(session=first, key_id=first_admin, actor=ACTOR, keep_an_admin=True)
        second = background.submit(in_own_session(runtime, lambda session: revoke_key(
            session=session, key_id=second_admin, actor=ACTOR, keep_an_admin=True)))
        assert_waits(second)
        first.commit()
    with pytest.raises(LastAdminKeyError) as refused:
        second.result(timeout=30)
    assert refused.value.code == "last_admin_key"
    with runtime.db.read_session() as session:
        active = session.execute(select(func.count()).select_from(ApiKey).where(
            ApiKey.role == "admin", ApiKey.revoked_at.is_(None))).scalar()
    assert active == 1


def test_two_first_saves_of_a_policy_both_succeed_in_order(runtime, background):
    with runtime.db.session() as first:
        consent.set_allowed_states(session=first, allowed={"granted"}, actor=ACTOR)
        second = background.submit(in_own_session(runtime, lambda session: consent.set_allowed_states(
            session=session, allowed={"granted", "notice_given"}, actor=ACTOR)))
        assert_waits(second)
        first.commit()
    second.result(timeout=30)
    with runtime.db.read_session() as session:
        assert consent.get_allowed_states(session) == {"granted", "notice_given"}
        changes = [json.loads(e.details) for e in session.execute(select(AuditEvent).where(
            AuditEvent.type == "consent_policy.changed").order_by(AuditEvent.seq)).scalars()]
    # The second change audits the first one's value as the value it replaced.
    assert [(c["old_allowed"], c["new_allowed"]) for c in changes][1] == (["granted"], ["granted", "notice_given"])
