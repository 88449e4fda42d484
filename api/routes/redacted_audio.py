"""Redacted audio (qa, privacy_manager): the call with a tone or silence over every PII range.

Served with HTTP Range support so a browser's audio player can seek: `Range: bytes=a-b`,
`bytes=a-` and `bytes=-n` get 206 with Content-Range; a range outside the file gets 416 with
`Content-Range: bytes */size`; no Range header (or another unit, or several ranges) gets the
whole file with 200. The blob is decrypted as it streams; nothing is written in plaintext.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.deps import CallDep, ReadSessionDep, RuntimeDep, require_roles
from api.errors import ApiError
from api.schemas import ERROR_RESPONSES, ErrorBody
from redactor.api_keys import Role
from redactor.audio_redaction.records import get_redacted_audio

router = APIRouter(prefix="/v1/calls", tags=["redacted audio"])

_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[first, last] byte positions (inclusive) of a single `bytes=` range, or None for all.

    Raises ValueError when the range is malformed or cannot be satisfied for `size` bytes.
    """
    if header is None or not header.strip().lower().startswith("bytes") or "," in header:
        return None  # no range, another unit, or several ranges: the whole file (RFC 9110 14.2)
    match = _SINGLE_RANGE.match(header)
    if match is None:
        raise ValueError("malformed")
    first_text, last_text = match.groups()
    if not first_text:  # suffix: the last n bytes
        if not last_text or int(last_text) == 0 or size == 0:
            raise ValueError("unsatisfiable")
        return max(0, size - int(last_text)), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        raise ValueError("unsatisfiable")
    return first, min(last, size - 1)


def _slice(chunks: Iterator[bytes], first: int, last: int) -> Iterator[bytes]:
    """Bytes [first, last] of a stream of chunks, stopping (and closing it) after `last`."""
    position = 0
    try:
        for chunk in chunks:
            end = position + len(chunk)
            if end > first:
                yield chunk[max(0, first - position) : last + 1 - position]
            position = end
            if position > last:
                break
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


@router.get(
    "/{call_id}/audio/redacted",
    response_class=StreamingResponse,
    responses={200: {"content": {"audio/flac": {}}}, 206: {"content": {"audio/flac": {}}},
               416: {"model": ErrorBody}, **ERROR_RESPONSES},
    dependencies=[require_roles(Role.QA, Role.PRIVACY_MANAGER)],
)
def read_redacted_audio(call: CallDep, request: Request, session: ReadSessionDep, runtime: RuntimeDep):
    """The redacted recording (FLAC): a 1 kHz tone or silence over every redacted entity."""
    call_id = call.id
    artifact = get_redacted_audio(session=session, call_id=call_id)
    if artifact is None:
        raise ApiError(404, "redacted_audio_not_available",
                       f"call {call_id} has no redacted audio (status {call.status}); it is made when "
                       f"processing finishes and removed at its retention limit")
    if not runtime.blobs.exists(artifact.blob_key):
        raise ApiError(404, "redacted_audio_not_available",
                       f"the redacted audio of call {call_id} was purged at its retention limit")
    size = artifact.size
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-store",
        "ETag": f'"{artifact.sha256}"',
        "Content-Disposition": f'inline; filename="{call.id}.redacted.flac"',
    }
    try:
        wanted = parse_range(request.headers.get("range"), size)
    except ValueError:
        raise ApiError(416, "range_not_satisfiable",
                       f"the Range header must name bytes within 0-{max(size - 1, 0)} of this {size}-byte "
                       "file, e.g. `Range: bytes=0-`", {"Content-Range": f"bytes */{size}"}) from None
    chunks = runtime.blobs.iter_chunks(artifact.blob_key)
    if wanted is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(chunks, media_type=artifact.media_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    return StreamingResponse(_slice(chunks, first, last), status_code=206, media_type=artifact.media_type,
                             headers=headers)
