"""The review workspace in Debian's Chromium (Playwright): the QA reviewer's whole round trip.

Screenshots of the list, search and call views are written to artifacts/ (gitignored).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# call01's script: "登録している電話番号を変更したいんですが。" (no PII in that turn).
SEARCH_WORD = "電話番号を変更"


@pytest.fixture
def page(browser, workspace):
    context = browser.new_context(base_url=workspace.base_url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_sign_in_search_open_play_sign_out(page, workspace, artifacts_dir):
    call_id = workspace.call_ids["call01"]

    page.goto("/ui/calls")
    assert page.url.endswith("/ui/signin?next=%2Fui%2Fcalls")  # not signed in: sent to the form
    page.fill("#api_key", workspace.keys["qa"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/calls$"))
    assert workspace.keys["qa"] not in page.url
    cookie = next(c for c in page.context.cookies() if c["name"] == "redactor_ui_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
    assert page.locator("table.calls tbody tr").count() == len(workspace.call_ids)
    assert page.locator("table.calls .status-failed").count() == 1
    assert page.locator("table.calls .status-queued").count() == 1
    page.screenshot(path=str(artifacts_dir / "ui-call-list.png"), full_page=True)

    page.fill("#q", SEARCH_WORD)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    hits = page.locator("ol.hits li.hit")
    assert hits.count() == 1
    assert hits.first.locator("mark").inner_text() == SEARCH_WORD
    page.screenshot(path=str(artifacts_dir / "ui-search.png"), full_page=True)

    hits.first.locator("a.call-link").click()
    page.wait_for_url(re.compile(rf"/ui/calls/{call_id}\?q="))
    chips = page.locator(".conversation .chip")
    labels = set(chips.all_inner_texts())
    assert {"氏名", "生年月日", "電話番号"} <= labels, labels
    assert page.locator(".conversation .turn-caller").count() == 3
    assert page.locator(".conversation mark").first.inner_text() == SEARCH_WORD
    # Redacted ranges are drawn on the timeline once the player knows the duration.
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    widths = page.eval_on_selector_all("#timeline .range", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 4 and all(w > 0 for w in widths), widths

    # Clicking a turn seeks the redacted-audio player and plays it.
    page.locator("#turn-5 .seek").click()
    page.wait_for_function("() => { const p = document.getElementById('player');"
                           " return !p.paused && p.currentTime > 28.9; }", timeout=15000)
    assert page.evaluate("document.getElementById('player').error") is None
    page.wait_for_function("document.querySelector('#turn-5').classList.contains('playing')")
    page.screenshot(path=str(artifacts_dir / "ui-call-view.png"), full_page=True)
    page.evaluate("document.getElementById('player').pause()")

    page.click("#sign-out")
    page.wait_for_url(re.compile(r"/ui/signin"))
    assert not [c for c in page.context.cookies() if c["name"] == "redactor_ui_session"]
    page.goto(f"/ui/calls/{call_id}")
    assert "/ui/signin" in page.url


def test_failed_and_queued_calls_show_their_state(page, workspace, artifacts_dir):
    page.goto("/ui/signin?lang=en")
    page.fill("#api_key", workspace.keys["privacy_manager"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/calls$"))
    assert page.locator("html").get_attribute("lang") == "en"  # the language choice is remembered
    page.goto(f"/ui/calls/{workspace.call_ids['failed']}")
    assert "Failed" in page.locator(".processing").inner_text()
    assert "audio_integrity" in page.locator(".processing").inner_text()
    page.goto(f"/ui/calls/{workspace.call_ids['queued']}")
    assert "Queued" in page.locator(".processing").inner_text()
    page.goto("/ui/privacy")
    assert page.locator("#audit-status").get_attribute("data-ok") == "true"
    page.screenshot(path=str(artifacts_dir / "ui-privacy.png"), full_page=True)
