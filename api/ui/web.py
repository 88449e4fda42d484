"""What every page of the review workspace shares: templates, the signed-in user, CSRF, headers.

    user: UiUserDep                       # redirects to the sign-in page when not signed in
    return render(request, "ui/calls.html", {...}, user=user)
    await check_csrf(request, user)       # first line of every POST handler
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from api.deps import RuntimeDep
from api.ui import text
from api.ui.i18n import ENTITY_TYPES, LANGUAGES, Labels, language_of
from api.ui.sessions import LANG_COOKIE, SESSION_COOKIE, same_origin, set_cookie, tokens_match, utcnow
from redactor.api_keys import Role
from redactor.store.models import ApiKey
from redactor.store.ui_sessions import UiSessionStore

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
UI_ROLES = frozenset({Role.QA.value, Role.PRIVACY_MANAGER.value})

# Pages hold redacted transcripts: never cached, never framed, scripts and styles only from us.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send `Origin: null`
}

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(clock=text.clock, local_time=text.local_time, segments=text.segments,
                             find_hits=text.find_hits, entity_types=ENTITY_TYPES)


@dataclass(frozen=True)
class UiUser:
    """The signed-in browser: key id and role (never the key), and its CSRF token."""

    session_id: str
    key_id: str
    role: str
    csrf_token: str

    @property
    def is_privacy_manager(self) -> bool:
        return self.role == Role.PRIVACY_MANAGER.value

    @property
    def can_search(self) -> bool:
        # Mirrors GET /v1/search, which is for the qa role only.
        return self.role == Role.QA.value


def session_store(request: Request) -> UiSessionStore:
    """The browser sessions, in the database, with the timeouts from Settings."""
    runtime = request.app.state.runtime
    return UiSessionStore(db=runtime.db, idle=timedelta(minutes=runtime.settings.ui_session_idle_minutes),
                          lifetime=timedelta(hours=runtime.settings.ui_session_max_hours))


def signin_redirect(request: Request) -> HTTPException:
    """303 to the sign-in page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "sign in first", headers={"Location": f"/ui/signin?next={quote(here, safe='')}"})


def current_user(request: Request, runtime: RuntimeDep) -> UiUser:
    """The signed-in user, or a redirect to the sign-in page.

    The key behind the session is looked up on every request: a revoked key (or one whose role
    changed) ends the session at once.
    """
    session_id = request.cookies.get(SESSION_COOKIE)
    store = session_store(request)
    session = store.get(session_id, now=utcnow()) if session_id else None
    if session is None:
        raise signin_redirect(request)
    with runtime.db.read_session() as db:
        key = db.get(ApiKey, session.key_id)
        active = key is not None and key.revoked_at is None and key.role == session.role
    if not active or session.role not in UI_ROLES:
        store.delete_for_key(session.key_id)
        raise signin_redirect(request)
    return UiUser(session_id=session_id, key_id=session.key_id, role=session.role,
                  csrf_token=session.csrf_token)


UiUserDep = Annotated[UiUser, Depends(current_user)]


class CsrfError(Exception):
    """A state-changing form without the session's token, or posted from another site."""


class FormValueError(Exception):
    """A form field or a path holding a NUL character, which no text here may hold
    (redactor.values): a 422 naming the fields. PostgreSQL can neither store nor compare NUL in
    text, so unchecked it would be a 500 there and stored on SQLite."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"NUL character in the form fields {fields}")
        self.fields = fields

    def render(self, request: Request, user: UiUser | None) -> HTMLResponse:
        return render(request, "ui/message.html", {"message": "form_nul",
                                                   "message_values": {"fields": ", ".join(self.fields)}},
                      user=user, status_code=422)


def refuse_nul_fields(form: FormData) -> None:
    """Raise FormValueError if any field of `form` (its name or its value) holds a NUL character."""
    fields = sorted({name.replace("\x00", "U+0000") for name, value in form.multi_items()
                     if "\x00" in name or (isinstance(value, str) and "\x00" in value)})
    if fields:
        raise FormValueError(fields)


def refuse_nul_in_path(request: Request) -> None:
    """Every UI route's first dependency: a NUL character in the path (a call or case id) is a
    FormValueError (422, rendered by api.main), before any route looks the id up. (The call list's
    query parameters are checked, and a bad one named on the page, by api.ui.queries.)"""
    if "\x00" in request.scope["path"]:
        raise FormValueError(["path"])


async def check_csrf(request: Request, user: UiUser) -> FormData:
    """The submitted form, after checking its CSRF token and Origin (raises CsrfError) and that no
    field holds a NUL character (raises FormValueError)."""
    form = await request.form()
    if not same_origin(request) or not tokens_match(user.csrf_token, str(form.get("csrf_token") or "")):
        raise CsrfError()
    refuse_nul_fields(form)
    return form


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    params.pop("lang", None)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           user: UiUser | None = None, status_code: int = 200) -> HTMLResponse:
    """A page in the request's language, with the security headers; `?lang=` is remembered."""
    lang = language_of(request)
    other = "en" if lang == "ja" else "ja"
    page = {"request": request, "t": Labels(lang), "lang": lang, "user": user,
            "lang_switch_url": url_with(request, lang=other),
            "url_with": lambda **changes: url_with(request, **changes)}
    page.update(context or {})
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    if request.query_params.get("lang") in LANGUAGES:
        set_cookie(response, request, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response
