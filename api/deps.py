"""Typed dependencies: the runtime, database sessions, the caller's key and role checks.

Every route declares its roles in its decorator:

    @router.get("/v1/calls", dependencies=[require_roles(Role.QA, Role.PRIVACY_MANAGER)])

`RoleGuard` objects carry their roles so tests/api/test_role_matrix.py can walk every route.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth_throttle import AuthThrottle, client_address
from api.errors import ApiError
from redactor.api_keys import Principal, Role, authenticate
from redactor.service.runtime import ServiceRuntime
from redactor.store.calls import get_call
from redactor.store.models import Call


def get_runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A writing session (takes the SQLite write lock at its first statement); commit in the callee."""
    with runtime.db.session() as session:
        yield session


def get_read_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A read-only session: never blocks the worker's writes."""
    with runtime.db.read_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]


def get_existing_call(call_id: str, session: ReadSessionDep, request: Request) -> Call:
    """The call of the path's `{call_id}`, or 404 `call_not_found` (after the role check).

    A call the request's key may not reach (another integration's, for a telephony key) is
    "not found" too, so that its existence is not told either.
    """
    call = get_call(session=session, call_id=call_id)
    principal = getattr(request.state, "principal", None)
    if call is None or (principal is not None and not principal.reaches(call)):
        raise ApiError(404, "call_not_found", f"no call {call_id}; list calls with GET /v1/calls")
    return call


CallDep = Annotated[Call, Depends(get_existing_call)]

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": "Bearer"}


def authenticate_bearer(request: Request) -> Principal:
    """The principal of `Authorization: Bearer <key>`, or ApiError 401 (429 while the client's
    address is locked out after failed attempts, see api.auth_throttle). Reads the database.

    api.request_guard runs it for every request under /v1/ before the route reads the body.
    """
    header = request.headers.get("authorization", "")
    if not header:  # no key at all is not a guess: not counted
        raise ApiError(401, "unauthorized", "send an API key: `Authorization: Bearer <key>` "
                       "(create one with `redactor keys create --role ...`)", _UNAUTHORIZED_HEADERS)
    throttle, address = auth_throttle(request), client_address(request)
    refuse_if_locked_out(throttle, address)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        throttle.failed(address, "api")
        raise ApiError(401, "unauthorized", "the Authorization header must read `Bearer <key>`",
                       _UNAUTHORIZED_HEADERS)
    with get_runtime(request).db.read_session() as session:
        principal = authenticate(session=session, token=token.strip())
    if principal is None:
        throttle.failed(address, "api")
        raise ApiError(401, "unauthorized", "the API key is unknown or revoked", _UNAUTHORIZED_HEADERS)
    return principal


def auth_throttle(request: Request) -> AuthThrottle:
    return request.app.state.auth_throttle


def refuse_if_locked_out(throttle: AuthThrottle, address: str) -> None:
    """ApiError 429 `too_many_failed_authentications` with Retry-After while `address` is locked out."""
    retry_after = throttle.retry_after(address)
    if retry_after is not None:
        raise ApiError(429, "too_many_failed_authentications",
                       f"too many failed authentications from this address; try again in {retry_after} s "
                       "(every key is refused until then)", {"Retry-After": str(retry_after)})


class RoleGuard:
    """Checks the role of the request's API key (authenticated first by api.request_guard)."""

    def __init__(self, roles: tuple[Role, ...]) -> None:
        self.roles = frozenset(role.value for role in roles)

    def __call__(self, request: Request) -> Principal:
        principal = getattr(request.state, "principal", None)
        if principal is None:  # a guarded route outside /v1/: authenticate here
            principal = request.state.principal = authenticate_bearer(request)
        if principal.role not in self.roles:
            raise ApiError(403, "forbidden", f"this endpoint is for {', '.join(sorted(self.roles))}; "
                           f"your key has the role {principal.role}")
        return principal


def require_roles(*roles: Role) -> Depends:
    """The permission dependency for a route decorator's `dependencies=[...]`."""
    if not roles:
        raise ValueError("name at least one role")
    return Depends(RoleGuard(roles))


def current_principal(request: Request) -> Principal:
    """The principal a RoleGuard in the route's decorator authenticated."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a route without a guard asked for a principal: a programming error
        raise RuntimeError("current_principal used on a route without require_roles(...)")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
