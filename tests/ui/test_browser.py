"""The review workspace in Debian's Chromium (Playwright): the QA reviewer's whole round trip.

The calls were processed by the real pipeline (Whisper + the PII engine), so what the pages must
show is read from the store: the search term is a run of a stored redacted turn, the chips and
timeline ranges are the stored findings and ranges. Screenshots of the list, search and call
views are written to artifacts/ (gitignored).
"""

from __future__ import annotations

import re

import pytest

from api.ui.i18n import ENTITY_LABELS

# slow: the `workspace` fixture loads Whisper + GiNZA and transcribes the samples (once a session).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


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

    term, hit_turn = workspace.search_term("call01")
    page.fill("#q", term)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    hits = page.locator("ol.hits li.hit")
    assert hits.count() == 1  # the term is in one stored turn only
    assert hits.first.locator("mark").inner_text() == term
    page.screenshot(path=str(artifacts_dir / "ui-search.png"), full_page=True)

    hits.first.locator("a.call-link").click()
    page.wait_for_url(re.compile(rf"/ui/calls/{call_id}\?q=.*#turn-{hit_turn.index}$"))
    stored = workspace.stored("call01")
    assert {"PERSON", "PHONE_NUMBER"} <= set(stored.finding_types), stored.finding_types  # the engine found them
    chip_types = page.eval_on_selector_all(".conversation .chip", "els => els.map(e => e.dataset.entity)")
    assert chip_types == stored.tags()  # one chip per stored redaction tag, in order
    labels = page.locator(".conversation .chip").all_inner_texts()
    assert all(label.startswith(ENTITY_LABELS["ja"][type_]) for label, type_ in zip(labels, chip_types)), labels
    assert {"氏名", "電話番号"} <= {ENTITY_LABELS["ja"][type_] for type_ in chip_types}
    callers = [turn for turn in stored.turns if turn.speaker == "caller"]
    assert page.locator(".conversation .turn-caller").count() == len(callers) > 0
    assert page.locator(f"#turn-{hit_turn.index} mark").first.inner_text() == term
    # Redacted ranges are drawn on the timeline once the player knows the duration.
    # (Predicates are functions: the page's CSP forbids evaluating a polled string expression.)
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    widths = page.eval_on_selector_all("#timeline .range", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == len(stored.ranges) > 0 and all(w > 0 for w in widths), widths

    # Clicking the turn whose phone number was redacted seeks the redacted-audio player there and plays.
    phone_turn = next(turn for turn in stored.turns if "<PHONE_NUMBER" in turn.text)
    assert phone_turn.start > 5  # a real seek, not the start of the file
    page.locator(f"#turn-{phone_turn.index} .seek").click()
    page.wait_for_function("start => { const p = document.getElementById('player');"
                           " return !p.paused && p.currentTime > start - 0.05; }",
                           arg=phone_turn.start, timeout=15000)
    assert page.evaluate("document.getElementById('player').error") is None
    page.wait_for_function("id => document.getElementById(id).classList.contains('playing')",
                           arg=f"turn-{phone_turn.index}", timeout=15000)
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
