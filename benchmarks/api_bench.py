"""Service benchmark: end-to-end throughput and GET /v1/calls latency on a real server.

    .venv/bin/python benchmarks/api_bench.py [--calls 8] [--concurrency 2] [--seed-calls 10000]

1. Starts `redactor serve` (a subprocess, fresh temp data dir, the bundled model).
2. Uploads --calls sample calls (cycling through sample_audio/) from --upload-threads threads at
   once and waits until all are done: prints calls/minute and audio minutes/minute end to end.
3. Adds --seed-calls calls (with findings) straight into the database, then times
   GET /v1/calls (first page, a filtered page, a deep cursor page): prints p50/p95/max.
Figures depend on what else runs on the machine; run it on an idle one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sample_load import free_port, percentile, timed, upload, wait_until_processed  # noqa: E402

from redactor.api_keys import create_key  # noqa: E402
from redactor.config import Settings  # noqa: E402
from redactor.service.runtime import ServiceRuntime  # noqa: E402
from redactor.store.models import Call, Finding, Transcript  # noqa: E402

ENTITY_TYPES = ["PERSON", "PHONE_NUMBER", "ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD", "EMAIL_ADDRESS"]


def start_server(data_dir: Path, port: int, concurrency: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "REDACTOR_DATA_DIR": str(data_dir), "REDACTOR_WORKER_CONCURRENCY": str(concurrency)}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "redactor", "serve", "--port", str(port),
                                    "--log-level", "warning"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    process.kill()
    raise SystemExit("the server did not become ready in 300 s")


def insert_seed_calls(runtime: ServiceRuntime, count: int) -> None:
    """Insert `count` processed calls with findings (bulk, no audio) for the listing benchmark."""
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with runtime.db.session() as session:
        calls, transcripts, findings = [], [], []
        for i in range(count):
            call_id = str(uuid.uuid4())
            calls.append({"id": call_id, "external_id": f"seed-{i}", "started_at": start + timedelta(minutes=17 * i),
                          "operator_id": f"op-{rng.randrange(40)}", "direction": rng.choice(["inbound", "outbound"]),
                          "channels": "mono", "consent_state": "granted", "status": "done",
                          "created_at": start, "updated_at": start})
            transcripts.append({"call_id": call_id, "language": "ja", "duration": 120.0, "options_json": "{}",
                                "created_at": start})
            for turn in range(rng.randrange(0, 6)):
                findings.append({"call_id": call_id, "turn": turn, "type": rng.choice(ENTITY_TYPES),
                                 "start": 0, "end": 4, "score": 1.0})
        session.execute(Call.__table__.insert(), calls)
        session.execute(Transcript.__table__.insert(), transcripts)
        session.execute(Finding.__table__.insert(), findings)
        session.commit()


@click.command()
@click.option("--calls", default=8, show_default=True, help="Sample calls uploaded for the throughput run.")
@click.option("--upload-threads", default=8, show_default=True, help="Uploads sent at once.")
@click.option("--concurrency", default=2, show_default=True, help="REDACTOR_WORKER_CONCURRENCY of the server.")
@click.option("--seed-calls", default=10_000, show_default=True, help="Calls in the database for the listing run.")
@click.option("--requests", "request_count", default=300, show_default=True, help="GET /v1/calls requests timed.")
def main(calls: int, upload_threads: int, concurrency: int, seed_calls: int, request_count: int) -> None:
    """Measure end-to-end calls/minute and GET /v1/calls latency on a real server."""
    samples = json.loads((REPO_ROOT / "sample_audio" / "calls.json").read_text(encoding="utf-8"))["calls"]
    with tempfile.TemporaryDirectory(prefix="redactor-bench-") as temp:
        data_dir = Path(temp) / "data"
        runtime = ServiceRuntime.open(Settings(data_dir=data_dir))
        with runtime.db.session() as session:
            keys = {role: {"Authorization": f"Bearer {create_key(session=session, role=role).token}"}
                    for role in ("telephony", "qa")}
            session.commit()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        server = start_server(data_dir, port, concurrency, Path(temp) / "server.log")
        click.echo(f"server ready in {time.monotonic() - started:.1f} s (models loaded), "
                   f"worker concurrency {concurrency}, {os.cpu_count()} CPU(s)")
        try:
            chosen = [samples[i % len(samples)] for i in range(calls)]
            began = time.monotonic()
            with ThreadPoolExecutor(upload_threads) as pool:
                ids = list(pool.map(lambda item: upload(url, keys["telephony"], item[1], f"bench-{item[0]}"),
                                    enumerate(chosen)))
            uploaded = time.monotonic() - began
            wait_until_processed(url, keys["qa"], ids)
            elapsed = time.monotonic() - began
            audio_s = sum(c["duration"] for c in chosen)
            click.echo(f"throughput: {calls} calls ({audio_s:.0f} s of audio) uploaded in {uploaded:.1f} s, "
                       f"all done in {elapsed:.1f} s -> {calls / elapsed * 60:.1f} calls/min, "
                       f"{audio_s / elapsed:.1f} audio-s per s")

            seeded = time.monotonic()
            insert_seed_calls(runtime, seed_calls)
            click.echo(f"seeded {seed_calls} calls in {time.monotonic() - seeded:.1f} s")
            with httpx.Client(base_url=url, headers=keys["qa"], timeout=30) as client:
                cursor = None
                for _ in range(20):  # walk 20 pages deep to get a deep cursor
                    cursor = client.get("/v1/calls", params={"limit": 50, **({"cursor": cursor} if cursor else {})}).json()["next_cursor"]
                shapes = [{"limit": 50}, {"limit": 50, "entity_type": "CREDIT_CARD"},
                          {"limit": 50, "operator_id": "op-3"}, {"limit": 50, "cursor": cursor},
                          {"limit": 50, "status": "done", "started_from": "2025-03-01T00:00:00+00:00"}]
                timings = timed(client, "/v1/calls", shapes, request_count)
            click.echo(f"GET /v1/calls with {seed_calls + calls} calls, {request_count} requests "
                       f"(first page, entity filter, operator filter, deep cursor, date range): "
                       f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
                       f"max {max(timings):.1f} ms")
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
            runtime.close()


if __name__ == "__main__":
    main()
