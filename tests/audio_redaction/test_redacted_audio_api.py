"""GET /v1/calls/{id}/audio/redacted (Range support) and redacted_ranges in the transcript."""

from __future__ import annotations

import io

import pytest

from redactor.audio_redaction import decode_pcm
from redactor.audio_redaction.records import get_redacted_audio
from redactor.config import Settings
from redactor.service.pipeline import CallPipeline
from redactor.store.transcripts import TurnRecord, save_transcript

from .service_helpers import CALLS, add_call, assert_turn_ranges, run_step


@pytest.fixture
def processed(client):
    """call01 stored through the real step into the app's own database and blob store."""
    runtime = client.app.state.runtime
    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=None,
                            call_redactor=None, work_dir=runtime.work_dir)
    call = CALLS["call01"]
    row = add_call(pipeline, call)
    context = run_step(pipeline, call, row, Settings(redaction_fill="tone"))
    with runtime.db.session() as session:
        save_transcript(session=session, call_id=row.id, language="ja", duration=call["duration"], findings=[],
                        turns=[TurnRecord(t["speaker"], t["start"], t["end"], "<redacted>") for t in call["turns"]],
                        redacted_ranges_json=context.redacted_ranges_json)
        session.commit()
    with runtime.db.read_session() as session:
        artifact = get_redacted_audio(session=session, call_id=row.id)
        body = b"".join(runtime.blobs.iter_chunks(artifact.blob_key))
    return row.id, body


def url(call_id: str) -> str:
    return f"/v1/calls/{call_id}/audio/redacted"


@pytest.mark.parametrize("role", ["qa", "privacy_manager"])
def test_whole_file(client, auth, processed, role):
    call_id, body = processed
    response = client.get(url(call_id), headers=auth(role))
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/flac"
    assert response.headers["accept-ranges"] == "bytes"
    assert int(response.headers["content-length"]) == len(body)
    assert response.content == body
    info, samples = decode_pcm(io.BytesIO(response.content))
    assert (info.sample_rate, info.channels) == (16000, 2)



RANGES = [
    # header, status, (first, last) served or None for the whole file
    ("bytes=0-99", 206, (0, 99)),
    ("bytes=0-", 206, (0, None)),  # what a browser player sends first
    ("bytes=1000-1999", 206, (1000, 1999)),
    ("bytes=1000-", 206, (1000, None)),
    ("bytes=-500", 206, (-500, None)),
    ("bytes=0-99999999999", 206, (0, None)),  # clipped to the end
    ("bytes=0-0", 206, (0, 0)),
    ("items=0-10", 200, None),  # another unit: ignored
    ("bytes=0-1, 4-5", 200, None),  # several ranges: the whole file
]


@pytest.mark.parametrize("header,status,span", RANGES, ids=[r[0] for r in RANGES])
def test_ranges(client, auth, processed, header, status, span):
    call_id, body = processed
    response = client.get(url(call_id), headers={**auth("qa"), "Range": header})
    assert response.status_code == status
    if span is None:
        assert response.content == body
        return
    first, last = span
    first = first if first >= 0 else len(body) + first
    last = len(body) - 1 if last is None else last
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(body)}"
    assert int(response.headers["content-length"]) == last - first + 1
    assert response.content == body[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=abc-", "bytes=-0", "bytes=99999999-", "bytes=SIZE-"])
def test_unsatisfiable_ranges_get_416(client, auth, processed, header):
    call_id, body = processed
    header = header.replace("SIZE", str(len(body)))
    response = client.get(url(call_id), headers={**auth("qa"), "Range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(body)}"
    assert response.json()["error"]["code"] == "range_not_satisfiable"


def test_unknown_call_and_call_without_redacted_audio(client, auth, processed):
    response = client.get(url("00000000-0000-4000-8000-000000000000"), headers=auth("qa"))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "call_not_found")
    runtime = client.app.state.runtime
    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=None,
                            call_redactor=None, work_dir=runtime.work_dir)
    unprocessed = add_call(pipeline, CALLS["call03"])
    response = client.get(url(unprocessed.id), headers=auth("qa"))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "redacted_audio_not_available")


def test_transcript_carries_the_redacted_ranges(client, auth, processed):
    call_id, _ = processed
    transcript = client.get(f"/v1/calls/{call_id}/transcript", headers=auth("qa")).json()
    assert all(set(r) == {"start", "end"} for r in transcript["redacted_ranges"])
    assert_turn_ranges(CALLS["call01"], [(r["start"], r["end"]) for r in transcript["redacted_ranges"]])
