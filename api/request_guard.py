"""Checks that run before any route reads a request's body: its size, then the API key.

FastAPI reads and parses a JSON body before it runs a route's dependencies, so a role guard
alone lets anyone make the server read a body of any size, and answers a request without a key
with 422 when its body is malformed. `GuardRequests` runs first, for every route:

- Every body except a streamed upload is capped at `REDACTOR_MAX_BODY_BYTES`: a declared
  Content-Length over it gets 413 before a byte is read; a body streamed without one is cut
  off at the first chunk past the cap (413 `body_too_large`), so it never sits in memory or a
  temp file. Streamed uploads (`POST /v1/calls`) are bounded by `REDACTOR_MAX_UPLOAD_BYTES`
  in api/uploads.py, which writes the audio to disk as it arrives.
- Every request under /v1/ must carry a valid API key before its route runs (401 otherwise);
  the route's `RoleGuard` then checks the key's role (403). Then a NUL character in its path gets
  422 `request_invalid` (`redactor.values`: PostgreSQL cannot store or compare one), for every
  path parameter at once; query parameters are typed `redactor.values.Text`, JSON bodies
  `api.schemas.RequestBody`.
- Every response that does not say how it may be cached gets `Cache-Control: no-store`: API
  responses carry call data, key-bound answers and errors, none of which a cache should keep.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_response
from redactor.values import refuse_nul

API_PREFIX = "/v1/"
# (method, path) of routes that stream their body themselves, under their own limit.
STREAMED_UPLOADS = frozenset({("POST", "/v1/calls")})


class BodyTooLarge(StarletteHTTPException):
    """A request body past REDACTOR_MAX_BODY_BYTES.

    An HTTPException, so that FastAPI's body parsing passes it on as it is (it turns any
    other exception raised while reading a body into a 400).
    """

    code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes "
                              "(setting REDACTOR_MAX_BODY_BYTES); send a smaller body")


def body_too_large_response(error: BodyTooLarge):
    return error_response(error.status_code, error.code, error.detail)


class GuardRequests:
    """The ASGI middleware described in the module docstring; `authenticate(request)` returns
    the request's principal or raises ApiError (it runs in a worker thread: it reads the DB)."""

    def __init__(self, app: ASGIApp, *, authenticate: Callable[[Request], object], max_body_bytes: int) -> None:
        self.app = app
        self.authenticate = authenticate
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _no_store_by_default(send)
        if (scope["method"], scope["path"].rstrip("/")) not in STREAMED_UPLOADS:
            limit = self.max_body_bytes
            declared = _declared_length(scope)
            if declared is not None and declared > limit:
                await body_too_large_response(BodyTooLarge(limit))(scope, receive, send)
                return
            receive = _capped(receive, limit)
        if scope["path"].startswith(API_PREFIX):
            request = Request(scope)
            try:
                request.state.principal = await run_in_threadpool(self.authenticate, request)
            except ApiError as error:
                await error_response(error.status, error.code, error.message, error.headers)(scope, receive, send)
                return
            try:
                refuse_nul(scope["path"])
            except ValueError as error:
                await error_response(422, "request_invalid", f"path: {error}")(scope, receive, send)
                return
        try:
            await self.app(scope, receive, send)
        except BodyTooLarge as error:  # read outside a route (where the exception handler answers it)
            await body_too_large_response(error)(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _capped(receive: Receive, limit: int) -> Receive:
    received = 0

    async def capped_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return capped_receive


def _no_store_by_default(send: Send) -> Send:
    async def send_with_cache_control(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"cache-control" for name, _ in headers):
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
        await send(message)

    return send_with_cache_control
