"""The roles of every retention endpoint (the service's role matrix walks them for 401/403)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from api.deps import RoleGuard
from api.main import create_app


def _walk(routes, prefix=""):
    """(path, APIRoute) through included routers and mounts (as tests/api/test_role_matrix.py)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield prefix + (context.path or context.original_route.path), context.original_route
        elif hasattr(route, "routes"):
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))


def _guarded():
    for path, route in _walk(create_app(start_worker=False).routes):
        guards = [d.call for d in route.dependant.dependencies if isinstance(d.call, RoleGuard)]
        for method in route.methods - {"HEAD", "OPTIONS"}:
            yield method, path, guards[0].roles if guards else None


GUARDED = list(_guarded())

EXPECTED = {
    ("GET", "/v1/retention-policy"): {"privacy_manager", "admin"},
    ("PUT", "/v1/retention-policy"): {"privacy_manager"},
    ("POST", "/v1/retention/purge"): {"privacy_manager", "admin"},
    ("GET", "/v1/retention/report"): {"privacy_manager", "admin"},
    ("POST", "/v1/contract-ends"): {"telephony", "privacy_manager"},
    ("POST", "/v1/calls/{call_id}/consent"): {"telephony", "privacy_manager"},
    ("POST", "/v1/calls/{call_id}/hold"): {"privacy_manager"},
    ("DELETE", "/v1/calls/{call_id}/hold"): {"privacy_manager"},
    ("GET", "/v1/holds"): {"privacy_manager", "admin"},
    ("POST", "/v1/privacy-requests"): {"privacy_manager"},
    ("GET", "/v1/privacy-requests"): {"privacy_manager"},
    ("GET", "/v1/audit-events"): {"privacy_manager", "admin"},
    ("GET", "/v1/audit-events/verification"): {"privacy_manager", "admin"},
}


@pytest.mark.parametrize("key,roles", EXPECTED.items(), ids=[" ".join(k) for k in EXPECTED])
def test_retention_endpoints_declare_these_roles(key, roles):
    declared = {(method, path): r for method, path, r in GUARDED}
    assert declared[key] == roles
