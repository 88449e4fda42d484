"""Property-based requests from the app's own OpenAPI document (schemathesis), with every role.

For each documented operation, schemathesis generates valid requests and requests that break the
schema (wrong types, missing fields, odd strings such as NUL), and each one is sent with each
role's key through the real app (in-process, real SQLite and blob store). Whatever comes in, the
answer is never a 5xx, and every error is in the error shape with a code. The number of examples
is bounded and derandomized, so the run is short and repeatable; raise EXAMPLES locally to dig.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a test extra: pip install -e '.[test]'")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402  (schemathesis brings hypothesis)
from schemathesis import GenerationMode  # noqa: E402

from api.main import create_app  # noqa: E402
from test_role_matrix import ROUTES  # noqa: E402  (tests/api is on sys.path)

EXAMPLES = 15  # per operation and generation mode, for each role the operation is for
FORBIDDEN_EXAMPLES = 2  # for each other role (a 403 before anything is read)
ROLES = ("telephony", "qa", "privacy_manager", "admin")
BASE_URL = "http://testserver"

SCHEMA = schemathesis.openapi.from_dict(create_app(start_worker=False).openapi())
ALLOWED_ROLES = {(method, path): roles for method, path, roles in ROUTES}  # None: public
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# Requests that break the schema exist only where there is a query or a body to break.
CASES = [(operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + [
    (operation, GenerationMode.NEGATIVE) for operation in OPERATIONS if len(operation.query) or len(operation.body)]


@pytest.mark.parametrize("operation,mode", CASES,
                         ids=[f"{op.method.upper()} {op.path} {mode.value}" for op, mode in CASES])
def test_no_request_gets_a_server_error(client, api_keys, operation, mode):
    documented = operation.definition.raw.get("responses", {})  # /readyz: 503 while the models load
    allowed = ALLOWED_ROLES[(operation.method.upper(), operation.path)]
    for role in ROLES:
        headers = {"Authorization": f"Bearer {api_keys[role]}"}

        examples = EXAMPLES if allowed is None or role in allowed else FORBIDDEN_EXAMPLES

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def send(case):
            response = client.request(**_for_httpx(case.as_transport_kwargs(base_url=BASE_URL, headers=headers)))
            replay = f"{role}: {case.as_curl_command(headers=headers)}"
            if response.status_code >= 500:
                assert str(response.status_code) in documented, f"{response.status_code} {response.text[:300]} for {replay}"
            if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
                error = response.json().get("error")
                assert isinstance(error, dict) and error.get("code"), f"not the error shape: {response.text[:300]}"

        send()


def _for_httpx(kwargs: dict) -> dict:
    """requests' keyword arguments (what schemathesis makes) as the TestClient's (httpx)."""
    kwargs = {name: value for name, value in kwargs.items() if value not in (None, {})}
    if isinstance(kwargs.get("data"), (bytes, str)):
        kwargs["content"] = kwargs.pop("data")
    return kwargs
