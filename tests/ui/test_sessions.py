"""Sign-in, session cookies, sign-out and CSRF, against the real app (TestClient, real DB)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.ui.sessions import SESSION_COOKIE, SIGNIN_CSRF_COOKIE
from redactor.api_keys import revoke_key
from redactor.audit import Actor
from redactor.store.ui_sessions import UiSessionRow, UiSessionStore, session_digest

from .conftest import csrf_of, sign_in
from .routes import declared_ui_paths


def set_cookie_headers(response) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]


def session_cookie_header(response) -> str:
    return next(h for h in set_cookie_headers(response) if h.startswith(SESSION_COOKIE + "="))


def test_sign_in_sets_a_strict_httponly_cookie_and_never_puts_the_key_in_a_url(ui):
    client, keys = ui
    form = client.get("/ui/signin")
    response = client.post("/ui/signin", data={"csrf_token": csrf_of(form.text), "api_key": keys["qa"],
                                               "next": "/ui/calls"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/calls"
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert "Secure" not in cookie  # plain http (a local deployment) cannot carry Secure cookies
    assert keys["qa"] not in cookie and keys["qa"] not in response.headers["location"]
    page = client.get("/ui/calls")
    assert page.status_code == 200 and keys["qa"] not in page.text
    assert keys["qa"].split("_")[1] in page.text  # the key id is shown, not the key


def test_the_cookie_is_secure_over_https(service_settings):
    from redactor.api_keys import create_key

    app = create_app(service_settings, start_worker=False)
    with TestClient(app, base_url="https://testserver") as client:
        with app.state.runtime.db.session() as session:
            key = create_key(session=session, role="privacy_manager").token
            session.commit()
        form = client.get("/ui/signin")
        assert "Secure" in next(h for h in set_cookie_headers(form) if h.startswith(SIGNIN_CSRF_COOKIE))
        response = client.post("/ui/signin", data={"csrf_token": csrf_of(form.text), "api_key": key},
                               follow_redirects=False)
        assert response.status_code == 303
        assert "Secure" in session_cookie_header(response)


REFUSED_SIGNINS = [
    # (what, key role or literal key, csrf: "form"|"missing"|"wrong", origin, status, message key)
    ("unknown key", "rdk_000000000000_" + "x" * 43, "form", None, 401, "signin-error"),
    ("malformed key", "not a key", "form", None, 401, "signin-error"),
    ("telephony key", "telephony", "form", None, 403, "signin-error"),
    ("admin key", "admin", "form", None, 403, "signin-error"),
    ("no csrf token", "qa", "missing", None, 403, "signin-error"),
    ("wrong csrf token", "qa", "wrong", None, 403, "signin-error"),
    ("cross-site post", "qa", "form", "https://evil.example", 403, "signin-error"),
    ("opaque origin", "qa", "form", "null", 403, "signin-error"),
]


@pytest.mark.parametrize("what,key,csrf,origin,status,marker", REFUSED_SIGNINS, ids=[r[0] for r in REFUSED_SIGNINS])
def test_refused_sign_ins_set_no_session(ui, what, key, csrf, origin, status, marker):
    client, keys = ui
    token = keys.get(key, key)
    form = client.get("/ui/signin")
    data = {"api_key": token}
    if csrf != "missing":
        data["csrf_token"] = csrf_of(form.text) if csrf == "form" else "forged"
    headers = {"Origin": origin} if origin else {}
    response = client.post("/ui/signin", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == status
    assert marker in response.text
    assert token not in response.text  # the submitted key is never echoed
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(response))
    assert client.get("/ui/calls", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target,expected", [
    ("/ui/calls/abc?q=x", "/ui/calls/abc?q=x"),
    ("/ui/privacy", "/ui/privacy"),
    ("https://evil.example/", "/ui/calls"),
    ("//evil.example/ui/", "/ui/calls"),
    ("/ui//evil.example", "/ui/calls"),
    ("/ui/\\evil.example", "/ui/calls"),
    ("/v1/calls", "/ui/calls"),
    ("", "/ui/calls"),
])
def test_after_sign_in_only_ui_paths_are_followed(ui, target, expected):
    client, keys = ui
    form = client.get("/ui/signin")
    response = client.post("/ui/signin", data={"csrf_token": csrf_of(form.text), "api_key": keys["qa"],
                                               "next": target}, follow_redirects=False)
    assert response.headers["location"] == expected


def test_sign_out_needs_the_csrf_token_and_ends_the_session(ui):
    client, keys = ui
    sign_in(client, keys["qa"])
    page = client.get("/ui/calls")
    old_cookie = client.cookies.get(SESSION_COOKIE)
    refused = client.post("/ui/signout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/ui/calls", follow_redirects=False).status_code == 200  # still signed in
    done = client.post("/ui/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/ui/signin"
    assert 'Max-Age=0' in session_cookie_header(done)
    # The old cookie, replayed, no longer opens anything.
    client.cookies.set(SESSION_COOKIE, old_cookie, path="/ui")
    assert client.get("/ui/calls", follow_redirects=False).status_code == 303


def test_revoking_the_key_ends_its_browser_sessions(ui):
    client, keys = ui
    sign_in(client, keys["qa"])
    assert client.get("/ui/calls", follow_redirects=False).status_code == 200
    runtime = client.app.state.runtime
    with runtime.db.session() as session:
        assert revoke_key(session=session, key_id=keys["qa"].split("_")[1], actor=Actor("admin"))
        session.commit()
    response = client.get("/ui/calls", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/signin")


def test_a_forged_session_cookie_is_refused(ui):
    client, _ = ui
    client.cookies.set(SESSION_COOKIE, "forged-session-id", path="/ui")
    response = client.get("/ui/calls/some-id", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/signin?next=%2Fui%2Fcalls%2Fsome-id"


def test_pages_are_not_cached_framed_or_scriptable_from_elsewhere(ui):
    client, keys = ui
    sign_in(client, keys["qa"])
    for url in ("/ui/signin", "/ui/calls"):
        headers = client.get(url).headers
        assert headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"


def test_ui_routes_stay_out_of_the_api_schema(client):
    assert not [path for path in client.get("/openapi.json").json()["paths"] if path.startswith("/ui")]


def test_session_store_expires_idle_and_old_sessions(runtime):
    store = UiSessionStore(db=runtime.db, idle=timedelta(minutes=30), lifetime=timedelta(hours=2))
    start = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
    session_id, _ = store.create(key_id="k1", role="qa", now=start)
    with runtime.db.read_session() as db:  # only the id's digest is kept
        assert [row.id_sha256 for row in db.query(UiSessionRow)] == [session_digest(session_id)] != [session_id]
    assert store.get(session_id, now=start + timedelta(minutes=29)) is not None
    # used every 29 minutes: alive until the lifetime runs out
    moment = start + timedelta(minutes=29)
    while moment + timedelta(minutes=29) <= start + timedelta(hours=2):
        moment += timedelta(minutes=29)
        assert store.get(session_id, now=moment) is not None
    assert store.get(session_id, now=start + timedelta(hours=2, minutes=1)) is None
    other_id, _ = store.create(key_id="k1", role="qa", now=start)
    assert store.get(other_id, now=start + timedelta(minutes=31)) is None  # idle too long
    third_id, _ = store.create(key_id="k2", role="qa", now=start)
    assert store.delete_for_key("k2") == 1 and store.get(third_id, now=start) is None


def test_expired_sessions_are_deleted_at_the_next_sign_in(runtime):
    store = UiSessionStore(db=runtime.db, idle=timedelta(minutes=30), lifetime=timedelta(hours=2))
    start = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
    store.create(key_id="k1", role="qa", now=start)  # never used again: idle after 30 minutes
    kept_id, _ = store.create(key_id="k2", role="qa", now=start + timedelta(minutes=20))
    store.create(key_id="k3", role="qa", now=start + timedelta(minutes=40))
    assert store.count() == 2 and store.get(kept_id, now=start + timedelta(minutes=40)) is not None


def test_a_browser_session_is_served_by_any_replica(service_settings):
    """Two apps on one database stand for two API replicas behind a load balancer."""
    from redactor.api_keys import create_key

    with TestClient(create_app(service_settings, start_worker=False)) as first, \
            TestClient(create_app(service_settings, start_worker=False)) as second:
        with first.app.state.runtime.db.session() as session:
            key = create_key(session=session, role="qa").token
            session.commit()
        sign_in(first, key)
        second.cookies.set(SESSION_COOKIE, first.cookies.get(SESSION_COOKIE), path="/ui")
        page = second.get("/ui/calls", follow_redirects=False)
        assert page.status_code == 200
        signed_out = second.post("/ui/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert signed_out.status_code == 303
        assert first.get("/ui/calls", follow_redirects=False).status_code == 303  # ended on both


def state_changing_ui_routes() -> list[str]:
    """Every UI path that accepts POST/PUT/PATCH/DELETE, as declared (a new form is covered at once)."""
    from api.ui import router

    return declared_ui_paths(router.routes, {"POST", "PUT", "PATCH", "DELETE"})


# Sign-in has no session yet; its own token and Origin checks are in REFUSED_SIGNINS above.
FORM_ROUTES = [path for path in state_changing_ui_routes() if path != "/ui/signin"]


@pytest.fixture
def manager_session(ui, runtime_call):
    """(client signed in as privacy_manager, its CSRF token, a call id under a legal hold)."""
    client, keys = ui
    sign_in(client, keys["privacy_manager"])
    return client, csrf_of(client.get("/ui/privacy").text), runtime_call(client)


@pytest.fixture
def runtime_call():
    def make(client) -> str:
        import uuid

        from redactor.retention.holds import place_hold
        from redactor.store.models import Call

        runtime, call_id = client.app.state.runtime, str(uuid.uuid4())
        with runtime.db.session() as session:
            session.add(Call(id=call_id, external_id="held", started_at=datetime.now(timezone.utc), operator_id="op",
                             direction="inbound", channels="mono", consent_state="granted", status="done"))
            session.flush()
            place_hold(session=session, call_id=call_id, reason="litigation", actor=Actor("system"),
                       now=datetime.now(timezone.utc))
            session.commit()
        return call_id
    return make


def audit_event_count(client) -> int:
    from sqlalchemy import func, select

    from redactor.store.models import AuditEvent

    with client.app.state.runtime.db.read_session() as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar()


def test_the_form_routes_are_the_ones_this_module_covers():
    assert FORM_ROUTES == sorted(FORM_ROUTES) and "/ui/signout" in FORM_ROUTES
    assert any(path.startswith("/ui/privacy/") for path in FORM_ROUTES)


@pytest.mark.parametrize("path", FORM_ROUTES)
def test_every_form_refuses_a_cross_site_origin_even_with_the_right_token(manager_session, path):
    client, token, call_id = manager_session
    # The Origin is checked before anything is looked up: any case id and step will do.
    values = {"call_id": call_id, "case_id": "no-such-case", "step": "identity-verification"}
    params = set(re.findall(r"\{(\w+)\}", path))
    assert params <= set(values), f"{path}: teach this test how to fill {params - set(values)}"
    url = path.format(**values)
    events = audit_event_count(client)
    for origin in ("https://evil.example", "http://testserver.evil.example", "null"):
        refused = client.post(url, data={"csrf_token": token}, headers={"Origin": origin}, follow_redirects=False)
        assert refused.status_code == 403, (url, origin, refused.status_code)
    assert audit_event_count(client) == events  # nothing changed
    assert client.get("/ui/calls", follow_redirects=False).status_code == 200  # still signed in
    # The same post from the site itself gets past the check: the refusals were the Origin's doing.
    same_site = client.post(url, data={"csrf_token": token}, headers={"Origin": "http://testserver"},
                            follow_redirects=False)
    assert same_site.status_code != 403, url


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def test_session_timeouts_come_from_settings_in_their_units(service_settings, monkeypatch):
    from redactor.api_keys import create_key

    clock = Clock()
    monkeypatch.setattr("api.ui.web.utcnow", clock)
    monkeypatch.setattr("api.ui.auth_routes.utcnow", clock)
    settings = service_settings.model_copy(update={"ui_session_idle_minutes": 5, "ui_session_max_hours": 1})
    with TestClient(create_app(settings, start_worker=False)) as client:
        with client.app.state.runtime.db.session() as session:
            keys = {"qa": create_key(session=session, role="qa", label="timeouts").token}
            session.commit()

        def signed_in() -> bool:
            return client.get("/ui/calls", follow_redirects=False).status_code == 200

        sign_in(client, keys["qa"])
        clock.now += timedelta(minutes=4, seconds=50)
        assert signed_in()  # used within the idle limit; its clock restarts
        clock.now += timedelta(minutes=5, seconds=10)
        assert not signed_in()  # 5 minutes 10 seconds unused

        sign_in(client, keys["qa"])
        start = clock.now
        while clock.now + timedelta(minutes=4) < start + timedelta(hours=1):
            clock.now += timedelta(minutes=4)
            assert signed_in()
        clock.now = start + timedelta(hours=1, minutes=1)
        assert not signed_in()  # used all along, but signed in over an hour ago
