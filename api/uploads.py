"""Streaming multipart reception for `POST /v1/calls`.

FastAPI's own form parsing spools files to the system temp dir and only then lets us look at
them. Here the body is parsed as it arrives: the `audio` part goes straight to a 0600 file in
`<work_dir>/incoming/` (memory where the host has it, see redactor.service.work_dir: a killed
process leaves no plaintext on disk) with a running size check (413 as soon as the limit is passed), the
`metadata` part is kept in memory up to 64 KiB, other parts are discarded, and uploaders'
file names are ignored entirely. When the metadata arrives before the audio, `keep_audio`
decides whether the audio is worth writing at all (consent denied or a retry: it is not).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from api.errors import ApiError

MAX_METADATA_BYTES = 64 * 1024
MULTIPART_OVERHEAD_BYTES = 1024 * 1024  # headers, boundaries and metadata on top of the audio


@dataclass
class ReceivedUpload:
    metadata: bytes | None = None
    audio_path: Path | None = None  # None when absent or not kept
    audio_bytes: int = 0
    audio_seen: bool = False

    def discard(self) -> None:
        if self.audio_path is not None:
            self.audio_path.unlink(missing_ok=True)
            self.audio_path = None


def too_large(limit: int) -> ApiError:
    return ApiError(413, "upload_too_large", f"the audio is larger than the limit of {limit} bytes "
                    "(setting REDACTOR_MAX_UPLOAD_BYTES); split or compress the recording")


async def receive_upload(request: Request, *, incoming_dir: Path, max_audio_bytes: int,
                         keep_audio: Callable[[bytes], bool] | None = None) -> ReceivedUpload:
    """Parse the request body; the caller must `discard()` the result when done with it."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise ApiError(415, "multipart_required", "send multipart/form-data with a file part `audio` "
                       "and a JSON part `metadata`")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_audio_bytes + MULTIPART_OVERHEAD_BYTES:
        raise too_large(max_audio_bytes)

    received = ReceivedUpload()
    state = _PartState()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[state.header_field.lower()] = state.header_value
        state.header_field, state.header_value = b"", b""

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(state.headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("latin-1")
        state.name = name
        if name == "audio":
            if received.audio_seen:
                raise ApiError(422, "multipart_invalid", "send exactly one `audio` part")
            received.audio_seen = True
            keep = keep_audio(received.metadata) if (keep_audio and received.metadata is not None) else True
            if keep:
                incoming_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                path = incoming_dir / f"upload-{secrets.token_hex(16)}"
                state.sink = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
                received.audio_path = path
        elif name == "metadata" and received.metadata is not None:
            raise ApiError(422, "multipart_invalid", "send exactly one `metadata` part")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state.name == "audio":
            received.audio_bytes += len(chunk)
            if received.audio_bytes > max_audio_bytes:
                raise too_large(max_audio_bytes)
            if state.sink is not None:
                state.sink.write(chunk)
        elif state.name == "metadata":
            state.buffer += chunk
            if len(state.buffer) > MAX_METADATA_BYTES:
                raise ApiError(413, "metadata_too_large",
                               f"the metadata part is over {MAX_METADATA_BYTES} bytes; send only the documented fields")

    def on_part_end() -> None:
        if state.name == "metadata":
            received.metadata = bytes(state.buffer)
        state.close_sink()
        state.reset()

    def on_end() -> None:
        state.closed = True

    parser = MultipartParser(boundary, {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end, "on_end": on_end,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if not state.closed:
            # python-multipart's finalize() does not check for the closing boundary: without it
            # the body was cut (a dropped connection), and a cut recording must not be kept
            raise ValueError("no closing boundary")
    except ApiError:
        state.close_sink()
        received.discard()
        raise
    except Exception:
        state.close_sink()
        received.discard()
        raise ApiError(422, "multipart_invalid", "the multipart body is malformed; send "
                       "multipart/form-data with parts `audio` and `metadata`") from None
    return received


class _PartState:
    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.name = ""
        self.buffer = bytearray()
        self.sink: BinaryIO | None = None
        self.closed = False  # the closing boundary was read: the body arrived whole

    def close_sink(self) -> None:
        if self.sink is not None:
            self.sink.close()
            self.sink = None

    def reset(self) -> None:
        self.headers, self.header_field, self.header_value = {}, b"", b""
        self.name, self.buffer = "", bytearray()
