"""Browser sessions of the review workspace: cookies and CSRF (the sessions themselves live in
the database, `redactor.store.ui_sessions`).

Signing in exchanges an API key (qa or privacy_manager) for a random session id kept in an
HttpOnly, SameSite=Strict cookie (Secure when the request came over https). The database keeps
only sha256(session id) -> (key id, role, CSRF token, times): never the API key itself, and
the session id never appears in a URL. Every request re-checks that the key is still active,
so revoking a key (`redactor keys revoke`) ends its browser sessions at once. Sessions survive a
restart, and any API replica serves any browser.

CSRF: every state-changing form carries a token (`csrf_token` field) compared in constant
time with the session's token; the sign-in form, which has no session yet, uses a
double-submit cookie. A cross-site Origin header is refused as well.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone

from fastapi import Request, Response

SESSION_COOKIE = "redactor_ui_session"
SIGNIN_CSRF_COOKIE = "redactor_ui_signin_csrf"
LANG_COOKIE = "redactor_ui_lang"
COOKIE_PATH = "/ui"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int | None) -> None:
    """A cookie scripts cannot read, never sent cross-site, Secure over https, scoped to /ui."""
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True,
                        samesite="strict", secure=is_https(request))


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict", secure=is_https(request))


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; an absent or empty token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8", "replace"), given.encode("utf-8", "replace"))


def same_origin(request: Request) -> bool:
    """False when the browser says the form was posted from another site (Origin header)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # "null": a sandboxed or privacy-redirected context; refuse
    expected = f"{request.url.scheme}://{request.url.netloc}"
    return origin.rstrip("/") == expected
