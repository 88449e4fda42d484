"""One error shape for every response: {"error": {"code": "...", "message": "..."}}.

Messages name the bad field and the fix, never a submitted value (it could be personal data).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from redactor.errors import RefusedError

logger = logging.getLogger(__name__)

_STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "upload_too_large", 415: "unsupported_media_type",
    422: "request_invalid", 500: "internal_error", 503: "unavailable",
}


class ApiError(RefusedError):
    """Raise from routes and dependencies: a refusal of the HTTP layer itself, with response headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, code, message)
        self.headers = headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def describe_validation_errors(errors: list[dict], prefix: str = "") -> str:
    """'field.path: what is wrong' for each error, without the submitted values."""
    parts = []
    for error in errors[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{prefix}{location or 'request'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RefusedError)  # the library's refusals and ApiError alike: routes never translate
    async def _refused(_request: Request, exc: RefusedError):
        return error_response(exc.status, exc.code, exc.message, getattr(exc, "headers", None))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = "no such endpoint; see /openapi.json"
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError):
        return error_response(422, "request_invalid", describe_validation_errors(exc.errors()))

    app.add_middleware(ContainUnhandledErrors)


class ContainUnhandledErrors:
    """Answers an unhandled exception with a 500 in our error shape and logs it without its message.

    Starlette's own handler re-raises so that the server logs the full traceback, and an
    exception's message (or a chained one's) may quote the transcript or metadata being
    processed. Here the log names the exception type and the frames (file, line, function)
    that raised it, which is enough to find the bug, and nothing that was being processed.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
            frames = "; ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}"
                               for f in traceback.extract_tb(exc.__traceback__)[-6:])
            route = scope.get("route")
            logger.error("unhandled %s in %s %s [%s]", type(exc).__name__, scope.get("method"),
                         getattr(route, "path", "?"), frames)
            if not response_started:
                await error_response(500, "internal_error", "the service failed; the error was logged")(
                    scope, receive, send)
