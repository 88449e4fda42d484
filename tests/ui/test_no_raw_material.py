"""No UI route serves raw audio or unredacted text, and QA sees no way to raw audio.

The crawl starts from every GET route the app declares under /ui (so a new page cannot escape
it), fills in every call id, and follows every same-site link and media source it finds. The
calls were processed by the real Whisper and PII engine, so "no personal data" checks the
samples' labelled PII values (sample_audio/calls.json) against what the real redaction left.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from api.ui.static_routes import FILES
from redactor.audio_redaction.records import get_redacted_audio
from redactor.store.calls import get_call
from redactor.store.privacy_cases import PrivacyCase

from .routes import declared_ui_paths

RAW_AUDIO_URL = re.compile(r"/v1/calls/[^\"'\s<>?#]+/audio(?!/redacted)")
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']+)["']""")
MAX_PAGES = 400

pytestmark = pytest.mark.slow  # every test here uses the really processed `workspace` (models loaded once)


def ui_get_paths(app) -> list[str]:
    """Every GET path the app serves under /ui, as declared (with {params})."""
    return declared_ui_paths(app.routes, {"GET"})


def start_urls(workspace) -> list[str]:
    urls = []
    for path in ui_get_paths(workspace.app):
        params = set(re.findall(r"\{(\w+)\}", path))
        if params == {"call_id"}:
            urls += [path.replace("{call_id}", call_id) for call_id in workspace.call_ids.values()]
        elif params == {"name"}:
            urls += [path.replace("{name}", name) for name in FILES]
        elif params == {"case_id"}:
            with workspace.runtime.db.read_session() as session:
                urls += [path.replace("{case_id}", case_id) for case_id in session.execute(select(PrivacyCase.id)).scalars()]
        else:
            assert not params, f"{path}: teach this crawl how to fill {params}"
            urls.append(path)
    spoken = workspace.search_term("call01")[0]  # a run of real redacted text: a page with hits
    urls += ["/ui/calls?q=" + q for q in ("電話番号", "です", "氏名", "<script>", spoken)]
    return urls


def crawl(client, workspace) -> dict[str, object]:
    """GET every reachable /ui URL once; {url: response}."""
    seen, responses = set(), {}
    queue = deque(start_urls(workspace))
    while queue and len(responses) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        responses[url] = response
        if response.headers.get("content-type", "").startswith("text/html"):
            for link in LINK.findall(response.text):
                target = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(target)
                if not parts.netloc and parts.path.startswith("/ui") and parts.path != "/ui/signout":
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return responses


@pytest.fixture(scope="module")
def raw_digests(workspace) -> dict[str, str]:
    """call id -> sha256 of its raw audio as stored now (after card-data scrubbing)."""
    digests = {}
    with workspace.runtime.db.read_session() as session:
        for call_id in workspace.call_ids.values():
            call = get_call(session=session, call_id=call_id)
            if call.audio_blob_key:
                digests[call_id] = call.audio_sha256
    return digests


@pytest.mark.parametrize("role", ["qa", "privacy_manager"])
def test_crawl_finds_no_raw_audio_and_no_personal_data(ui_client, workspace, raw_digests, role):
    client = ui_client(role)
    responses = crawl(client, workspace)
    assert len(responses) >= 3 * len(workspace.call_ids), sorted(responses)
    pii = workspace.pii_texts()
    audio_served = 0
    for url, response in responses.items():
        assert response.status_code < 500, url
        assert "/ui/signin" not in str(response.url) or url.startswith("/ui/signin"), f"{url} signed us out"
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("audio/"):
            audio_served += 1
            digest = hashlib.sha256(response.content).hexdigest()
            assert digest not in raw_digests.values(), f"{url} served raw audio"
            call_id = url.split("/")[3]
            with workspace.runtime.db.read_session() as session:
                assert digest == get_redacted_audio(session=session, call_id=call_id).sha256, url
            continue
        body = response.text
        assert not RAW_AUDIO_URL.search(body), f"{url} links to raw audio"
        leaked = [value for value in pii if value in body]
        assert not leaked, f"{url} shows unredacted personal data"
    assert audio_served == len(workspace.samples)


@pytest.mark.parametrize("role", ["qa", "privacy_manager"])
def test_the_session_cookie_does_not_open_the_raw_audio_api(ui_client, workspace, raw_digests, role):
    client = ui_client(role)
    for call_id in raw_digests:
        response = client.get(f"/v1/calls/{call_id}/audio")
        assert response.status_code == 401, response.text
        response = client.get(f"/v1/calls/{call_id}/audio", headers={"Cookie": "; ".join(
            f"{name}={value}" for name, value in client.cookies.items())})
        assert response.status_code == 401


def test_qa_pages_have_no_raw_audio_link_even_in_scripts(ui_client, workspace):
    client = ui_client("qa")
    script = client.get("/ui/static/call.js").text
    assert "/audio" not in script.replace("redacted-audio", "")
    for call_id in workspace.call_ids.values():
        page = client.get(f"/ui/calls/{call_id}").text
        sources = re.findall(r"""src=["']([^"']+)["']""", page)
        assert all(not s.endswith("/audio") for s in sources)
