"""Every endpoint x every role: 401 without (or with a bad) key, 403 for a role not allowed.

The matrix is built from the app's routes, so a new endpoint cannot escape it: a route under
/v1 without `require_roles(...)` fails `test_every_api_route_declares_its_roles`.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from api.deps import RoleGuard
from api.main import create_app

ROLES = ("telephony", "qa", "privacy_manager", "admin")
# Routes anyone may call: no personal data in them (the API's description included).
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc"}
# Routes that authenticate another way, tested by their own suites (the browser UI's cookies).
SEPARATELY_AUTHENTICATED_PREFIXES = ("/ui",)


def _api_routes(routes, prefix=""):
    """(full path, APIRoute) of every FastAPI route, through included routers and mounts."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "effective_route_contexts"):  # FastAPI's lazily included routers
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield prefix + (context.path or context.original_route.path), context.original_route
        elif hasattr(route, "routes"):  # Mount
            yield from _api_routes(route.routes, prefix + getattr(route, "path", ""))


def _routes():
    app = create_app(start_worker=False)
    for path, route in _api_routes(app.routes):
        guards = [d.call for d in route.dependant.dependencies if isinstance(d.call, RoleGuard)]
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield method, path, (guards[0].roles if guards else None)


ROUTES = list(_routes())
GUARDED = [(m, p, roles) for m, p, roles in ROUTES if roles is not None]


def test_every_api_route_declares_its_roles():
    for method, path, roles in ROUTES:
        if roles is None:
            assert path in PUBLIC_PATHS or path.startswith(SEPARATELY_AUTHENTICATED_PREFIXES), (
                f"{method} {path} declares no roles: add dependencies=[require_roles(...)]")
    assert len(GUARDED) >= 9


def test_the_matrix_sees_every_documented_operation():
    """Cross-check with /openapi.json: the route walk above cannot miss an endpoint."""
    documented = {(method.upper(), path) for path, item in create_app(start_worker=False).openapi()["paths"].items()
                  for method in item}
    walked = {(m, p) for m, p, _ in ROUTES}
    assert documented <= walked, f"endpoints missing from the matrix: {sorted(documented - walked)}"


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


@pytest.mark.parametrize("method,path,roles", GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED])
def test_role_matrix(client, auth, method, path, roles):
    url = _url(path)
    no_key = client.request(method, url)
    assert no_key.status_code == 401, no_key.text
    assert no_key.json()["error"]["code"] == "unauthorized"
    assert no_key.headers["www-authenticate"] == "Bearer"
    bad_key = client.request(method, url, headers={"Authorization": "Bearer rdk_000000000000_" + "x" * 43})
    assert bad_key.status_code == 401
    for role in ROLES:
        response = client.request(method, url, headers=auth(role))
        if role in roles:
            assert response.status_code not in (401, 403), f"{role} refused on {method} {path}"
        else:
            assert response.status_code == 403, f"{role} allowed on {method} {path}"
            assert response.json()["error"]["code"] == "forbidden"


EXPECTED_ROLES = {
    ("POST", "/v1/calls"): {"telephony"},
    ("GET", "/v1/calls"): {"qa", "privacy_manager"},
    ("GET", "/v1/calls/{call_id}"): {"qa", "privacy_manager", "telephony"},
    ("GET", "/v1/calls/{call_id}/transcript"): {"qa", "privacy_manager"},
    ("GET", "/v1/calls/{call_id}/audio"): {"privacy_manager"},
    ("GET", "/v1/calls/{call_id}/audio/redacted"): {"qa", "privacy_manager"},
    ("GET", "/v1/search"): {"qa"},
}


@pytest.mark.parametrize("key,roles", EXPECTED_ROLES.items(), ids=[" ".join(k) for k in EXPECTED_ROLES])
def test_issue_roles_are_the_declared_roles(key, roles):
    declared = {(m, p): r for m, p, r in GUARDED}
    assert declared[key] == roles


def test_raw_audio_is_privacy_manager_only():
    for method, path, roles in GUARDED:
        if path.endswith("/audio"):
            assert roles == {"privacy_manager"}
