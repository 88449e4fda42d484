"""The pages' content: filters, search, escaping, pagination, processing states, privacy section.

Tests taking `ui_client` or `workspace` read the calls the real pipeline processed (Whisper + the
PII engine, loaded once a session: slow); what they expect comes from what was stored.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from redactor.store.transcripts import FindingRecord, TurnRecord, save_transcript

from api.ui.i18n import ENTITY_LABELS

from .conftest import sign_in
from .workspace import SAMPLES, metadata, upload


def external_ids(html: str) -> set[str]:
    return set(re.findall(r'<div class="sub">([^<]+)</div>', html))


DONE = {"ui-call01", "ui-call02", "ui-call03", "ui-call04", "ui-call05"}
ALL = DONE | {"ui-failed", "ui-queued", "ui-blocked"}
OP_2 = frozenset({"ui-call02", "ui-call04"})


@dataclass(frozen=True)
class WithEntity:
    """The processed samples with a stored finding of `entity_type` (among `among`): what the
    engine found, not what the scripts say; never empty for the types used below."""

    entity_type: str
    among: frozenset = frozenset(ALL)

    def resolve(self, workspace) -> set[str]:
        found = workspace.calls_with_entity(self.entity_type) & self.among
        assert found, f"the PII engine stored no {self.entity_type} finding in {sorted(self.among)}"
        return found

FILTERS = [
    ("", ALL),
    ("status=failed", {"ui-failed"}),
    ("status=queued", {"ui-queued"}),
    ("status=consent_blocked", {"ui-blocked"}),
    ("status=done", DONE),
    ("operator=op-1", {"ui-call01", "ui-call03", "ui-call05"}),
    ("operator=op-1&status=failed", set()),
    ("date_from=2026-11-11&date_to=2026-11-12", {"ui-call02", "ui-call03"}),  # Japan dates, both inclusive
    ("date_from=2026-11-20", {"ui-failed", "ui-queued", "ui-blocked"}),
    ("date_to=2026-11-10", {"ui-call01"}),
    ("entity_type=CREDIT_CARD", WithEntity("CREDIT_CARD")),
    ("entity_type=ADDRESS", WithEntity("ADDRESS")),
    ("entity_type=ADDRESS&operator=op-2", WithEntity("ADDRESS", OP_2)),
    # bad values are ignored (and marked), never a server error
    ("date_from=2026-13-45", ALL),
    ("status=deleted", ALL),
    ("entity_type=SECRET", ALL),
]


@pytest.mark.slow
@pytest.mark.parametrize("query,expected", FILTERS, ids=[f[0] or "none" for f in FILTERS])
def test_list_filters(ui_client, workspace, query, expected):
    if isinstance(expected, WithEntity):
        expected = expected.resolve(workspace)
    response = ui_client("qa").get(f"/ui/calls?{query}")
    assert response.status_code == 200
    assert external_ids(response.text) == expected
    if "2026-13-45" in query:
        assert 'name="date_from" value="" aria-invalid="true"' in response.text


@pytest.mark.slow
def test_search_highlights_hits_and_respects_filters(ui_client, workspace):
    client = ui_client("qa")
    term = workspace.common_term(["call01", "call02"])  # said in a call of op-1 and one of op-2
    page = client.get("/ui/calls", params={"q": term}).text
    hits = re.findall(r'<li class="hit">.*?</li>', page, flags=re.S)
    assert len(hits) >= 2
    assert all(f"<mark>{html.escape(term)}</mark>" in hit for hit in hits)
    call01 = workspace.call_ids["call01"]
    first = next(t for t in workspace.stored("call01").turns if term.casefold() in t.text.casefold())
    assert f'href="/ui/calls/{call01}?q={quote(term)}#turn-{first.index}"' in page
    only_op2 = client.get("/ui/calls", params={"q": term, "operator": "op-2"}).text
    assert call01 not in only_op2 and workspace.call_ids["call02"] in only_op2
    none = client.get("/ui/calls", params={"q": "存在しない言葉"}).text
    assert 'class="empty"' in none and "<li class=\"hit\">" not in none


@pytest.mark.slow
def test_search_is_for_qa_like_the_api(ui_client):
    page = ui_client("privacy_manager").get("/ui/calls", params={"q": "電話番号"}).text
    assert 'id="q"' not in page and "<mark>" not in page
    assert "QA" in page  # says why there is no search box


@pytest.mark.slow
def test_call_view_shows_two_sides_chips_timeline_and_player(ui_client, workspace):
    stored = workspace.stored("call02")  # stereo: operator right, caller left
    assert {"PERSON", "CREDIT_CARD"} <= set(stored.finding_types), stored.finding_types
    page = ui_client("qa").get(f"/ui/calls/{workspace.call_ids['call02']}").text
    sides = re.findall(r'<li class="turn turn-(\w+)"', page)
    assert sides == [t.speaker for t in stored.turns] and set(sides) == {"operator", "caller"}
    assert "conversation two-sided" in page
    chips = re.findall(r'<p class="bubble">.*?</p>', page, flags=re.S)
    labels = re.findall(r'data-entity="(\w+)">', "".join(chips))
    assert labels == stored.tags() and sorted(labels) == sorted(stored.finding_types)
    for entity_type in set(stored.finding_types):
        assert ENTITY_LABELS["ja"][entity_type] in page
    assert f'src="/ui/calls/{workspace.call_ids["call02"]}/redacted-audio"' in page
    assert page.count('<span class="range"') == len(stored.ranges) > 0
    assert re.search(r'class="seek" data-start="[\d.]+" aria-label="0:00 から再生"', page)


@pytest.mark.slow
@pytest.mark.parametrize("label,status,texts", [
    ("queued", "queued", ["待機中", '<meta http-equiv="refresh"']),
    ("failed", "failed", ["失敗", "audio_integrity", "改ざん"]),
    ("consent_blocked", "consent_blocked", ["同意なし", "consent_declined_not_allowed"]),
])
def test_processing_state_is_visible(ui_client, workspace, label, status, texts):
    page = ui_client("qa").get(f"/ui/calls/{workspace.call_ids[label]}").text
    section = re.search(r'<section class="processing processing-(\w+)".*?</section>', page, flags=re.S)
    assert section and section.group(1) == status
    for text in texts:
        assert text in page
    assert 'id="player"' not in page


@pytest.mark.slow
def test_unknown_call_is_a_404_page(ui_client):
    response = ui_client("qa").get("/ui/calls/no-such-call")
    assert response.status_code == 404 and "通話が見つかりません" in response.text


@pytest.mark.slow
def test_redacted_audio_seeks_with_ranges(ui_client, workspace):
    client = ui_client("qa")
    url = f"/ui/calls/{workspace.call_ids['call01']}/redacted-audio"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/flac"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert ui_client().get(url, follow_redirects=False).status_code == 303  # not signed in


@pytest.mark.slow
def test_language_defaults_to_japanese_and_english_is_remembered(ui_client):
    client = ui_client("qa")
    page = client.get("/ui/calls").text
    assert '<html lang="ja">' in page and "通話一覧" in page
    english = client.get("/ui/calls?lang=en")
    assert '<html lang="en">' in english.text and "Calls" in english.text
    assert client.get("/ui/calls").text.count('<html lang="en">') == 1  # the cookie keeps it
    assert '<html lang="ja">' in client.get("/ui/calls?lang=ja").text


# --- with a fresh service of its own -------------------------------------------------------------

def test_hostile_transcript_text_is_escaped_everywhere(ui):
    client, keys = ui
    call_id = upload(client, keys["telephony"], metadata("hostile", started_at="2026-11-01T09:00:00+09:00",
                                                         operator_id="op-<b>x</b>", consent="declined"), None)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & <PERSON> "q" \'s\''
    runtime = client.app.state.runtime
    with runtime.db.session() as session:
        save_transcript(session=session, call_id=call_id, language="ja", duration=10.0,
                        turns=[TurnRecord("caller", 0.0, 5.0, hostile)],
                        findings=[FindingRecord(type="PERSON", turn=0, start=0, end=2)])
        session.commit()
    sign_in(client, keys["qa"])
    for url in (f"/ui/calls/{call_id}", "/ui/calls?q=script", "/ui/calls?q=%3Cscript%3E", "/ui/calls"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>x</b>" not in page, url
    view = client.get(f"/ui/calls/{call_id}").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in view
    assert 'data-entity="PERSON">氏名</span>' in view
    search = client.get("/ui/calls?q=%3Cscript%3E").text
    assert "<mark>&lt;script&gt;</mark>" in search  # highlighted after escaping


def test_pagination_walks_every_call_once(ui):
    client, keys = ui
    for number in range(30):
        upload(client, keys["telephony"], metadata(f"page-{number:02d}", consent="declined", operator_id="op-9",
                                                   started_at=f"2026-10-01T09:{number:02d}:00+09:00"), None)
    sign_in(client, keys["qa"])
    seen, url, pages = [], "/ui/calls?operator=op-9", 0
    while url:
        page = client.get(url.replace("&amp;", "&")).text
        seen += sorted(external_ids(page), reverse=True)
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next"', page)
        url = match.group(1) if match else None
        if url:
            assert "operator=op-9" in url  # the filters travel with the cursor
    assert pages == 2
    assert seen == [f"page-{n:02d}" for n in reversed(range(30))]


def test_uploaded_audio_reaches_the_list_as_queued(ui):
    """A call uploaded with audio shows up at once, queued, before any processing."""
    client, keys = ui
    upload(client, keys["telephony"], metadata("fresh-1", started_at="2026-11-02T09:00:00+09:00",
                                               operator_id="op-5", channels="stereo_operator_left"),
           SAMPLES / "call01_stereo_operator_left.ogg")
    sign_in(client, keys["qa"])
    page = client.get("/ui/calls").text
    assert "fresh-1" in page and "status-queued" in page
