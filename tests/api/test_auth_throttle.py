"""A brake on guessing keys: 429 with Retry-After after too many failures from one address.

Before: 200 wrong keys in 7.6 s, all 401, no 429, no audit event; 30 failed UI sign-ins, then
the real key still worked.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from ui.conftest import csrf_of, sign_in

from api.auth_throttle import AuthThrottle, FailureCounts
from api.main import create_app
from redactor.api_keys import create_key
from redactor.store.auth_failures import AuthFailure
from redactor.store.models import AuditEvent

LIMIT = 3
WRONG_KEY = "rdk_000000000000_" + "x" * 43


@pytest.fixture
def throttled(service_settings):
    settings = service_settings.model_copy(update={"auth_failure_limit": LIMIT, "auth_failure_window_seconds": 600})
    with TestClient(create_app(settings, start_worker=False)) as client:
        with client.app.state.runtime.db.session() as session:
            keys = {role: create_key(session=session, role=role).token for role in ("qa", "privacy_manager")}
            session.commit()
        yield client, keys


def _failure_events(client) -> list[dict]:
    with client.app.state.runtime.db.read_session() as session:
        return [json.loads(d) for d in session.execute(
            select(AuditEvent.details).where(AuditEvent.type == "auth.failures")).scalars()]


def test_wrong_keys_lock_the_address_out_and_the_real_key_with_it(throttled):
    client, keys = throttled
    for _ in range(LIMIT):
        assert client.get("/v1/calls", headers={"Authorization": f"Bearer {WRONG_KEY}"}).status_code == 401
    for token in (WRONG_KEY, keys["qa"]):
        response = client.get("/v1/calls", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 429, response.text
        assert response.json()["error"]["code"] == "too_many_failed_authentications"
        assert 1 <= int(response.headers["retry-after"]) <= 600
    [event] = _failure_events(client)  # written when the address was locked out
    assert event == {"api_failures": LIMIT, "ui_failures": 0, "lockouts": 1, "refused_while_locked": 0}


def test_a_request_without_a_key_is_not_a_guess(throttled):
    client, keys = throttled
    for _ in range(LIMIT * 2):
        assert client.get("/v1/calls").status_code == 401
    assert client.get("/v1/calls", headers={"Authorization": f"Bearer {keys['qa']}"}).status_code == 200


def test_failed_ui_sign_ins_lock_the_address_out_and_the_real_key_with_it(throttled):
    client, keys = throttled
    client.follow_redirects = True
    for _ in range(LIMIT):
        assert sign_in(client, WRONG_KEY).status_code == 401
    token = csrf_of(client.get("/ui/signin").text)
    locked = client.post("/ui/signin", data={"csrf_token": token, "api_key": keys["qa"], "next": "/ui/calls"},
                         headers={"Origin": str(client.base_url).rstrip("/")})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert 'id="signin-error"' in locked.text and "redactor_ui_session" not in client.cookies
    assert _failure_events(client)[0]["ui_failures"] == LIMIT


def test_failures_are_shown_on_the_privacy_page_without_key_material(service_settings):
    settings = service_settings.model_copy(update={"auth_failure_limit": 50})
    with TestClient(create_app(settings, start_worker=False), follow_redirects=True) as client:
        with client.app.state.runtime.db.session() as session:
            manager = create_key(session=session, role="privacy_manager").token
            session.commit()
        for _ in range(4):
            client.get("/v1/calls", headers={"Authorization": f"Bearer {WRONG_KEY}"})
        client.app.state.auth_throttle.flush()
        sign_in(client, manager)
        page = client.get("/ui/privacy?lang=en")
    assert page.status_code == 200
    assert "Failed authentications in the last 7 days: API 4, sign-in 0" in page.text
    with client.app.state.runtime.db.read_session() as session:
        details = " ".join(session.execute(select(AuditEvent.details)).scalars())
    assert "x" * 20 not in details and "000000000000" not in details and "testclient" not in details


def test_api_replicas_share_one_count(service_settings):
    """Two API processes on one database: failures sent to either count towards the same limit
    (per-process counts gave each replica's allowance again)."""
    settings = service_settings.model_copy(update={"auth_failure_limit": LIMIT, "auth_failure_window_seconds": 600})
    with TestClient(create_app(settings, start_worker=False)) as first, \
            TestClient(create_app(settings, start_worker=False)) as second:
        with first.app.state.runtime.db.session() as session:
            key = create_key(session=session, role="qa").token
            session.commit()
        wrong = {"Authorization": f"Bearer {WRONG_KEY}"}
        replicas = [first, second, first][:LIMIT]
        assert [replica.get("/v1/calls", headers=wrong).status_code for replica in replicas] == [401] * LIMIT
        for replica in (first, second):
            response = replica.get("/v1/calls", headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 429, response.text
            assert int(response.headers["retry-after"]) >= 1


def _throttle(runtime, clock, *, limit: int = 2, window_seconds: int = 60, report=None) -> AuthThrottle:
    return AuthThrottle(db=runtime.db, address_key=b"k" * 32, limit=limit, window_seconds=window_seconds,
                        report=report or (lambda counts: None), clock=lambda: clock[0])


def test_the_window_slides(runtime):
    now = [datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)]
    reports: list[FailureCounts] = []
    throttle = _throttle(runtime, now, report=reports.append)
    throttle.failed("203.0.113.5", "api")
    now[0] += timedelta(seconds=30)
    throttle.failed("203.0.113.5", "api")
    assert throttle.retry_after("203.0.113.5") == 30  # until the first failure leaves the window
    assert throttle.retry_after("198.51.100.7") is None  # per address
    now[0] += timedelta(seconds=31)
    assert throttle.retry_after("203.0.113.5") is None
    assert [r.lockouts for r in reports] == [1]


def test_failures_outside_the_window_are_pruned_and_addresses_never_stored(runtime):
    now = [datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)]
    throttle = _throttle(runtime, now, limit=5)
    for address in ("203.0.113.5", "198.51.100.7"):
        throttle.failed(address, "api")
    now[0] += timedelta(seconds=61)
    throttle.failed("192.0.2.1", "ui")
    with runtime.db.read_session() as session:
        rows = session.execute(select(AuthFailure.client_digest, AuthFailure.channel)).all()
    assert [channel for _, channel in rows] == ["ui"]  # the two older failures were pruned
    assert "192.0.2.1" not in rows[0].client_digest and len(rows[0].client_digest) == 64
