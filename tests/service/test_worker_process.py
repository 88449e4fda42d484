"""`redactor worker` as a process: it runs the queued jobs, and SIGTERM drains (the job running
finishes and is stored before the process exits 0). The worker is the service's own
(`run_worker`) around a stand-in for the models (tests/cluster/standin_worker.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from redactor.service.runtime import ServiceRuntime
from redactor.store.models import Call, Transcript

REPO_ROOT = Path(__file__).resolve().parents[2]
STANDIN_WORKER = REPO_ROOT / "tests" / "cluster" / "standin_worker.py"
SAMPLE = REPO_ROOT / "sample_audio" / "call03_mono.ogg"


def status_of(runtime, call_id) -> str:
    with runtime.db.read_session() as session:
        return session.get(Call, call_id).status


def test_sigterm_lets_the_running_job_finish(service_settings, tmp_path):
    runtime = ServiceRuntime.open(service_settings)
    raw = runtime.blobs.put(SAMPLE)
    with runtime.db.session() as session:
        session.add(Call(id="call-drained", external_id="tel-drained", started_at=datetime.now(timezone.utc),
                         operator_id="op-1", direction="inbound", channels="mono", consent_state="granted",
                         status="queued", audio_blob_key=raw.key, audio_sha256=raw.sha256))
        session.flush()
        runtime.queue.enqueue(session, "call-drained")
        session.commit()
    env = {**os.environ, "REDACTOR_DATA_DIR": str(service_settings.data_dir),
           "REDACTOR_WORK_DIR": str(service_settings.work_dir), "STANDIN_REDACT_SECONDS": "2",
           "REDACTOR_WORKER_CONCURRENCY": "1"}
    if service_settings.database_url:  # cluster mode: keys only from configuration
        env.update(REDACTOR_DATABASE_URL=service_settings.database_url, REDACTOR_KEYS_DIR=str(service_settings.keys_dir))
    if service_settings.blob_store_url:  # --blob-store=s3: the worker reads the bucket the test wrote to
        env["REDACTOR_BLOB_STORE_URL"] = service_settings.blob_store_url
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen([sys.executable, str(STANDIN_WORKER)], cwd=REPO_ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while status_of(runtime, "call-drained") != "redacting":
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
    assert status_of(runtime, "call-drained") == "done"  # finished during the drain, not abandoned
    with runtime.db.read_session() as session:
        assert session.get(Transcript, "call-drained") is not None
    assert "draining" in log.read_text()
    runtime.close()
