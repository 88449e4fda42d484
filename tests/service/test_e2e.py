"""End to end: a real `redactor serve` subprocess on the bundled model and a committed sample.

Upload the short stereo sample, wait for `done`, check the transcript holds none of the sample's
spoken PII, QA cannot fetch raw audio, and no file in the data dir (database, WAL, blobs) nor
the server's log holds that PII in plain text. Then kill -9 the server mid-job, start it again
and check the job finishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redactor.config import Settings

pytestmark = pytest.mark.slow
REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m redactor serve` on a free port, with its log in a file outside the data dir."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir, self.log_path = data_dir, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "REDACTOR_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("REDACTOR_DATABASE_URL", None)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "redactor", "serve", "--port", str(self.port)],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_for("/readyz", timeout_s=180)

    def wait_for(self, path: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited:\n{self.log_path.read_text()[-3000:]}"
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{path} not 200 after {timeout_s} s:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def service(tmp_path):
    data_dir = tmp_path / "data"
    from redactor.api_keys import create_key
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(Settings(data_dir=data_dir))
    with runtime.db.session() as session:
        keys = {role: create_key(session=session, role=role).token for role in ("telephony", "qa", "privacy_manager")}
        session.commit()
    runtime.close()
    server = Server(data_dir, tmp_path / "server.log")
    yield server, {role: {"Authorization": f"Bearer {token}"} for role, token in keys.items()}
    server.kill()
    shutil.rmtree(work_dir_of(server), ignore_errors=True)  # the folder in /dev/shm outlives tmp_path


def work_dir_of(server) -> Path:
    """Where the server keeps plaintext audio (uploads being received, decrypted job audio): its
    private folder in /dev/shm where the host has one."""
    from redactor.service.work_dir import private_work_dir

    return private_work_dir(server.data_dir)


def upload(server, headers, sample, external_id) -> str:
    metadata = {"external_id": external_id, "started_at": "2026-11-27T10:00:00+09:00", "operator_id": "op-7",
                "caller_number": sample_phone(sample) or "090-0000-0000", "direction": "inbound",
                "channels": sample["channels"], "consent": {"state": "granted", "method": "ivr"}}
    with open(sample["path"], "rb") as audio:
        response = httpx.post(server.url + "/v1/calls", headers=headers, timeout=60, files=[
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("audio", (sample["file"], audio, "application/octet-stream"))])
    assert response.status_code == 202, response.text
    return response.json()["id"]


def wait_status(server, headers, call_id, wanted: set[str], timeout_s: float, poll_s: float = 0.5) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = httpx.get(f"{server.url}/v1/calls/{call_id}", headers=headers, timeout=10).json()["status"]
        if status in wanted:
            return status
        assert status != "failed", "the job failed"
        time.sleep(poll_s)
    raise AssertionError(f"call {call_id} not in {wanted} after {timeout_s} s")


def sample_phone(sample) -> str | None:
    return next((p["text"] for p in sample["pii"] if p["type"] == "PHONE_NUMBER"), None)


def pii_needles(sample) -> set[str]:
    """The sample's spoken PII as it could appear in text: as spoken, normalized, digits only."""
    needles = set()
    for item in sample["pii"]:
        for value in (item["text"], str(item.get("value", ""))):
            needles.add(value)
            digits = "".join(ch for ch in value if ch.isdigit())
            if len(digits) >= 4:
                needles.add(digits)
    return {n for n in needles if len(n) >= 2}


def test_upload_transcribe_redact_and_nothing_leaks(service, sample_calls):
    server, keys = service
    sample = next(c for c in sample_calls if c["channels"].startswith("stereo") and c["duration"] < 40)
    server.start()
    call_id = upload(server, keys["telephony"], sample, "e2e-1")
    wait_status(server, keys["qa"], call_id, {"done"}, timeout_s=300)

    transcript = httpx.get(f"{server.url}/v1/calls/{call_id}/transcript", headers=keys["qa"], timeout=10).json()
    text = "\n".join(turn["text"] for turn in transcript["turns"])
    assert len(transcript["turns"]) >= 3 and transcript["entities"]
    survived = sorted(n for n in pii_needles(sample) if n in text)
    assert survived == [], f"PII survived redaction: {survived}"

    raw = httpx.get(f"{server.url}/v1/calls/{call_id}/audio", headers=keys["qa"], timeout=10)
    assert raw.status_code == 403 and raw.json()["error"]["code"] == "forbidden"
    raw = httpx.get(f"{server.url}/v1/calls/{call_id}/audio", headers=keys["privacy_manager"], timeout=30)
    shown = httpx.get(f"{server.url}/v1/calls/{call_id}", headers=keys["privacy_manager"], timeout=10).json()
    assert raw.status_code == 200 and hashlib.sha256(raw.content).hexdigest() == shown["audio"]["sha256"]
    metrics = httpx.get(server.url + "/metrics", timeout=10).text
    assert 'redactor_jobs{state="done"} 1.0' in metrics
    server.stop()

    needles = pii_needles(sample)
    files = [p for p in server.data_dir.rglob("*") if p.is_file()] + [server.log_path]
    assert any(p.name == "redactor.db" for p in files)
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle.encode("utf-8") not in content, f"{path.name} holds PII in plain text"
    assert [p for p in work_dir_of(server).rglob("*") if p.is_file()] == []
    # Neither the upload (before encryption) nor the decrypted audio ever touched the data dir.
    assert not (server.data_dir / "work").exists() and not (server.data_dir / "incoming").exists()


def test_kill_mid_job_then_restart_finishes_the_job(service, sample_calls):
    server, keys = service
    sample = max(sample_calls, key=lambda c: c["duration"])  # the longest: easiest to catch mid-job
    server.start()
    call_id = upload(server, keys["telephony"], sample, "e2e-kill")
    wait_status(server, keys["qa"], call_id, {"transcribing", "redacting"}, timeout_s=120, poll_s=0.05)
    server.kill()

    database = server.data_dir / "redactor.db"
    with sqlite3.connect(database) as connection:
        state, attempts = connection.execute("SELECT state, attempts FROM jobs").fetchone()
    assert state in ("transcribing", "redacting") and attempts == 1

    server.start()
    wait_status(server, keys["qa"], call_id, {"done"}, timeout_s=300)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT state, attempts FROM jobs").fetchone() == ("done", 2)
        seqs = [row[0] for row in connection.execute("SELECT seq FROM audit_events ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    server.stop()
    assert [p for p in work_dir_of(server).rglob("*") if p.is_file()] == []
