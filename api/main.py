"""The FastAPI application: `create_app(settings)`.

Start-up (lifespan): create the data dir, run the migrations, open the blob store and keys,
start the periodic retention purge (it never waits for the models), then load the models and
start the embedded worker in the background (`/readyz` turns ready when they are up; uploads
are accepted and queued meanwhile). Shutdown stops the purge schedule and the worker: a job
still running is re-queued at the next start.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

import redactor
from api.auth_throttle import AuthThrottle, audit_reporter
from api.deps import authenticate_bearer
from api.errors import install_error_handlers
from api.request_guard import BodyTooLarge, GuardRequests, body_too_large_response
from api.routes import api_keys, audio, calls, consent_policy, health, redacted_audio, search, transcripts
from api.routes import audit_events, holds, privacy_cases, privacy_requests, retention, third_party_provisions
from api.ui import router as ui_router
from api.ui.web import FormValueError
from redactor.config import Settings, get_settings
from redactor.key_material import KeyName
from redactor.service.runtime import ServiceRuntime

logger = logging.getLogger(__name__)

# Every router of the app. Add new resources here (one line each).
ROUTERS = [
    health.router,
    calls.router,
    transcripts.router,
    audio.router,
    redacted_audio.router,
    search.router,
    consent_policy.router,
    api_keys.router,
    retention.router,
    holds.router,
    privacy_requests.router,
    privacy_cases.router,
    third_party_provisions.router,
    audit_events.router,
    ui_router,  # the review workspace at /ui/ (session-cookie auth)
]


def create_app(settings: Settings | None = None, *, start_worker: bool = True,
               start_scheduler: bool | None = None) -> FastAPI:
    """The app for `settings` (default: from the environment).

    `start_worker=False` serves the API without loading the speech and PII models (the jobs
    stay queued): for tests of the HTTP surface and for API-only replicas. The periodic
    retention purge starts with the server, before and regardless of the models;
    `start_scheduler` (default: like `start_worker`) turns it on or off on its own.
    """
    settings = settings or get_settings()
    run_scheduler = start_worker if start_scheduler is None else start_scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime = ServiceRuntime.open(settings)
        app.state.auth_throttle = AuthThrottle(db=runtime.db, address_key=runtime.keys.load(KeyName.AUDIT),
                                               limit=settings.auth_failure_limit,
                                               window_seconds=settings.auth_failure_window_seconds,
                                               report=audit_reporter(runtime.db))
        runtime.sweep_leftovers()
        app.state.runtime = runtime
        if run_scheduler:
            runtime.start_scheduler()
        if start_worker:
            runtime.start_worker()
        try:
            yield
        finally:
            app.state.auth_throttle.flush()
            runtime.close()

    # /docs and /redoc load their scripts from the fastapi-offline package, never from a CDN.
    app = FastAPIOffline(
        static_url="/docs/assets",
        title="redactor",
        version=redactor.__version__,
        description="Consent-aware PII redaction for Japanese call recordings. Authenticate with "
                    "`Authorization: Bearer <key>`; errors are `{\"error\": {\"code\", \"message\"}}`.",
        lifespan=lifespan,
    )
    app.add_middleware(GuardRequests, authenticate=authenticate_bearer, max_body_bytes=settings.max_body_bytes)
    app.add_exception_handler(BodyTooLarge, lambda _request, error: body_too_large_response(error))
    app.add_exception_handler(FormValueError, lambda request, error: error.render(request, None))  # UI pages
    install_error_handlers(app)  # after GuardRequests: its containment of unhandled errors wraps it
    for router in ROUTERS:
        app.include_router(router)
    return app
