"""Browser sessions of the review workspace: a server-side session store, cookies and CSRF.

Signing in exchanges an API key (qa or privacy_manager) for a random session id kept in an
HttpOnly, SameSite=Strict cookie (Secure when the request came over https). The server keeps
only sha256(session id) -> (key id, role, CSRF token, times): never the API key itself, and
the session id never appears in a URL. Every request re-checks that the key is still active,
so revoking a key (`redactor keys revoke`) ends its browser sessions at once.

The store lives in the process (the service runs as one process with its embedded worker);
a restart signs everyone out. `SessionStore` is the seam for a shared store (a DB table or
Redis) should the UI ever run in several processes.

CSRF: every state-changing form carries a token (`csrf_token` field) compared in constant
time with the session's token; the sign-in form, which has no session yet, uses a
double-submit cookie. A cross-site Origin header is refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Protocol

from fastapi import Request, Response

SESSION_COOKIE = "redactor_ui_session"
SIGNIN_CSRF_COOKIE = "redactor_ui_signin_csrf"
LANG_COOKIE = "redactor_ui_lang"
COOKIE_PATH = "/ui"


@dataclass(frozen=True)
class UiSession:
    """One signed-in browser: the key it was opened with, never the key's secret."""

    key_id: str
    role: str
    csrf_token: str
    created_at: datetime
    last_seen: datetime


class SessionStore(Protocol):
    def create(self, *, key_id: str, role: str, now: datetime) -> tuple[str, UiSession]: ...

    def get(self, session_id: str, *, now: datetime) -> UiSession | None: ...

    def delete(self, session_id: str) -> None: ...

    def delete_for_key(self, key_id: str) -> int: ...


class InMemorySessionStore:
    """Sessions in this process, expiring after `idle` without use or `lifetime` in all."""

    def __init__(self, *, idle: timedelta, lifetime: timedelta) -> None:
        self.idle, self.lifetime = idle, lifetime
        self._sessions: dict[str, UiSession] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(session_id: str) -> str:
        return hashlib.sha256(session_id.encode("ascii", "replace")).hexdigest()

    def create(self, *, key_id: str, role: str, now: datetime) -> tuple[str, UiSession]:
        """A fresh session (a new id at every sign-in: no session fixation)."""
        session_id = secrets.token_urlsafe(32)
        session = UiSession(key_id=key_id, role=role, csrf_token=secrets.token_urlsafe(32),
                            created_at=now, last_seen=now)
        with self._lock:
            self._drop_expired(now)
            self._sessions[self._digest(session_id)] = session
        return session_id, session

    def get(self, session_id: str, *, now: datetime) -> UiSession | None:
        """The live session for `session_id` (its idle clock restarts), or None."""
        digest = self._digest(session_id)
        with self._lock:
            session = self._sessions.get(digest)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[digest]
                return None
            session = replace(session, last_seen=now)
            self._sessions[digest] = session
            return session

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(self._digest(session_id), None)

    def delete_for_key(self, key_id: str) -> int:
        """End every session opened with `key_id` (e.g. when the key turns out revoked)."""
        with self._lock:
            doomed = [d for d, s in self._sessions.items() if s.key_id == key_id]
            for digest in doomed:
                del self._sessions[digest]
        return len(doomed)

    def __len__(self) -> int:
        return len(self._sessions)

    def _expired(self, session: UiSession, now: datetime) -> bool:
        return now - session.last_seen > self.idle or now - session.created_at > self.lifetime

    def _drop_expired(self, now: datetime) -> None:
        for digest in [d for d, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[digest]


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
