"""Raw audio (privacy_manager only; every access is audited)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.deps import PrincipalDep, RuntimeDep, require_roles
from api.schemas import ERROR_RESPONSES
from redactor.api_keys import Role
from redactor.service.intake import open_raw_audio

router = APIRouter(prefix="/v1/calls", tags=["audio"])

@router.get("/{call_id}/audio", responses={200: {"content": {"application/octet-stream": {}}}, **ERROR_RESPONSES},
            response_class=StreamingResponse, dependencies=[require_roles(Role.PRIVACY_MANAGER)])
async def read_raw_audio(call_id: str, runtime: RuntimeDep, principal: PrincipalDep):
    """The original recording while it is retained, decrypted as it streams. Audited."""
    call, chunks = await run_in_threadpool(open_raw_audio, runtime, call_id=call_id, actor=principal.actor)
    headers = {"Content-Disposition": f'attachment; filename="{call.id}.audio"',
               "Cache-Control": "no-store", "X-Content-SHA256": call.audio_sha256 or ""}
    if call.audio_bytes is not None:
        headers["Content-Length"] = str(call.audio_bytes)
    return StreamingResponse(chunks, media_type="application/octet-stream", headers=headers)
