"""The privacy manager's cases and ledger in the review workspace: in-process, and in Chromium.

The browser test runs a fresh service (no models: its calls are stored directly) and walks the
privacy manager through an agent's disclosure request (form sent, agent verified, fee recorded,
withheld with a reason, notified), a deletion fulfilled, and the ledger's CSV export.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from api.main import create_app
from redactor.api_keys import create_key
from redactor.config import Settings
from redactor.store.models import AuditEvent, Call
from retention.helpers import add_call

from .conftest import csrf_of, sign_in
from .workspace import ThreadedServer

CALLER = "090-5555-0123"
EXPLANATION = "第三者（家族）の発言が含まれるため"


@pytest.fixture
def manager(ui):
    client, keys = ui
    sign_in(client, keys["privacy_manager"])
    return client, keys


def events(client, type_: str) -> list[AuditEvent]:
    with client.app.state.runtime.db.read_session() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.type == type_)).scalars())


def test_qa_gets_none_of_the_case_pages(ui):
    client, keys = ui
    sign_in(client, keys["qa"])
    for url in ("/ui/privacy/cases", "/ui/privacy/cases/x", "/ui/privacy/provisions", "/ui/privacy/provisions.csv"):
        assert client.get(url).status_code == 403, url
    for url in ("/ui/privacy/cases", "/ui/privacy/cases/x/fee", "/ui/privacy/cases/x/package",
                "/ui/privacy/provisions", "/ui/privacy/contractors"):
        assert client.post(url, data={}).status_code == 403, url
    assert 'href="/ui/privacy/cases"' not in client.get("/ui/calls").text


def open_case(client, **fields) -> str:
    token = csrf_of(client.get("/ui/privacy/cases").text)
    response = client.post("/ui/privacy/cases", data={"csrf_token": token, "channel": "post", "caller_number": CALLER,
                                                      **fields})
    assert response.status_code == 200 and "/ui/privacy/cases/" in str(response.url), response.text[:300]
    return str(response.url).rsplit("/", 1)[1]


def step(client, case_id: str, name: str, **fields):
    token = csrf_of(client.get(f"/ui/privacy/cases/{case_id}").text)
    return client.post(f"/ui/privacy/cases/{case_id}/{name}", data={"csrf_token": token, **fields})


def test_steps_need_the_csrf_token_and_refusals_show_on_the_page(manager):
    client, _ = manager
    case_id = open_case(client, type="deletion")
    assert client.post(f"/ui/privacy/cases/{case_id}/form-sent", data={"via": "post"}).status_code == 403
    early = step(client, case_id, "fulfilment")
    assert early.status_code == 409 and 'id="form-error"' in early.text and "send_form" in early.text
    assert CALLER not in client.get(f"/ui/privacy/cases/{case_id}").text


def test_the_disclosure_package_needs_the_managers_own_key_again(manager):
    client, keys = manager
    runtime = client.app.state.runtime
    add_call(runtime, caller_number=CALLER)
    case_id = open_case(client, type="disclosure")
    step(client, case_id, "identity-verification", method="identity_document")
    step(client, case_id, "fee", amount_yen="1000", method="postal_money_order")
    with runtime.db.session() as session:
        other_manager = create_key(session=session, role="privacy_manager", label="another manager").token
        session.commit()
    for wrong in ("", keys["qa"], other_manager):
        refused = step(client, case_id, "package", api_key=wrong)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert len(events(client, "privacy_case.package_refused")) == 3 and not events(client, "raw_audio.accessed")
    download = step(client, case_id, "package", api_key=keys["privacy_manager"])
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert len(events(client, "privacy_case.package_downloaded")) == 1 and len(events(client, "raw_audio.accessed")) == 1
    assert 'data-state="fulfilled"' in client.get(f"/ui/privacy/cases/{case_id}").text


@pytest.fixture
def served(tmp_path):
    """A fresh service over HTTP (no models), its privacy manager key, and two stored calls of CALLER."""
    app = create_app(Settings(data_dir=tmp_path / "data"), start_worker=False)
    with ThreadedServer(app) as base_url:
        runtime = app.state.runtime
        with runtime.db.session() as session:
            key = create_key(session=session, role="privacy_manager", label="browser").token
            session.commit()
        calls = [add_call(runtime, caller_number=CALLER) for _ in range(2)]
        yield base_url, key, runtime, calls


@pytest.mark.browser
def test_a_privacy_manager_runs_requests_in_the_browser(browser, served, artifacts_dir):
    base_url, key, runtime, calls = served
    context = browser.new_context(base_url=base_url, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/ui/privacy/cases")
    page.fill("#api_key", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/privacy/cases$"))
    assert page.locator("#overdue-count").get_attribute("data-overdue") == "0"

    # An agent (a parent) asks for disclosure by post.
    page.select_option("#case-type", "disclosure")
    page.select_option("#case-channel", "post")
    page.select_option("#case-requester", "agent")
    page.select_option("#case-relationship", "parent")
    page.fill("#case-caller", CALLER)
    page.click("#case-open")
    page.wait_for_url(re.compile(r"/ui/privacy/cases/[0-9a-f-]{36}$"))
    case_url = page.url
    assert page.locator("#due-next-step").get_attribute("data-step") == "send_form"
    page.click("#form-form-sent button[type=submit]")
    page.wait_for_url(re.compile(r"saved=form-sent"))
    page.select_option("#verify-method", "identity_document")
    page.select_option("#verify-authority", "family_register")
    page.click("#form-identity-verification button[type=submit]")
    page.wait_for_url(re.compile(r"saved=identity-verification"))
    assert page.locator("#due-next-step").get_attribute("data-step") == "record_fee"
    assert page.locator("#fee-amount").input_value() == "1000"
    page.select_option("#fee-method", "postal_money_order")
    page.click("#form-fee button[type=submit]")
    page.wait_for_url(re.compile(r"saved=fee"))
    page.select_option("#withhold-reason", "harm_to_rights")
    page.fill("#withhold-explanation", EXPLANATION)
    page.click("#form-withholding button[type=submit]")
    page.wait_for_url(re.compile(r"saved=withholding"))
    assert page.locator("#explanation").inner_text() == EXPLANATION
    assert page.locator("#due-next-step").get_attribute("data-step") == "notify"
    page.click("#form-notification button[type=submit]")
    page.wait_for_url(re.compile(r"saved=notification"))
    states = page.eval_on_selector_all(".case-timeline li", "els => els.map(e => e.dataset.state)")
    assert states == ["received", "form_sent", "identity_verified", "fee_received", "withheld", "notified"]
    assert "代理権の確認方法" in page.locator(".case-timeline").inner_text()
    page.screenshot(path=str(artifacts_dir / "ui-privacy-case.png"), full_page=True)

    # The caller asks for deletion by phone; it is verified and fulfilled.
    page.goto("/ui/privacy/cases")
    page.select_option("#case-type", "deletion")
    page.select_option("#case-channel", "phone")
    page.fill("#case-caller", CALLER)
    page.click("#case-open")
    page.wait_for_url(re.compile(r"/ui/privacy/cases/[0-9a-f-]{36}$"))
    assert page.url != case_url
    page.click("#form-identity-verification button[type=submit]")
    page.wait_for_url(re.compile(r"saved=identity-verification"))
    page.click("#form-fulfilment button[type=submit]")
    page.wait_for_url(re.compile(r"saved=fulfilment"))
    assert page.locator("h1 .case-state").get_attribute("data-state") == "fulfilled"
    with runtime.db.read_session() as session:
        assert all(session.get(Call, c) is None for c in calls)
    page.goto("/ui/privacy/cases")
    assert page.locator("table.cases tbody tr").count() == 2
    page.screenshot(path=str(artifacts_dir / "ui-privacy-cases.png"), full_page=True)

    # The ledger: a provision recorded, exported as CSV.
    page.goto("/ui/privacy/provisions")
    page.fill("input[name=provided_on]", "2026-11-30")
    page.fill("input[name=recipient]", "○○警察署")
    page.select_option("select[name=legal_basis]", "legal_requirement")
    page.fill("input[name=basis_reference]", "刑事訴訟法197条2項 照会書")
    page.check("input[name=data_categories][value=call_metadata]")
    page.fill("input[name=caller_number]", "080-7777-0456")
    page.click("#provisions form button[type=submit]")
    page.wait_for_url(re.compile(r"saved=provisions"))
    assert page.locator("table.provisions tbody tr").count() == 1
    with page.expect_download() as download_info:
        page.click("#ledger-csv")
    text = open(download_info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1 and rows[0]["recipient"] == "○○警察署" and rows[0]["legal_basis"] == "legal_requirement"
    assert re.fullmatch(r"[0-9a-f]{64}", rows[0]["caller_hash"])
    for number in ("080-7777-0456", "08077770456", "+818077770456", CALLER, "09055550123"):
        assert number not in text
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
