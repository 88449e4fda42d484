"""Cluster benchmark: calls/minute with 1 and 2 `redactor worker` processes on this machine.

    .venv/bin/python benchmarks/cluster_bench.py [--calls 8] [--workers 1 --workers 2]

Starts PostgreSQL and SeaweedFS with the project's scripts (as the cluster test does), then for
each worker count: a fresh migrated database, one API replica (`redactor serve --no-worker`) and
that many `redactor worker` processes with the real models, sharing the machine's cores
(`REDACTOR_WORKER_CONCURRENCY` = cores / workers, one CPU thread per decode). Once every worker
has loaded its models, --calls sample calls are uploaded at once; the figure is calls/minute from
the first upload until all are done. Figures depend on what else runs on the machine.
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
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import click
import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests"))  # servers.py: the scripts' servers, as the tests start them

from servers import create_database, drop_database, environment, script_server  # noqa: E402

from redactor.api_keys import create_key  # noqa: E402
from redactor.store.db import open_database  # noqa: E402

READY_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not condition():
        if any(p.poll() is not None for p in processes):
            raise SystemExit(f"a process exited while waiting for {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not after {READY_TIMEOUT_S} s")
        time.sleep(0.5)


def api_ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def upload(url: str, headers: dict, sample: dict, external_id: str) -> str:
    metadata = {"external_id": external_id, "started_at": datetime.now(timezone.utc).isoformat(),
                "operator_id": "bench", "direction": "inbound", "channels": sample["channels"],
                "consent": {"state": "granted"}}
    with open(REPO_ROOT / "sample_audio" / sample["file"], "rb") as audio:
        response = httpx.post(url + "/v1/calls", headers=headers, timeout=120, files=[
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("audio", ("a", audio, "application/octet-stream"))])
    response.raise_for_status()
    return response.json()["id"]


def run_throughput(*, postgres: str, s3: dict[str, str], workers: int, calls: int, folder: Path) -> float:
    """calls/minute with `workers` worker processes; prints the details."""
    samples = json.loads((REPO_ROOT / "sample_audio" / "calls.json").read_text(encoding="utf-8"))["calls"]
    database_url = create_database(postgres, f"bench_{uuid.uuid4().hex}")
    db = open_database(database_url)
    db.upgrade()
    db.dispose()
    keys = {name: base64.b64encode(os.urandom(32)).decode() for name in ("AUDIO", "CALLER_HASH", "PSEUDONYM", "AUDIT")}
    concurrency = max(1, (os.cpu_count() or 1) // workers)
    env = {**os.environ, **s3, "REDACTOR_DATABASE_URL": database_url, "REDACTOR_WORKER_CONCURRENCY": str(concurrency),
           **{f"REDACTOR_{name}_KEY": value for name, value in keys.items()}}
    db = open_database(database_url, audit_key=base64.b64decode(keys["AUDIT"]))
    with db.session() as session:
        headers = {role: {"Authorization": f"Bearer {create_key(session=session, role=role).token}"}
                   for role in ("telephony", "qa")}
        session.commit()
    db.dispose()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    processes = [start([sys.executable, "-m", "redactor", "serve", "--no-worker", "--port", str(port),
                        "--log-level", "warning"], {**env, "REDACTOR_DATA_DIR": str(folder / f"api-{workers}")},
                       folder / f"api-{workers}.log")]
    logs = [folder / f"worker-{workers}-{index}.log" for index in range(workers)]
    processes += [start([sys.executable, "-m", "redactor", "worker"],
                        {**env, "REDACTOR_DATA_DIR": str(folder / log.stem)}, log) for log in logs]
    try:
        began = time.monotonic()
        wait_for(lambda: api_ready(url), "the API replica", processes)
        wait_for(lambda: all(re.search(r"worker \S+ ready", log.read_text()) for log in logs),
                 "the workers' models", processes)
        click.echo(f"{workers} worker process(es) x {concurrency} thread(s): ready in "
                   f"{time.monotonic() - began:.0f} s (models loaded)")
        chosen = [samples[i % len(samples)] for i in range(calls)]
        began = time.monotonic()
        with ThreadPoolExecutor(calls) as pool:
            ids = list(pool.map(lambda item: upload(url, headers["telephony"], item[1], f"bench-{item[0]}"),
                                enumerate(chosen)))
        pending = set(ids)
        while pending:
            for call_id in list(pending):
                status = httpx.get(f"{url}/v1/calls/{call_id}", headers=headers["qa"], timeout=30).json()["status"]
                if status in ("done", "failed"):
                    pending.discard(call_id)
                    if status == "failed":
                        click.echo(f"call {call_id} failed", err=True)
            time.sleep(0.2)
        elapsed = time.monotonic() - began
        audio_s = sum(c["duration"] for c in chosen)
        rate = calls / elapsed * 60
        click.echo(f"  {calls} calls ({audio_s:.0f} s of audio) done in {elapsed:.1f} s -> {rate:.1f} calls/min, "
                   f"{audio_s / elapsed:.1f} audio-s per s")
        return rate
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        drop_database(postgres, database_url)


@click.command()
@click.option("--calls", default=8, show_default=True, help="Sample calls uploaded at once per run.")
@click.option("--workers", "worker_counts", multiple=True, type=click.IntRange(min=1), default=(1, 2),
              show_default=True, help="Worker process counts to measure (repeat the option).")
def main(calls: int, worker_counts: tuple[int, ...]) -> None:
    """Measure calls/minute with 1 and 2 worker processes on PostgreSQL + SeaweedFS."""
    click.echo(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="redactor-cluster-bench-") as temp, \
            script_server("postgres-server") as postgres, script_server("s3-server") as s3, environment(s3):
        rates = {count: run_throughput(postgres=postgres["REDACTOR_DATABASE_URL"], s3=s3, workers=count,
                                       calls=calls, folder=Path(temp)) for count in worker_counts}
    click.echo("calls/minute: " + ", ".join(f"{count} worker(s) {rate:.1f}" for count, rate in rates.items()))


if __name__ == "__main__":
    main()
