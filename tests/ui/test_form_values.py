"""The workspace's forms refuse values no backend can store, as the API does (redactor/values.py):
a NUL character in any field, a date outside the years 1900-9999. PostgreSQL rejects NUL in text
and SQLite stores it, so without the check the same form is a 500 on one backend and stored on the
other; with it, both answer 422 naming the field, and nothing is written. Run on both backends
(scripts/test; `--database=postgresql` for PostgreSQL).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from redactor.store.models import AuditEvent

from .conftest import csrf_of, sign_in
from .test_sessions import FORM_ROUTES, runtime_call  # noqa: F401 (a fixture: a call under a legal hold)

CALLER = "090-5555-0123"
NUL = "\x00"


def alerts(page_html: str) -> list[str]:
    """The error notices of a page (role="alert")."""
    return re.findall(r'role="alert"[^>]*>([^<]*)<', page_html)


def audit_count(client) -> int:
    with client.app.state.runtime.db.read_session() as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar()


def open_case(client) -> str:
    token = csrf_of(client.get("/ui/privacy/cases").text)
    response = client.post("/ui/privacy/cases", data={"csrf_token": token, "type": "deletion", "channel": "post",
                                                      "caller_number": CALLER})
    assert response.status_code == 200 and "/ui/privacy/cases/" in str(response.url), response.text[:300]
    return str(response.url).rsplit("/", 1)[1]


def valid_forms(case_id: str, call_id: str, held_call_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    """For every form route: a URL and a form it accepts (each field of it gets a NUL in turn)."""
    return {
        "/ui/privacy/cases": ("/ui/privacy/cases", {
            "type": "disclosure", "channel": "post", "requester": "agent", "agent_relationship": "appointed_agent",
            "caller_number": CALLER, "received_on": "2026-11-20"}),
        "/ui/privacy/cases/{case_id}/{step}": (f"/ui/privacy/cases/{case_id}/form-sent", {"via": "post"}),
        "/ui/privacy/consent-policy": ("/ui/privacy/consent-policy", {"allowed_states": "granted"}),
        "/ui/privacy/contractors": ("/ui/privacy/contractors", {
            "name": "委託先株式会社", "purpose": "文字起こしの確認", "contract_start": "2026-01-01",
            "contract_end": "2027-12-31"}),
        "/ui/privacy/holds": ("/ui/privacy/holds", {"call_id": call_id, "reason": "訴訟対応"}),
        "/ui/privacy/holds/{call_id}/release": (f"/ui/privacy/holds/{held_call_id}/release", {}),
        "/ui/privacy/provisions": ("/ui/privacy/provisions", {
            "provided_on": "2026-11-20", "recipient": "警察署", "legal_basis": "legal_requirement",
            "basis_reference": "刑事訴訟法",
            "data_categories": "raw_audio", "call_ids": call_id, "caller_number": CALLER}),
        "/ui/privacy/retention-policy": ("/ui/privacy/retention-policy", {
            "limit_raw_audio": "P30D", "limit_redacted_audio": "P90D", "limit_redacted_transcript": "P365D",
            "count_from": "call_start", "advanced": "{}"}),
        "/ui/signout": ("/ui/signout", {}),
    }


def test_every_form_is_covered():
    assert sorted(valid_forms("c", "k", "h")) == FORM_ROUTES


@pytest.fixture
def manager(ui, runtime_call):  # noqa: F811
    """(client signed in as privacy_manager, an open case's id, a call id, a held call's id)."""
    client, keys = ui
    sign_in(client, keys["privacy_manager"])
    return client, open_case(client), unheld_call(client), runtime_call(client)


def unheld_call(client) -> str:
    from retention.helpers import add_call

    return add_call(client.app.state.runtime)


@pytest.mark.parametrize("route", FORM_ROUTES)
def test_a_nul_character_in_any_field_is_refused_with_422(manager, route):
    client, *ids = manager
    url, form = valid_forms(*ids)[route]
    for name in [*form, "extra"]:  # every field the form has, and one it does not read
        token = csrf_of(client.get("/ui/privacy").text)
        events = audit_count(client)
        value = form.get(name, "x")
        for poisoned in (value + NUL, NUL + value):
            refused = client.post(url, data={"csrf_token": token, **form, name: poisoned}, follow_redirects=False)
            assert refused.status_code == 422, (url, name, refused.status_code, refused.text[:300])
            notice = alerts(refused.text)
            assert len(notice) == 1 and "U+0000" in notice[0] and name in notice[0], notice
        assert audit_count(client) == events, (url, name)  # nothing was written
    assert client.get("/ui/calls", follow_redirects=False).status_code == 200  # still signed in
    # The same form without the NUL is accepted: the refusals were the NUL's doing.
    token = csrf_of(client.get("/ui/privacy").text)
    accepted = client.post(url, data={"csrf_token": token, **form}, follow_redirects=False)
    assert accepted.status_code == 303, (url, accepted.status_code, alerts(accepted.text))


@pytest.mark.parametrize("field, value", [("api_key", "rk_" + NUL), ("next", "/ui/calls" + NUL)])
def test_sign_in_refuses_a_nul_character(ui, field, value):
    client, keys = ui
    token = csrf_of(client.get("/ui/signin").text)
    form = {"csrf_token": token, "api_key": keys["qa"], "next": "/ui/calls", field: value}
    refused = client.post("/ui/signin", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert refused.status_code == 422 and field in alerts(refused.text)[0] and "U+0000" in alerts(refused.text)[0]
    assert client.get("/ui/calls", follow_redirects=False).status_code == 303  # not signed in


@pytest.mark.parametrize("route, field", [("/ui/privacy/cases", "received_on"),
                                          ("/ui/privacy/contractors", "contract_start"),
                                          ("/ui/privacy/contractors", "contract_end"),
                                          ("/ui/privacy/provisions", "provided_on")])
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_date_outside_the_years_1900_to_9999_is_refused_with_422(manager, route, field, day):
    client, *ids = manager
    url, form = valid_forms(*ids)[route]
    token = csrf_of(client.get("/ui/privacy").text)
    events = audit_count(client)
    refused = client.post(url, data={"csrf_token": token, **form, field: day}, follow_redirects=False)
    assert refused.status_code == 422, (refused.status_code, alerts(refused.text))
    assert f"{field}: must lie between the years 1900 and 9999" in alerts(refused.text)[0]
    assert audit_count(client) == events


@pytest.mark.parametrize("role, method, url", [
    ("qa", "GET", "/ui/calls/%00"),
    ("qa", "GET", "/ui/calls/%00/redacted-audio"),
    ("privacy_manager", "GET", "/ui/privacy/cases/%00"),
    ("privacy_manager", "POST", "/ui/privacy/holds/%00/release"),
    ("privacy_manager", "POST", "/ui/privacy/cases/%00/form-sent"),
])
def test_a_nul_character_in_an_id_in_the_path_is_refused_with_422(ui, role, method, url):
    """Not only forms: the ids in paths are looked up in the database too."""
    client, keys = ui
    sign_in(client, keys[role])
    token = csrf_of(client.get("/ui/privacy").text) if role == "privacy_manager" else ""
    refused = client.request(method, url, data={"csrf_token": token} if method == "POST" else None,
                             follow_redirects=False)
    assert refused.status_code == 422, (url, refused.status_code)
    notice = alerts(refused.text)
    assert len(notice) == 1 and notice[0].startswith("path: ") and "U+0000" in notice[0], notice


def test_a_nul_character_in_the_operator_filter_is_named_and_ignored(ui):
    """As the list page treats any bad filter (tests/api/test_malformed_input.py: the search box)."""
    client, keys = ui
    sign_in(client, keys["qa"])
    page = client.get("/ui/calls", params={"operator": "op\x00"}, follow_redirects=False)
    assert page.status_code == 200
    assert re.search(r'name="operator" value=""[^>]*aria-invalid="true"', page.text)
