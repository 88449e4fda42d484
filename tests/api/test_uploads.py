"""POST /v1/calls: accepted uploads, idempotent retries, the consent gate, and bad input."""

from __future__ import annotations

import hashlib
import json
import threading
import time

import anyio
import pytest
from sqlalchemy import func, select, text

from redactor.store.models import AuditEvent, Call, Job


@pytest.fixture
def sample(sample_calls):
    """The short stereo sample (operator left) as bytes, with its description."""
    call = next(c for c in sample_calls if c["channels"] == "stereo_operator_left")
    return call, call["path"].read_bytes()


def upload(client, headers, metadata, audio: bytes | None, filename="call.ogg", metadata_first=True):
    files = []
    if metadata is not None:
        value = metadata if isinstance(metadata, (str, bytes)) else json.dumps(metadata)
        files.append(("metadata", (None, value, "application/json")))
    if audio is not None:
        files.append(("audio", (filename, audio, "audio/ogg")))
    if not metadata_first:
        files.reverse()
    return client.post("/v1/calls", files=files, headers=headers)


def has_caller_digits(textual: str) -> bool:
    """Whether the caller's number (090-1234-5678) is in `textual`, in any form; a short digit run
    alone proves nothing: random call ids and hashes contain "1234" often enough to fail a test."""
    return "1234-5678" in textual or "12345678" in textual


def stored_state(runtime):
    with runtime.db.read_session() as session:
        calls = session.execute(select(func.count()).select_from(Call)).scalar()
        jobs = session.execute(select(func.count()).select_from(Job)).scalar()
    return calls, jobs, sorted(runtime.blobs.keys())


@pytest.mark.parametrize("metadata_first", [True, False])
def test_upload_stores_encrypted_audio_and_queues_a_job(client, auth, sample, call_metadata, metadata_first):
    info, audio = sample
    response = upload(client, auth("telephony"), call_metadata(channels=info["channels"]), audio,
                      metadata_first=metadata_first)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and set(body) == {"id", "status"}
    runtime = client.app.state.runtime
    with runtime.db.read_session() as session:
        call = session.get(Call, body["id"])
        assert call.audio_sha256 == hashlib.sha256(audio).hexdigest()
        assert call.caller_hash and "12345678" not in call.caller_hash
        assert session.execute(select(Job.state).where(Job.call_id == call.id)).scalar() == "queued"
        events = {e.type: json.loads(e.details) for e in session.execute(select(AuditEvent)).scalars()}
        assert {"consent.gate", "call.uploaded"} <= set(events)
        assert events["call.uploaded"] == {"audio_stored": True, "audio_sha256": call.audio_sha256,
                                           "audio_bytes": len(audio)}  # what the audit proves was kept
    assert b"".join(runtime.blobs.iter_chunks(call.audio_blob_key)) == audio
    assert list(runtime.incoming_dir.iterdir()) == []  # the plaintext upload is gone

    shown = client.get(f"/v1/calls/{body['id']}", headers=auth("qa")).json()
    assert shown["status"] == "queued" and shown["audio"]["retained"] is True
    assert "caller" not in json.dumps(shown) and not has_caller_digits(json.dumps(shown))


def test_retry_with_the_same_external_id_returns_the_existing_call(client, auth, sample, call_metadata):
    info, audio = sample
    metadata = call_metadata("tel-retry", channels=info["channels"])
    first = upload(client, auth("telephony"), metadata, audio)
    second = upload(client, auth("telephony"), metadata, audio)
    assert first.status_code == 202 and second.status_code == 200
    assert second.json() == first.json()
    assert stored_state(client.app.state.runtime)[:2] == (1, 1)
    assert len(stored_state(client.app.state.runtime)[2]) == 1


def test_concurrent_duplicates_create_one_call(client, auth, sample, call_metadata):
    from concurrent.futures import ThreadPoolExecutor

    info, audio = sample
    metadata = call_metadata("tel-race", channels=info["channels"])
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: upload(client, auth("telephony"), metadata, audio), range(4)))
    assert sorted(r.status_code for r in responses).count(202) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    calls, jobs, blobs = stored_state(client.app.state.runtime)
    assert (calls, jobs, len(blobs)) == (1, 1, 1)


