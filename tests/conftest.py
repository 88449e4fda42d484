"""Fixtures shared by the whole suite.

The database under the service fixtures is SQLite unless the suite runs with
`--database=postgresql` (or REDACTOR_TEST_DATABASE=postgresql): then every test that opens the
service gets its own PostgreSQL database, cloned from a template migrated once per session, on a
server scripts/postgres-server starts, and the service runs in cluster mode. Tests that can only
hold on SQLite are marked `sqlite_only("why")` and skipped there. Likewise the blob store is
local files unless `--blob-store=s3` (REDACTOR_TEST_BLOB_STORE=s3): then each test gets its own
prefix in the bucket of a SeaweedFS server scripts/s3-server starts; tests that read local blob
files are marked `local_blobs_only("why")`. scripts/test runs the fast tests both ways.

Three scales, as in datasette's tests: `runtime` (the service's storage, keys and queue, no
HTTP), `client` (the real app in-process with a real SQLite DB and blob store in a temp dir,
worker not started: no models loaded), and the real server subprocess in tests/service/test_e2e.py.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "sample_audio"
SHARED_DIR = REPO_ROOT / ".." / "shared"
ROLES = ("telephony", "qa", "privacy_manager", "admin")


DATABASES = ("sqlite", "postgresql")
BLOB_STORES = ("local", "s3")


def pytest_addoption(parser):
    parser.addoption("--database", choices=DATABASES, default=os.environ.get("REDACTOR_TEST_DATABASE", "sqlite"),
                     help="the database under the service fixtures (default: $REDACTOR_TEST_DATABASE or sqlite)")
    parser.addoption("--blob-store", choices=BLOB_STORES,
                     default=os.environ.get("REDACTOR_TEST_BLOB_STORE", "local"),
                     help="the blob store under the service fixtures (default: $REDACTOR_TEST_BLOB_STORE or local)")


def pytest_collection_modifyitems(config, items):
    skipped = []  # (marker, what it means) of the embedded defaults this run replaces
    if config.getoption("--database") != "sqlite":
        skipped.append(("sqlite_only", "SQLite only"))
    if config.getoption("--blob-store") != "local":
        skipped.append(("local_blobs_only", "local blob files only"))
    cluster_selected = "cluster" in (config.getoption("markexpr") or "")
    for item in items:
        for name, meaning in skipped:
            marker = item.get_closest_marker(name)
            if marker is not None:
                item.add_marker(pytest.mark.skip(reason=f"{meaning}: {marker.args[0]}"))
        if not cluster_selected and item.get_closest_marker("cluster") is not None:
            item.add_marker(pytest.mark.skip(reason="starts PostgreSQL, SeaweedFS, two API replicas and two workers: "
                                                    "run with -m cluster"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL 15 server for this test session (scripts/postgres-server); its database URL."""
    from servers import ServerUnavailable, script_server

    try:
        with script_server("postgres-server") as settings:
            yield settings["REDACTOR_DATABASE_URL"]
    except ServerUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated once per session, the template every test's database is cloned from."""
    from servers import create_database

    from redactor.store.db import open_database

    url = create_database(postgres_server, "redactor_template")
    db = open_database(url)
    db.upgrade()
    db.dispose()
    return "redactor_template"


@pytest.fixture
def database_url(request) -> Iterator[str | None]:
    """The service's database for this test: None (SQLite in its data dir) or a fresh PostgreSQL
    database cloned from the migrated template."""
    if request.config.getoption("--database") == "sqlite":
        yield None
        return
    from servers import create_database, drop_database

    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    url = create_database(server, f"test_{uuid.uuid4().hex}", template=template)
    yield url
    drop_database(server, url)


@pytest.fixture(scope="session")
def s3_environment(request) -> Iterator[dict[str, str]]:
    """Under --blob-store=s3, the AWS_* settings of the session's S3 server, set in the environment
    for the whole session (boto3 reads them there); else nothing."""
    if request.config.getoption("--blob-store") == "local":
        yield {}
        return
    from servers import environment

    settings = request.getfixturevalue("s3_server")
    with environment({name: value for name, value in settings.items() if name.startswith("AWS_")}):
        yield settings


@pytest.fixture
def blob_store_url(s3_environment) -> str | None:
    """The service's blob store for this test: None (local files in its data dir) or a fresh
    prefix in the S3 server's bucket."""
    if not s3_environment:
        return None
    return f"{s3_environment['REDACTOR_BLOB_STORE_URL']}test-{uuid.uuid4().hex}/"


@pytest.fixture
def service_settings(tmp_path: Path, database_url, blob_store_url):
    """Settings for a fresh service in a temp data dir (small upload limit for 413 tests).

    On PostgreSQL the service runs in cluster mode, which never creates keys: the test's keys are
    created beforehand in their own folder, as an operator does with `redactor secrets create`."""
    from redactor.config import Settings
    from redactor.key_material import create_key_files

    keys_dir = None
    if database_url is not None:
        keys_dir = tmp_path / "keys"
        create_key_files(keys_dir)
    return Settings(data_dir=tmp_path / "data", database_url=database_url, blob_store_url=blob_store_url,
                    max_upload_bytes=2 * 1024 * 1024, job_retry_backoff_seconds=0, keys_dir=keys_dir,
                    work_dir=tmp_path / "work")  # not /dev/shm: a test's folder goes with its tmp_path


