"""Calls: upload (telephony), status and metadata, listing."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from api.deps import CallDep, PrincipalDep, ReadSessionDep, RuntimeDep, require_roles
from api.errors import ApiError, describe_validation_errors
from api.schemas import ERROR_RESPONSES, CallAccepted, CallList, CallOut
from api.uploads import receive_upload
from redactor.api_keys import Role
from redactor.service.intake import CallMetadata, accept_call, consent_allows, find_existing
from redactor.store.calls import CallFilter, list_calls
from redactor.store.models import CallStatus
from redactor.store.transcripts import entity_type_counts, entity_types_of
from redactor.values import Instant, Text

router = APIRouter(prefix="/v1/calls", tags=["calls"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "required": ["audio", "metadata"],
            "properties": {
                "audio": {"type": "string", "format": "binary",
                          "description": "The recording (WAV, FLAC, Ogg/Opus, MP3, M4A). Its file name is ignored."},
                "metadata": {"type": "string", "description": (
                    "JSON: external_id (idempotency key, per API key), started_at (ISO 8601 with zone), operator_id, "
                    "caller_number (optional; hashed, never stored), direction (inbound|outbound), "
                    "channels (mono|stereo_operator_left|stereo_operator_right), consent "
                    "{state: granted|notice_given|declined|withdrawn|unknown, method, recorded_at}.")},
            },
        }}},
    }
}


def parse_metadata(raw: bytes) -> CallMetadata:
    """The metadata part as CallMetadata, or ApiError 422 naming the bad fields (not values)."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(422, "metadata_invalid", "metadata is not UTF-8 text; send JSON") from None
    except json.JSONDecodeError as error:
        raise ApiError(422, "metadata_invalid", f"metadata is not valid JSON ({error.msg} at line "
                       f"{error.lineno} column {error.colno})") from None
    except RecursionError:
        raise ApiError(422, "metadata_invalid", "metadata is nested too deeply; send the documented "
                       "flat object") from None
    except ValueError:  # e.g. an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise ApiError(422, "metadata_invalid", "metadata holds a number too long to read; send the "
                       "documented fields") from None
    try:
        return CallMetadata.model_validate(document)
    except ValidationError as error:
        errors = error.errors(include_input=False)
        code = ("consent_state_invalid" if any(tuple(e["loc"]) == ("consent", "state") for e in errors)
                else "metadata_invalid")
        raise ApiError(422, code, describe_validation_errors(errors, prefix="metadata.")) from None


@router.post("", status_code=202, response_model=CallAccepted, openapi_extra=_UPLOAD_BODY,
             dependencies=[require_roles(Role.TELEPHONY)],
             responses={200: {"model": CallAccepted,
                                   "description": "This key uploaded the same external_id before."},
                        **ERROR_RESPONSES})
async def upload_call(request: Request, response: Response, runtime: RuntimeDep, principal: PrincipalDep):
    """Upload a recording with its metadata: 202 queued (or consent_blocked), 200 for a retry."""

    def keep_audio(raw: bytes) -> bool:
        # Metadata came first: don't even write audio we would not keep.
        try:
            metadata = parse_metadata(raw)
        except ApiError:
            return False
        return (find_existing(runtime, principal.actor, metadata.external_id) is None
                and consent_allows(runtime, metadata.consent.state))

    received = await receive_upload(request, incoming_dir=runtime.incoming_dir,
                                    max_audio_bytes=runtime.settings.max_upload_bytes, keep_audio=keep_audio)
    try:
        if received.metadata is None:
            raise ApiError(422, "metadata_missing", "the multipart part `metadata` is missing; send the call's "
                           "metadata as JSON in a part named metadata")
        metadata = parse_metadata(received.metadata)
        result = await run_in_threadpool(accept_call, runtime, metadata=metadata,
                                         audio_path=received.audio_path, actor=principal.actor)
    finally:
        received.discard()
    if not result.created:
        response.status_code = 200
    return CallAccepted(id=result.call.id, status=result.call.status)


@router.get("/{call_id}", response_model=CallOut, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.QA, Role.PRIVACY_MANAGER, Role.TELEPHONY)])
def read_call(call: CallDep, session: ReadSessionDep):
    """A call's processing status and metadata (no personal data)."""
    return CallOut.of(call, entity_types_of(session=session, call_id=call.id))


@router.get("", response_model=CallList, responses=ERROR_RESPONSES,
            dependencies=[require_roles(Role.QA, Role.PRIVACY_MANAGER)])
def read_calls(
    session: ReadSessionDep,
    status: Annotated[CallStatus | None, Query(description="Only calls in this state.")] = None,
    operator_id: Annotated[Text | None, Query(max_length=100)] = None,
    started_from: Annotated[Instant | None, Query(description="Inclusive, ISO 8601 with zone.")] = None,
    started_to: Annotated[Instant | None, Query(description="Exclusive, ISO 8601 with zone.")] = None,
    entity_type: Annotated[Text | None, Query(max_length=40, description="Calls where this type was redacted.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500, description="next_cursor of the previous page.")] = None,
):
    """Calls newest first, filtered; follow `next_cursor` for the next page."""
    filters = CallFilter(status=status, operator_id=operator_id, started_from=started_from,
                         started_to=started_to, entity_type=entity_type)
    page = list_calls(session=session, filters=filters, limit=limit, cursor=cursor)
    types = entity_type_counts(session=session, call_ids=[c.id for c in page.calls])
    return CallList(calls=[CallOut.of(c, sorted(types.get(c.id, {}))) for c in page.calls],
                    next_cursor=page.next_cursor)