@pytest.mark.parametrize("state", ["declined", "withdrawn", "unknown"])
@pytest.mark.parametrize("metadata_first", [True, False])
def test_consent_denied_stores_a_stub_without_audio(client, auth, sample, call_metadata, state, metadata_first):
    info, audio = sample
    metadata = call_metadata(f"tel-{state}", channels=info["channels"], consent={"state": state})
    response = upload(client, auth("telephony"), metadata, audio, metadata_first=metadata_first)
    assert response.status_code == 202
    assert response.json()["status"] == "consent_blocked"
    runtime = client.app.state.runtime
    calls, jobs, blobs = stored_state(runtime)
    assert (calls, jobs, blobs) == (1, 0, [])
    assert list(runtime.incoming_dir.iterdir()) == []
    with runtime.db.read_session() as session:
        call = session.get(Call, response.json()["id"])
        assert call.audio_blob_key is None and call.status_reason == f"consent_{state}_not_allowed"
        gate = session.execute(select(AuditEvent).where(AuditEvent.type == "consent.gate")).scalar_one()
        assert json.loads(gate.details) == {"allowed": False, "reason": f"consent_{state}_not_allowed", "state": state}
    transcript = client.get(f"/v1/calls/{call.id}/transcript", headers=auth("qa"))
    assert transcript.status_code == 404


@pytest.mark.parametrize("state", ["declined", "withdrawn", "unknown"])
def test_a_declined_upload_with_metadata_first_never_writes_its_audio(client, auth, sample, call_metadata,
                                                                      tmp_path, state):
    """With the metadata first, audio the gate refuses is not written even for a moment.

    Where uploads are received is made unwritable for anyone (a path under a regular file:
    a read-only directory would not stop root): a refused call is still accepted as a stub,
    while a call the gate allows cannot be received at all, which shows the trap is real.
    """
    info, audio = sample
    runtime = client.app.state.runtime
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    runtime.incoming_dir = blocker / "incoming"
    refused = upload(client, auth("telephony"), call_metadata(f"tel-{state}", channels=info["channels"],
                                                              consent={"state": state}), audio)
    assert refused.status_code == 202 and refused.json()["status"] == "consent_blocked"
    allowed = upload(client, auth("telephony"), call_metadata("tel-granted", channels=info["channels"]), audio)
    assert allowed.status_code >= 400
    assert stored_state(runtime)[0] == 1


def test_consent_policy_is_applied(client, auth, sample, call_metadata):
    info, audio = sample
    changed = client.put("/v1/consent-policy", json={"allowed_states": ["granted"]}, headers=auth("privacy_manager"))
    assert changed.status_code == 200
    metadata = call_metadata("tel-notice", channels=info["channels"], consent={"state": "notice_given"})
    assert upload(client, auth("telephony"), metadata, audio).json()["status"] == "consent_blocked"
    bad = client.put("/v1/consent-policy", json={"allowed_states": ["maybe"]}, headers=auth("privacy_manager"))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "consent_policy_invalid"


NOT_AUDIO = b"This is a text file, not a recording.\n" * 20
BAD_UPLOADS = [
    # id, metadata change (None: drop the part), audio (None: drop the part), status, code
    ("non-audio file", {}, NOT_AUDIO, 415, "audio_unreadable"),
    ("empty file", {}, b"", 422, "audio_empty"),
    ("truncated WAV", {"channels": "mono"}, "truncated", 422, "audio_truncated"),
    ("malformed metadata JSON", "{not json", "sample", 422, "metadata_invalid"),
    ("metadata not an object", "[1, 2]", "sample", 422, "metadata_invalid"),
    ("unknown consent state", {"consent": {"state": "maybe"}}, "sample", 422, "consent_state_invalid"),
    ("missing external_id", {"external_id": None}, "sample", 422, "metadata_invalid"),
    ("naive started_at", {"started_at": "2026-11-27T09:30:00"}, "sample", 422, "metadata_invalid"),
    ("unknown direction", {"direction": "sideways"}, "sample", 422, "metadata_invalid"),
    ("unknown field", {"caller_name": "伊藤"}, "sample", 422, "metadata_invalid"),
    ("bad caller number", {"caller_number": "call me maybe"}, "sample", 422, "caller_number_invalid"),
    ("stereo layout on mono", {"channels": "stereo_operator_left"}, "mono", 422, "audio_channel_layout"),
    ("no metadata part", None, "sample", 422, "metadata_missing"),
    ("no audio part", {}, None, 422, "audio_missing"),
]