@pytest.fixture
def runtime(service_settings) -> Iterator:
    """ServiceRuntime.open(settings): migrated DB, blob store, caller hasher, queue; no worker."""
    from redactor.service.runtime import ServiceRuntime

    rt = ServiceRuntime.open(service_settings)
    yield rt
    rt.close()


@pytest.fixture
def client(service_settings) -> Iterator:
    """TestClient of the real app (worker not started, so no models are loaded)."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(service_settings, start_worker=False)) as test_client:
        yield test_client


@pytest.fixture
def api_keys(client) -> dict[str, str]:
    """One fresh API key per role for `client`: {role: token}."""
    from redactor.api_keys import create_key

    runtime = client.app.state.runtime
    tokens = {}
    with runtime.db.session() as session:
        for role in ROLES:
            tokens[role] = create_key(session=session, role=role, label=f"test {role}").token
        session.commit()
    return tokens


@pytest.fixture
def key_ids(api_keys) -> dict[str, str]:
    """{role: key id} of `api_keys` (e.g. to make a call look uploaded by the telephony key)."""
    from redactor.api_keys import key_id_of

    return {role: key_id_of(token) for role, token in api_keys.items()}


@pytest.fixture
def auth(api_keys) -> Callable[[str], dict[str, str]]:
    """auth("qa") -> the Authorization header of the QA key."""
    return lambda role: {"Authorization": f"Bearer {api_keys[role]}"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[dict[str, str]]:
    """A SeaweedFS S3 server for this test session (scripts/s3-server): the AWS_* settings that
    reach it, and REDACTOR_BLOB_STORE_URL naming its bucket."""
    from servers import ServerUnavailable, script_server, wait_for_bucket

    try:
        with script_server("s3-server") as settings:
            wait_for_bucket(settings)
            yield settings
    except ServerUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def orphan_grace_passed(monkeypatch) -> Callable[[], None]:
    """Call it to move the orphan sweep's clock past its grace period (one hour), on either blob
    store: a blob's time is the store's (a file's mtime, an S3 object's LastModified, which no
    client can set), so the test moves the sweep's clock instead of the blobs' times."""
    import time
    from types import SimpleNamespace

    from redactor.retention import orphans

    def advance() -> None:
        later = SimpleNamespace(time=lambda: time.time() + orphans.ORPHAN_GRACE_SECONDS + 60)
        monkeypatch.setattr(orphans, "time", later)

    return advance


@pytest.fixture(scope="session")
def sample_calls() -> list[dict]:
    """The committed sample calls (sample_audio/calls.json): file, channels, turns, spoken PII."""
    path = SAMPLE_DIR / "calls.json"
    if not path.exists():
        pytest.skip("sample_audio/calls.json is missing; run sample_audio/make_samples.py")
    calls = json.loads(path.read_text(encoding="utf-8"))["calls"]
    for call in calls:
        call["path"] = SAMPLE_DIR / call["file"]
    return calls


@pytest.fixture(scope="session")
def call_metadata() -> Callable[..., dict]:
    """call_metadata("tel-1", channels="stereo_operator_left") -> valid upload metadata."""
    return _call_metadata


def _call_metadata(external_id: str = "tel-0001", **overrides) -> dict:
    metadata = {
        "external_id": external_id,
        "started_at": "2026-11-27T09:30:00+09:00",
        "operator_id": "op-17",
        "caller_number": "090-1234-5678",
        "direction": "inbound",
        "channels": "mono",
        "consent": {"state": "granted", "method": "ivr", "recorded_at": "2026-11-27T09:29:40+09:00"},
    }
    metadata.update(overrides)
    return metadata


@pytest.fixture(scope="session")
def real_engines(tmp_path_factory):
    """(Whisper transcriber, PII call redactor) as the service loads them, once per test session.

    Loading takes ~10-20 s; each test gets a fresh runtime around them (`ServiceRuntime.use_models`).
    """
    from redactor.config import Settings
    from redactor.key_material import KeyMaterial, KeyName
    from redactor.pii import CallRedactor
    from redactor.transcribe import Transcriber

    import ctranslate2

    ctranslate2.set_random_seed(7)  # Whisper's temperature fallback samples: keep runs repeatable
    settings = Settings(data_dir=tmp_path_factory.mktemp("engines"))
    transcriber = Transcriber.from_settings(settings)
    call_redactor = CallRedactor.load(config_path=settings.pii_config,
                                      pseudonym_key=KeyMaterial.from_settings(settings).load(KeyName.PSEUDONYM))
    return transcriber, call_redactor
