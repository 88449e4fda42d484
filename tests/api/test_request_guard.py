"""Bodies are capped and keys checked before a route reads anything; responses are not cached.

The cap is proved on memory, not only on status codes: a body streamed without a
Content-Length is refused at the first chunk past the limit, so the server never reads the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from api.main import create_app

LIMIT = 64 * 1024
CHUNK = 16 * 1024


@pytest.fixture
def small_body_settings(service_settings):
    return service_settings.model_copy(update={"max_body_bytes": LIMIT})


@pytest.fixture
def guarded_client(small_body_settings):
    with TestClient(create_app(small_body_settings, start_worker=False)) as client:
        yield client


@pytest.fixture
def admin_header(guarded_client):
    from redactor.api_keys import create_key

    with guarded_client.app.state.runtime.db.session() as session:
        token = create_key(session=session, role="privacy_manager").token
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@dataclass
class StreamedResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes
    chunks_pulled: int

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def send_streamed(client: TestClient, method: str, path: str, headers: dict[str, str], *,
                  chunks: int) -> StreamedResponse:
    """Call the app as a server would, with a body of `chunks` chunks and no Content-Length,
    counting the chunks the app pulls (TestClient itself reads a whole body before sending it)."""
    pulled = 0
    messages = []

    async def receive():
        nonlocal pulled
        if pulled < chunks:
            pulled += 1
            return {"type": "http.request", "body": b"[" * CHUNK, "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
    client.portal.call(client.app, scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    return StreamedResponse(status_code=start["status"],
                            headers={k.decode(): v.decode() for k, v in start["headers"]},
                            body=b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body"),
                            chunks_pulled=pulled)


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["cache-control"] == "no-store"


def test_unauthenticated_requests_get_401_whatever_their_body(guarded_client):
    for body in (b"{not json", b"[" * 1000, json.dumps({"allowed_states": ["granted"]}).encode()):
        response = guarded_client.put("/v1/consent-policy", content=body,
                                      headers={"Content-Type": "application/json"})
        _assert_error(response, 401, "unauthorized")


def test_an_unauthenticated_streamed_body_is_never_read(guarded_client):
    response = send_streamed(guarded_client, "PUT", "/v1/consent-policy",
                             {"Content-Type": "application/json"}, chunks=10_000)  # 160 MB if it were read
    _assert_error(response, 401, "unauthorized")
    assert response.chunks_pulled == 0


def test_a_declared_length_over_the_cap_is_refused_before_reading(guarded_client, admin_header):
    body = b"{" + b" " * LIMIT + b"}"
    response = guarded_client.put("/v1/consent-policy", content=body,
                                  headers={**admin_header, "Content-Type": "application/json"})
    _assert_error(response, 413, "body_too_large")
    assert "REDACTOR_MAX_BODY_BYTES" in response.json()["error"]["message"]


def test_a_streamed_body_is_cut_off_at_the_cap(guarded_client, admin_header):
    response = send_streamed(guarded_client, "PUT", "/v1/consent-policy",
                             {**admin_header, "Content-Type": "application/json"}, chunks=10_000)
    _assert_error(response, 413, "body_too_large")
    assert response.chunks_pulled == LIMIT // CHUNK + 1


def test_ui_sign_in_posts_are_capped(guarded_client):
    response = send_streamed(guarded_client, "POST", "/ui/signin",
                             {"Content-Type": "application/x-www-form-urlencoded"}, chunks=10_000)
    _assert_error(response, 413, "body_too_large")
    assert response.chunks_pulled == LIMIT // CHUNK + 1
    declared = guarded_client.post("/ui/signin", data={"api_key": "x" * LIMIT})
    _assert_error(declared, 413, "body_too_large")


def test_bodies_under_the_cap_still_work(guarded_client, admin_header):
    response = guarded_client.put("/v1/consent-policy", json={"allowed_states": ["granted"]}, headers=admin_header)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"


def test_uploads_keep_their_own_larger_limit(guarded_client, call_metadata):
    """POST /v1/calls streams to disk under REDACTOR_MAX_UPLOAD_BYTES, not the body cap."""
    from redactor.api_keys import create_key

    with guarded_client.app.state.runtime.db.session() as session:
        token = create_key(session=session, role="telephony").token
        session.commit()
    audio = b"RIFF" + b"\0" * (2 * LIMIT)  # past the body cap, under the upload limit; not audio
    response = guarded_client.post("/v1/calls", headers={"Authorization": f"Bearer {token}"},
                                   files={"audio": ("a.wav", audio, "audio/wav")},
                                   data={"metadata": json.dumps(call_metadata("cap-1"))})
    _assert_error(response, 415, "audio_unreadable")


def test_json_responses_are_not_cached(client, auth):
    for response in (client.get("/healthz"), client.get("/v1/calls", headers=auth("qa")),
                     client.get("/v1/calls"), client.get("/openapi.json")):
        assert response.headers["cache-control"] == "no-store", response.request.url


def test_docs_load_nothing_from_outside(client):
    page = client.get("/docs")
    assert page.status_code == 200
    sources = [part.split('"')[1] for part in page.text.split("src=")[1:]] + \
              [part.split('"')[1] for part in page.text.split("href=")[1:]]
    assert sources, "the docs page names no assets"
    for source in sources:
        assert source.startswith("/"), f"/docs loads {source} from outside"
        assert client.get(source).status_code == 200, source
    assert "cdn" not in page.text.lower()
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and "cdn" not in redoc.text.lower() and "fonts.googleapis" not in redoc.text
