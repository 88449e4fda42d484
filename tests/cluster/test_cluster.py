"""A cluster on one machine: two API replicas (`redactor serve --no-worker`) and two workers as
separate processes on one PostgreSQL database and one SeaweedFS bucket, started by the project's
scripts (opt-in: `pytest -m cluster`).

The workers are the service's `run_worker` around a fast stand-in for the models
(tests/cluster/standin_worker.py), slow enough in its redaction step to be killed or paused
mid-job. Leases are 2 s and the purge interval 2 s, so takeovers and intervals happen quickly.

Covered: upload through one replica and read through another; a UI session (cookie and CSRF
token) moving between replicas, signed out on both by one; a worker killed mid-job; a stale
worker's late write refused; one purge per interval; and, on an empty database of its own, an API
replica and a worker refusing an unmigrated schema while three `redactor db upgrade` started at
once migrate it once.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from api.ui.sessions import SESSION_COOKIE
from redactor import audit
from redactor.api_keys import create_key
from redactor.retention.purge import PURGE_RUN_EVENT
from redactor.store.db import MIGRATION_LOCK_ID, alembic_config, open_database
from redactor.store.models import AuditEvent, Job, Transcript

pytestmark = pytest.mark.cluster
REPO_ROOT = Path(__file__).resolve().parents[2]
STANDIN_WORKER = REPO_ROOT / "tests" / "cluster" / "standin_worker.py"
STANDIN_TEXT = "お電話ありがとうございます"
LEASE_S = 2
PURGE_INTERVAL_S = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout_s: float, what: str, logs=()) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)
            raise AssertionError(f"{what}: not after {timeout_s} s\n{tails}")
        time.sleep(0.1)


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    url: str | None = None
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(self.command, cwd=REPO_ROOT, env=self.env, stdout=out,
                                          stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGCONT)  # in case a test left it paused
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Cluster:
    database_url: str
    audit_key: bytes
    apis: list[Process]
    workers: list[Process]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def logs(self) -> list[Path]:
        return [p.log for p in self.apis + self.workers]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def db(self):
        return open_database(self.database_url, audit_key=self.audit_key)

    def worker_by_pid(self, pid: int) -> Process:
        return next(w for w in self.workers if w.popen.pid == pid)


def node_keys() -> dict[str, str]:
    """The four keys of a cluster, as configuration gives them to every node (base64)."""
    return {name: base64.b64encode(os.urandom(32)).decode() for name in ("AUDIO", "CALLER_HASH", "PSEUDONYM", "AUDIT")}


def node_env(database_url: str, s3_server: dict[str, str], keys: dict[str, str]) -> dict[str, str]:
    """The environment every process of the cluster shares (each adds its own data dir)."""
    return {**os.environ, **s3_server, "PYTHONUNBUFFERED": "1", "REDACTOR_DATABASE_URL": database_url,
            **{f"REDACTOR_{name}_KEY": value for name, value in keys.items()},
            "REDACTOR_JOB_LEASE_SECONDS": str(LEASE_S), "REDACTOR_PURGE_INTERVAL_SECONDS": str(PURGE_INTERVAL_S),
            "REDACTOR_WORKER_CONCURRENCY": "1", "STANDIN_REDACT_SECONDS": "3"}


@pytest.fixture(scope="module")
def cluster(postgres_server, s3_server, tmp_path_factory) -> Cluster:
    from servers import create_database, drop_database

    folder = tmp_path_factory.mktemp("cluster")
    database_url = create_database(postgres_server, f"cluster_{uuid.uuid4().hex}")
    db = open_database(database_url)
    db.upgrade()  # once, before the processes start
    db.dispose()
    keys = node_keys()
    base_env = node_env(database_url, s3_server, keys)

    def process(name: str, command: list[str], port: int | None = None) -> Process:
        # Each process has a data dir of its own, as on machines of its own.
        env = {**base_env, "REDACTOR_DATA_DIR": str(folder / name)}
        return Process(name, command, env, folder / f"{name}.log", url=port and f"http://127.0.0.1:{port}")

    apis = [process(name, [sys.executable, "-m", "redactor", "serve", "--no-worker", "--port", str(port)], port)
            for name, port in (("api-a", free_port()), ("api-b", free_port()))]
    workers = [process(name, [sys.executable, str(STANDIN_WORKER)]) for name in ("worker-1", "worker-2")]
    cluster = Cluster(database_url, base64.b64decode(keys["AUDIT"]), apis, workers)
    db = cluster.db()
    with db.session() as session:
        cluster.tokens = {role: create_key(session=session, role=role).token
                          for role in ("telephony", "qa", "privacy_manager")}
        session.commit()
    db.dispose()
    for member in apis + workers:
        member.start()
    try:
        for api in apis:
            wait_until(lambda: _ready(api), 120, f"{api.name} ready", cluster.logs)
        yield cluster
    finally:
        for member in apis + workers:
            member.stop()
        drop_database(postgres_server, database_url)


def _ready(api: Process) -> bool:
    assert api.popen.poll() is None, f"{api.name} exited:\n{api.log.read_text()[-3000:]}"
    try:
        return httpx.get(api.url + "/readyz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def upload(cluster: Cluster, api: Process, sample: dict, metadata: dict) -> str:
    with open(sample["path"], "rb") as audio:
        response = httpx.post(api.url + "/v1/calls", headers=cluster.headers("telephony"), timeout=60,
                              files={"audio": (sample["file"], audio), "metadata": (None, json.dumps(metadata))})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def status(cluster: Cluster, api: Process, call_id: str) -> str:
    return httpx.get(f"{api.url}/v1/calls/{call_id}", headers=cluster.headers("qa"), timeout=10).json()["status"]


def job_of(cluster: Cluster, call_id: str) -> Job:
    db = cluster.db()
    try:
        with db.read_session() as session:
            return session.execute(select(Job).where(Job.call_id == call_id)).scalar_one()
    finally:
        db.dispose()


def claimant_mid_job(cluster: Cluster, call_id: str) -> Process:
    """The worker process redacting `call_id` now (its pid is in jobs.claimed_by: host:pid:random)."""
    wait_until(lambda: job_of(cluster, call_id).state == "redacting", 60, "a worker redacting", cluster.logs)
    return cluster.worker_by_pid(int(job_of(cluster, call_id).claimed_by.split(":")[1]))


def check_one_transcript_and_the_chain(cluster: Cluster, call_id: str) -> None:
    db = cluster.db()
    try:
        with db.read_session() as session:
            count = session.scalar(select(func.count()).select_from(Transcript).where(Transcript.call_id == call_id))
            assert count == 1
            assert audit.verify_chain(session) == []
    finally:
        db.dispose()


def test_upload_through_one_replica_and_read_through_another(cluster, sample_calls, call_metadata):
    api_a, api_b = cluster.apis
    sample = next(s for s in sample_calls if s["channels"] == "mono")
    call_id = upload(cluster, api_a, sample, call_metadata("cluster-read", channels="mono"))
    wait_until(lambda: status(cluster, api_b, call_id) == "done", 120, "done, seen through api-b", cluster.logs)
    transcript = httpx.get(f"{api_b.url}/v1/calls/{call_id}/transcript", headers=cluster.headers("qa"),
                           timeout=10).json()
    assert [turn["text"] for turn in transcript["turns"]] == [STANDIN_TEXT]
    # The raw audio went to the shared bucket through api-a, sealed with the configured key.
    raw = httpx.get(f"{api_b.url}/v1/calls/{call_id}/audio", headers=cluster.headers("privacy_manager"), timeout=30)
    assert raw.status_code == 200 and raw.content == sample["path"].read_bytes()


def test_a_worker_killed_mid_job_is_replaced_by_another(cluster, sample_calls, call_metadata):
    sample = next(s for s in sample_calls if s["channels"] == "mono")
    call_id = upload(cluster, cluster.apis[0], sample, call_metadata("cluster-kill", channels="mono"))
    killed = claimant_mid_job(cluster, call_id)
    killed.popen.send_signal(signal.SIGKILL)
    killed.popen.wait()
    wait_until(lambda: status(cluster, cluster.apis[1], call_id) == "done", 60, "taken over and done", cluster.logs)
    job = job_of(cluster, call_id)
    assert job.attempts == 2 and int(job.claimed_by.split(":")[1]) != killed.popen.pid
    check_one_transcript_and_the_chain(cluster, call_id)
    killed.start()  # back to two workers for the next tests


def test_a_paused_workers_late_write_is_refused(cluster, sample_calls, call_metadata):
    sample = next(s for s in sample_calls if s["channels"] == "mono")
    call_id = upload(cluster, cluster.apis[0], sample, call_metadata("cluster-stale", channels="mono"))
    paused = claimant_mid_job(cluster, call_id)
    paused.popen.send_signal(signal.SIGSTOP)  # a long pause: its lease expires, another worker takes the job
    try:
        wait_until(lambda: status(cluster, cluster.apis[1], call_id) == "done", 60, "taken over", cluster.logs)
    finally:
        paused.popen.send_signal(signal.SIGCONT)  # it wakes up mid-redaction and tries to store its results

    def refused() -> list[AuditEvent]:
        db = cluster.db()
        try:
            with db.read_session() as session:
                return list(session.scalars(select(AuditEvent).where(AuditEvent.type == "job.stale_write_refused",
                                                                     AuditEvent.call_id == call_id)))
        finally:
            db.dispose()

    wait_until(lambda: refused(), 60, "the paused worker's write refused", cluster.logs)
    assert json.loads(refused()[0].details)["attempt"] == 1
    assert job_of(cluster, call_id).attempts == 2 and job_of(cluster, call_id).state == "done"
    check_one_transcript_and_the_chain(cluster, call_id)


def test_one_purge_per_interval_with_two_workers(cluster):
    """Each worker schedules the purge every interval; together they run it once per interval
    (without the cluster-wide claim it would run twice as often)."""
    intervals = 5
    began = time.time()
    time.sleep(intervals * PURGE_INTERVAL_S)
    ended = time.time()
    db = cluster.db()
    try:
        with db.read_session() as session:
            times = [datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
                     for t in session.scalars(select(AuditEvent.time).where(AuditEvent.type == PURGE_RUN_EVENT))]
    finally:
        db.dispose()
    purges = [t for t in times if began <= t < ended]
    assert intervals - 1 <= len(purges) <= intervals + 1, purges


def csrf_of(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def test_a_ui_session_moves_between_replicas(cluster):
    """A browser behind a load balancer: signed in through api-a, served and signed out by api-b,
    which ends the session on api-a too (sessions and their CSRF tokens live in the database)."""
    api_a, api_b = cluster.apis
    with httpx.Client(base_url=api_a.url, timeout=10) as on_a, httpx.Client(base_url=api_b.url, timeout=10) as on_b:
        token = csrf_of(on_a.get("/ui/signin").text)
        signed_in = on_a.post("/ui/signin", data={"csrf_token": token, "api_key": cluster.tokens["qa"],
                                                  "next": "/ui/calls"}, headers={"Origin": api_a.url})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/ui/calls", signed_in.text[:300]
        session_cookie = on_a.cookies.get(SESSION_COOKIE)
        assert session_cookie
        on_b.cookies.set(SESSION_COOKIE, session_cookie, path="/ui")
        page_on_b = on_b.get("/ui/calls")
        assert page_on_b.status_code == 200 and 'action="/ui/signout"' in page_on_b.text
        # The CSRF token api-a put in its page is the session's, so api-b accepts a form from it.
        token_from_a = csrf_of(on_a.get("/ui/calls").text)
        assert token_from_a == csrf_of(page_on_b.text)
        forged = on_b.post("/ui/signout", data={"csrf_token": "not-the-token"}, headers={"Origin": api_b.url})
        assert forged.status_code == 403
        signed_out = on_b.post("/ui/signout", data={"csrf_token": token_from_a}, headers={"Origin": api_b.url})
        assert signed_out.status_code == 303 and signed_out.headers["location"] == "/ui/signin"
        on_b.cookies.set(SESSION_COOKIE, session_cookie, path="/ui")  # as if kept: the session itself is gone
        for client in (on_a, on_b):  # ended everywhere: both replicas send the old cookie to sign in
            after = client.get("/ui/calls")
            assert after.status_code == 303 and after.headers["location"].startswith("/ui/signin"), client.base_url


def test_three_processes_started_at_once_on_an_empty_database_migrate_it_once(postgres_server, s3_server,
                                                                              tmp_path):
    """On an empty database an API replica and a worker refuse to start (in cluster mode only
    `redactor db upgrade` migrates); three `redactor db upgrade` started at once migrate it once:
    one applies the migrations, the two that lose the race for the advisory lock find the schema
    current and exit 0, and nothing fails on a duplicate (alembic_version holds one row)."""
    from servers import create_database, drop_database

    database_url = create_database(postgres_server, f"empty_{uuid.uuid4().hex}")
    env = node_env(database_url, s3_server, node_keys())
    db = open_database(database_url)
    started: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        started.append(subprocess.Popen([sys.executable, "-m", "redactor", *args], cwd=REPO_ROOT, text=True,
                                        env={**env, "REDACTOR_DATA_DIR": str(tmp_path / name)},
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        return started[-1]

    def waiting_on_the_lock() -> int:
        with db.engine.connect() as connection:
            return connection.scalar(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"))

    try:
        # The test holds the migration lock while all five start: the three upgrades wait on it
        # together, and the schema stays empty until the API replica and the worker have refused.
        with db.engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            try:
                refusing = [start("api", "serve", "--no-worker", "--port", str(free_port())), start("worker", "worker")]
                upgrades = [start(f"upgrade-{n}", "db", "upgrade") for n in range(3)]
                for process in refusing:
                    output = "".join(process.communicate(timeout=120))
                    assert process.returncode == 1, output
                    assert "has no schema yet; run `redactor db upgrade` once (from one node)" in output
                    assert "Traceback" not in output
                # The refusals created nothing, not even Alembic's table.
                assert holder.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) == 0
                wait_until(lambda: waiting_on_the_lock() == 3, 120, "three upgrades waiting on the migration lock")
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                holder.commit()
        results = [process.communicate(timeout=120) for process in upgrades]
        assert [process.returncode for process in upgrades] == [0, 0, 0], results
        assert not any("Traceback" in err or "UniqueViolation" in err for _, err in results), results
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert sorted(out for out, _ in results) == [f"migrated the database schema from (empty) to {head}\n"] + \
            [f"the database schema is current ({head}); nothing to migrate\n"] * 2
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
        db.require_current()
    finally:
        for process in started:  # after a failure: none left behind on the database
            if process.poll() is None:
                process.kill()
                process.communicate()
        db.dispose()
        drop_database(postgres_server, database_url)
