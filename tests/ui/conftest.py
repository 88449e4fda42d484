"""Fixtures of the review-workspace tests: one real service with processed sample calls.

`workspace` (session scope, SLOW: loads Whisper base + GiNZA once, ~10-20 s, and transcribes the
five samples, ~15-30 s on 2 cores): uvicorn in a thread over a fresh data dir, the committed
samples uploaded over HTTP and processed by the service's real worker and pipeline
(tests/ui/workspace.py). Tests using it are marked `@pytest.mark.slow`.
`ui` (per test): a fresh service of its own in-process (TestClient, no models), with its keys.
`browser` (session scope): Debian's Chromium through Playwright; skipped only when
/usr/bin/chromium is absent (`scripts/bootstrap --test` installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .workspace import ThreadedServer, Workspace, populate, workspace_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pytest_collection_modifyitems(config, items) -> None:
    """Every test using the `workspace` (the real models) must be marked slow, so that
    `-m "not slow"` never loads them by surprise."""
    unmarked = [item.nodeid for item in items
                if "workspace" in getattr(item, "fixturenames", ()) and item.get_closest_marker("slow") is None]
    if unmarked:
        raise pytest.UsageError(f"these tests use the real-model `workspace` but are not marked slow: {unmarked}")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory, sample_calls) -> Iterator[Workspace]:
    from api.main import create_app

    app = create_app(workspace_settings(tmp_path_factory.mktemp("ui") / "data"), start_worker=False)
    with ThreadedServer(app) as base_url:
        yield populate(base_url, app, sample_calls)


def csrf_of(page_html: str) -> str:
    """The CSRF token of the (first) form of a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def sign_in(client: httpx.Client, key: str) -> httpx.Response:
    """Sign `client` in through the real form (CSRF cookie + field); returns the final response."""
    token = csrf_of(client.get("/ui/signin").text)
    return client.post("/ui/signin", data={"csrf_token": token, "api_key": key, "next": "/ui/calls"},
                       headers={"Origin": str(client.base_url).rstrip("/")})


@pytest.fixture
def ui(client, api_keys):
    """(client, keys): a fresh app in-process; the client follows redirects and keeps cookies."""
    client.follow_redirects = True
    return client, api_keys


@pytest.fixture
def ui_client(workspace) -> Iterator:
    """client("qa") -> an httpx client signed in to the UI with that role's key (cookies kept)."""
    clients = []

    def make(role: str | None = None) -> httpx.Client:
        client = httpx.Client(base_url=workspace.base_url, timeout=30, follow_redirects=True)
        clients.append(client)
        if role is not None:
            response = sign_in(client, workspace.keys[role])
            assert response.status_code == 200 and "/ui/calls" in str(response.url), response.text[:500]
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium; run scripts/bootstrap --test "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots go (gitignored: /artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