@pytest.mark.parametrize("name,change,audio,status,code", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_get_a_clear_error_and_store_nothing(client, auth, sample, sample_calls, call_metadata,
                                                         name, change, audio, status, code):
    info, sample_audio = sample
    runtime = client.app.state.runtime
    kept = upload(client, auth("telephony"), call_metadata("tel-kept", channels=info["channels"]), sample_audio)
    assert kept.status_code == 202
    before = stored_state(runtime)

    if isinstance(change, dict):
        metadata = call_metadata("tel-bad", channels=info["channels"])
        for key, value in change.items():
            if value is None:
                metadata.pop(key)
            else:
                metadata[key] = value
    else:
        metadata = change
    wav = next(c for c in sample_calls if c["file"].endswith(".wav"))["path"].read_bytes()
    mono = next(c for c in sample_calls if c["channels"] == "mono")["path"].read_bytes()
    payload = {"sample": sample_audio, "truncated": wav[: len(wav) // 3], "mono": mono}.get(audio, audio)
    response = upload(client, auth("telephony"), metadata, payload)

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message"} and error["message"]
    if code:
        assert error["code"] == code
    assert "call me maybe" not in error["message"] and "伊藤" not in error["message"]
    assert stored_state(runtime) == before  # nothing stored, nothing lost
    assert list(runtime.incoming_dir.iterdir()) == []
    assert client.get(f"/v1/calls/{kept.json()['id']}", headers=auth("qa")).status_code == 200  # still serving


def test_oversize_upload_is_refused_early(client, auth, call_metadata):
    limit = client.app.state.runtime.settings.max_upload_bytes
    response = upload(client, auth("telephony"), call_metadata("tel-big"), b"\0" * (limit + 1))
    assert response.status_code == 413 and response.json()["error"]["code"] == "upload_too_large"
    assert str(limit) in response.json()["error"]["message"]
    assert stored_state(client.app.state.runtime) == (0, 0, [])
    assert list(client.app.state.runtime.incoming_dir.iterdir()) == []


def test_declared_content_length_over_the_limit_is_refused(client, auth):
    limit = client.app.state.runtime.settings.max_upload_bytes
    response = client.post("/v1/calls", content=b"x", headers={
        **auth("telephony"), "Content-Type": "multipart/form-data; boundary=abc",
        "Content-Length": str(limit * 2)})
    assert response.status_code == 413 and response.json()["error"]["code"] == "upload_too_large"
    assert str(limit) in response.json()["error"]["message"]


@pytest.mark.parametrize("filename", ["../../../etc/passwd", "/tmp/evil.ogg", "..\\..\\x.ogg", "a/../../b",
                                      "call\x00.ogg", "電話.ogg", "." * 300])
def test_path_like_filenames_are_ignored(client, auth, sample, call_metadata, filename, tmp_path):
    info, audio = sample
    response = upload(client, auth("telephony"), call_metadata("tel-name", channels=info["channels"]), audio,
                      filename=filename)
    assert response.status_code == 202
    data_dir = client.app.state.runtime.settings.data_dir
    names = [p.name for p in data_dir.rglob("*")]
    assert not any("passwd" in n or "evil" in n or "電話" in n for n in names)
    assert not (tmp_path / "evil.ogg").exists()


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data", "text/plain"])
def test_non_multipart_bodies_are_refused(client, auth, content_type):
    response = client.post("/v1/calls", content=b"{}", headers={**auth("telephony"), "Content-Type": content_type})
    assert response.status_code == 415 and response.json()["error"]["code"] == "multipart_required"


def test_raw_audio_for_privacy_manager_only_and_audited(client, auth, sample, call_metadata):
    info, audio = sample
    call_id = upload(client, auth("telephony"), call_metadata("tel-audio", channels=info["channels"]), audio).json()["id"]
    assert client.get(f"/v1/calls/{call_id}/audio", headers=auth("qa")).status_code == 403
    response = client.get(f"/v1/calls/{call_id}/audio", headers=auth("privacy_manager"))
    assert response.status_code == 200 and response.content == audio
    runtime = client.app.state.runtime
    with runtime.db.read_session() as session:
        access = session.execute(select(AuditEvent).where(AuditEvent.type == "raw_audio.accessed")).scalar_one()
        assert access.actor_role == "privacy_manager" and access.call_id == call_id and access.actor_key_id
        assert json.loads(access.details) == {"audio_sha256": hashlib.sha256(audio).hexdigest()}
        from redactor.audit import verify_chain

        assert verify_chain(session) == []


@pytest.mark.parametrize("gone", ["never_stored", "blob_deleted"])
def test_raw_audio_that_is_not_retained_is_a_404_and_no_access(client, auth, sample, call_metadata, gone):
    """A consent-blocked call has no recording; one whose blob was deleted (purged, erased) has a
    key left but nothing behind it: both answer audio_not_retained, and no access is audited."""
    info, audio = sample
    consent = {"state": "declined"} if gone == "never_stored" else {"state": "granted", "method": "ivr"}
    call_id = upload(client, auth("telephony"), call_metadata(f"tel-{gone}", channels=info["channels"],
                                                              consent=consent), audio).json()["id"]
    runtime = client.app.state.runtime
    if gone == "blob_deleted":
        with runtime.db.read_session() as session:
            runtime.blobs.delete(session.get(Call, call_id).audio_blob_key)
    response = client.get(f"/v1/calls/{call_id}/audio", headers=auth("privacy_manager"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "audio_not_retained"
    with runtime.db.read_session() as session:
        assert session.execute(select(AuditEvent).where(AuditEvent.type == "raw_audio.accessed")).first() is None


@pytest.mark.parametrize("path", ["/v1/calls/{id}", "/v1/calls/{id}/transcript", "/v1/calls/{id}/audio"])
def test_unknown_call_ids_are_404(client, auth, path):
    response = client.get(path.format(id="no-such-call"), headers=auth("privacy_manager"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "call_not_found"


def test_unknown_routes_and_validation_errors_use_the_error_shape(client, auth):
    missing = client.get("/v1/nothing-here", headers=auth("qa"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    invalid = client.get("/v1/calls?limit=0", headers=auth("qa"))
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "request_invalid"
    assert "limit" in invalid.json()["error"]["message"]
    cursor = client.get("/v1/calls?cursor=garbage", headers=auth("qa"))
    assert cursor.status_code == 422 and cursor.json()["error"]["code"] == "cursor_invalid"


def test_plain_sql_view_has_no_caller_number(client, auth, sample, call_metadata):
    info, audio = sample
    upload(client, auth("telephony"), call_metadata("tel-sql", channels=info["channels"]), audio)
    with client.app.state.runtime.db.read_session() as session:
        dump = "\n".join(str(row) for table in ("calls", "audit_events")
                         for row in session.execute(text(f"SELECT * FROM {table}")))
    assert not has_caller_digits(dump)


def test_an_upload_being_received_is_plaintext_only_in_the_private_work_dir(client, auth, sample, call_metadata):
    """While the body streams in (and after a kill -9 at that moment, until the next start's sweep)
    the plaintext upload lies in the work dir (memory where the host has it), never in the data dir."""
    info, audio = sample
    runtime = client.app.state.runtime
    boundary = "redactor-test-boundary"
    metadata = json.dumps(call_metadata("tel-streaming", channels=info["channels"]))
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n'
            f'Content-Type: application/json\r\n\r\n{metadata}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="call.ogg"\r\n'
            'Content-Type: audio/ogg\r\n\r\n').encode()
    half = len(audio) // 2
    pieces = [head + audio[:half], audio[half:] + f"\r\n--{boundary}--\r\n".encode()]
    release, sent = threading.Event(), []

    async def receive():
        if len(pieces) == 1:  # the first half is in: hold the rest back until the test looked
            await anyio.to_thread.run_sync(release.wait)
        body = pieces.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pieces)}

    async def send(message):
        sent.append(message)

    headers = [(b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
               *((name.lower().encode(), value.encode()) for name, value in auth("telephony").items())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/calls", "raw_path": b"/v1/calls", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    done = client.portal.start_task_soon(client.app, scope, receive, send)
    try:
        deadline = time.monotonic() + 30
        while not [p for p in runtime.incoming_dir.glob("upload-*") if p.stat().st_size >= half]:
            assert time.monotonic() < deadline and not done.done(), "the upload never reached incoming/"
            time.sleep(0.02)
        data_files = [p for p in runtime.settings.data_dir.rglob("*") if p.is_file()]
        assert not any(audio[:half] in p.read_bytes() for p in data_files)
        assert runtime.incoming_dir.is_relative_to(runtime.work_dir)
        assert not runtime.incoming_dir.resolve().is_relative_to(runtime.settings.data_dir.resolve())
    finally:
        release.set()
        done.result(timeout=30)
    assert sent[0]["status"] == 202
    assert list(runtime.incoming_dir.iterdir()) == []  # encrypted into the blob store, then removed


@pytest.mark.parametrize("parts,status,code", [
    (["metadata", "audio", "audio"], 422, "multipart_invalid"),
    (["metadata", "metadata", "audio"], 422, "multipart_invalid"),
    (["big metadata", "audio"], 413, "metadata_too_large"),
], ids=["two audio parts", "two metadata parts", "metadata over 64 KiB"])
def test_a_malformed_form_is_refused_by_code_and_leaves_nothing(client, auth, sample, call_metadata,
                                                                parts, status, code):
    info, sample_audio = sample
    runtime = client.app.state.runtime
    before = stored_state(runtime)
    metadata = json.dumps(call_metadata("tel-form", channels=info["channels"]))
    content = {"metadata": ("metadata", (None, metadata, "application/json")),
               "big metadata": ("metadata", (None, metadata + " " * 64 * 1024, "application/json")),
               "audio": ("audio", ("call.ogg", sample_audio, "audio/ogg"))}
    response = client.post("/v1/calls", files=[content[part] for part in parts], headers=auth("telephony"))
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
    assert stored_state(runtime) == before
    assert list(runtime.incoming_dir.iterdir()) == []


def test_a_body_cut_mid_part_is_refused_as_malformed(client, auth, sample, call_metadata):
    info, sample_audio = sample
    runtime = client.app.state.runtime
    before = stored_state(runtime)
    boundary = "redactor-test-boundary"
    metadata = json.dumps(call_metadata("tel-cut", channels=info["channels"]))
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            f"Content-Type: application/json\r\n\r\n{metadata}\r\n--{boundary}\r\n"
            "Content-Disposition: form-data; name=\"audio\"; filename=\"call.ogg\"\r\n"
            "Content-Type: audio/ogg\r\n\r\n").encode() + sample_audio[:1000]  # no closing boundary
    response = client.post("/v1/calls", content=body, headers={
        **auth("telephony"), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "multipart_invalid"), response.text
    assert stored_state(runtime) == before
    assert list(runtime.incoming_dir.iterdir()) == []


def test_metadata_of_exactly_the_limit_is_accepted(client, auth, sample, call_metadata):
    from api.uploads import MAX_METADATA_BYTES

    info, audio = sample
    metadata = json.dumps(call_metadata("tel-limit", channels=info["channels"]))
    metadata += " " * (MAX_METADATA_BYTES - len(metadata.encode()))
    response = client.post("/v1/calls", headers=auth("telephony"), files=[
        ("metadata", (None, metadata, "application/json")), ("audio", ("call.ogg", audio, "audio/ogg"))])
    assert response.status_code == 202, response.text
