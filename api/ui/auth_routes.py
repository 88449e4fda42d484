"""Sign-in with an API key (qa or privacy_manager) and sign-out."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api.auth_throttle import client_address
from api.deps import RuntimeDep, auth_throttle, refuse_if_locked_out
from api.errors import ApiError
from api.ui.sessions import (SESSION_COOKIE, SIGNIN_CSRF_COOKIE, clear_cookie, same_origin, set_cookie,
                             tokens_match, utcnow)
from api.ui.web import (UI_ROLES, CsrfError, FormValueError, UiUserDep, check_csrf, refuse_nul_fields, render,
                        session_store)
from redactor import audit
from redactor.api_keys import authenticate

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

SIGNIN_FORM_SECONDS = 3600


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path inside /ui/ only (no open redirect)."""
    if target and target.startswith("/ui/") and not target.startswith("/ui//") and "\\" not in target:
        return target
    return "/ui/calls"


def _signin_page(request: Request, *, error: str | None = None, error_values: dict | None = None,
                 status_code: int = 200):
    token = secrets.token_urlsafe(32)
    response = render(request, "ui/signin.html", {"csrf_token": token, "error": error,
                                                 "error_values": error_values or {},
                                                 "next": safe_next(request.query_params.get("next"))},
                      status_code=status_code)
    set_cookie(response, request, SIGNIN_CSRF_COOKIE, token, max_age=SIGNIN_FORM_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/ui", include_in_schema=False)
@router.get("/ui/", include_in_schema=False)
def ui_home():
    """The workspace's front door: the call list (or, signed out, the sign-in page)."""
    return RedirectResponse("/ui/calls", status_code=303)


@router.get("/ui/signin")
def signin_form(request: Request):
    """The sign-in form, with a fresh CSRF token in a cookie and a hidden field."""
    return _signin_page(request)


@router.post("/ui/signin")
async def signin(request: Request, runtime: RuntimeDep):
    """Exchange an API key for a session cookie; the key is never kept or echoed."""
    form = await request.form()
    if not same_origin(request) or not tokens_match(request.cookies.get(SIGNIN_CSRF_COOKIE),
                                                    str(form.get("csrf_token") or "")):
        logger.info("ui sign-in refused: csrf token or origin mismatch")
        return _signin_page(request, error="signin_expired", status_code=403)
    try:
        refuse_nul_fields(form)
    except FormValueError as error:
        return _signin_page(request, error="form_nul", error_values={"fields": ", ".join(error.fields)},
                            status_code=422)
    throttle, address = auth_throttle(request), client_address(request)
    try:
        refuse_if_locked_out(throttle, address)
    except ApiError as locked:  # the same brake as the API's keys (api.auth_throttle)
        logger.info("ui sign-in refused: too many failed attempts from this address")
        response = _signin_page(request, error="signin_locked", status_code=429)
        response.headers.update(locked.headers)
        return response
    token = str(form.get("api_key") or "").strip()
    with runtime.db.read_session() as db:
        principal = authenticate(session=db, token=token)
    if principal is None:  # never log the submitted text: it may be a mistyped key
        logger.info("ui sign-in refused: unknown, malformed or revoked key")
        await run_in_threadpool(throttle.failed, address, "ui")  # may write the audit summary
        return _signin_page(request, error="signin_failed", status_code=401)
    if principal.role not in UI_ROLES:
        logger.info("ui sign-in refused: key %s has the role %s", principal.key_id, principal.role)
        return _signin_page(request, error="signin_role", error_values={"role": principal.role},
                            status_code=403)
    session_id, _ = session_store(request).create(key_id=principal.key_id, role=principal.role, now=utcnow())
    with runtime.db.session() as db:
        audit.record(db, type="ui.signed_in", actor=principal.actor, details={"key_id": principal.key_id})
        db.commit()
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, session_id, max_age=None)
    clear_cookie(response, request, SIGNIN_CSRF_COOKIE)
    return response


@router.post("/ui/signout")
async def signout(request: Request, user: UiUserDep):
    """End this browser's session (CSRF-checked) and drop its cookie."""
    try:
        await check_csrf(request, user)
    except CsrfError:
        return render(request, "ui/message.html", {"message": "csrf_failed"}, user=user, status_code=403)
    except FormValueError as error:
        return error.render(request, user)
    session_store(request).delete(user.session_id)
    response = RedirectResponse("/ui/signin", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response
