"""`receive_upload` on a body that arrives in small pieces, as it does from a real network: parts,
headers and the metadata split across chunks, the size limit counted over all of them, and the
audio written to a private file in a private folder while it arrives."""

from __future__ import annotations

import asyncio
import json
import stat

import pytest
from fastapi import Request

from api.errors import ApiError
from api.uploads import receive_upload

BOUNDARY = "b0undary7x"


def form(metadata: dict, audio: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(metadata)}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"x.ogg\"\r\n"
            f"Content-Type: audio/ogg\r\n\r\n").encode() + audio + f"\r\n--{BOUNDARY}--\r\n".encode()


def receive_in_chunks(body: bytes, incoming, *, max_audio_bytes: int, chunk: int = 7, seen: list | None = None):
    """Run receive_upload on `body` sent `chunk` bytes at a time (no Content-Length, as when
    streamed); `seen` collects (path, file mode, folder mode) of the incoming files at each chunk."""
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)]

    async def receive():
        if seen is not None and incoming.exists():
            seen.extend((p, stat.S_IMODE(p.stat().st_mode), stat.S_IMODE(incoming.stat().st_mode))
                        for p in incoming.iterdir())
        piece = pieces.pop(0) if pieces else b""
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    scope = {"type": "http", "method": "POST", "path": "/v1/calls", "query_string": b"",
             "headers": [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())]}
    return asyncio.run(receive_upload(Request(scope, receive), incoming_dir=incoming,
                                      max_audio_bytes=max_audio_bytes))


def test_a_body_in_small_chunks_is_reassembled_into_a_private_file(tmp_path):
    metadata = {"external_id": "stream-1", "note": "x" * 50}
    audio = bytes(range(256)) * 4
    incoming, seen = tmp_path / "incoming", []
    received = receive_in_chunks(form(metadata, audio), incoming, max_audio_bytes=len(audio), seen=seen)
    try:
        assert json.loads(received.metadata) == metadata
        assert received.audio_path.read_bytes() == audio and received.audio_bytes == len(audio)
        assert seen and {(mode, folder) for _, mode, folder in seen} == {(0o600, 0o700)}
    finally:
        received.discard()
    assert list(incoming.iterdir()) == []


def test_a_streamed_upload_over_the_limit_is_refused_and_leaves_nothing(tmp_path):
    audio = b"\x01" * 1000
    incoming = tmp_path / "incoming"
    with pytest.raises(ApiError) as refused:
        receive_in_chunks(form({"external_id": "stream-2"}, audio), incoming, max_audio_bytes=999)
    assert (refused.value.status, refused.value.code) == (413, "upload_too_large")
    assert list(incoming.iterdir()) == []
