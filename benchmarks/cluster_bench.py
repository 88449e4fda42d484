"""Cluster benchmark: calls/minute with 1 and 2 `redactor worker` processes on this machine, and
the latency of GET /v1/calls and GET /v1/search with 100,000 calls in PostgreSQL.

    .venv/bin/python benchmarks/cluster_bench.py [--calls 8] [--workers 1 --workers 2]
                                                 [--search-calls 100000] [--requests 300]
                                                 [--search-database URL]

Starts PostgreSQL and SeaweedFS with the project's scripts (as the cluster test does), then for
each worker count: a fresh migrated database, one API replica (`redactor serve --no-worker`) and
that many `redactor worker` processes with the real models, sharing the machine's cores
(`REDACTOR_WORKER_CONCURRENCY` = cores / workers, one CPU thread per decode). Once every worker
has loaded its models, --calls sample calls are uploaded at once; the figure is calls/minute from
the first upload until all are done. Figures depend on what else runs on the machine.

Search part (--search-calls, 0 skips it): a fresh database gets that many processed calls, each
with a redacted transcript of six turns drawn from call-center phrases (the trigram index holds
them all), bulk-inserted; one API replica then answers --requests requests of each kind, timed
from the client: the call list (first page, entity filter, operator filter, a deep cursor, a date
range) and search (phrases of 3 or more characters, common and rare, and 2-character queries,
common and rare, which have no trigram and go to the short-gram index). Target: p95 under 50 ms.

Seeding 100,000 calls takes a minute or two; to time search again on the same data, keep a
server and a database of your own and name it with --search-database: it is migrated to this
version (timing the upgrade of a filled database too), seeded only if it holds no calls, and kept:

    scripts/postgres-server start /tmp/bench-pg
    psql -h /tmp/bench-pg -U redactor -d redactor -c 'CREATE DATABASE search_bench'
    .venv/bin/python benchmarks/cluster_bench.py --workers 0 \
        --search-database 'postgresql+psycopg://redactor@/search_bench?host=/tmp/bench-pg'
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import statistics
import signal
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
sys.path.insert(0, str(REPO_ROOT / "tests"))  # servers.py: the scripts' servers, as the tests start them

from servers import create_database, drop_database, environment, script_server  # noqa: E402

from sample_load import free_port, percentile, timed, upload, wait_until_processed  # noqa: E402

from redactor.api_keys import create_key  # noqa: E402
from redactor.store.db import open_database  # noqa: E402
from redactor.store.models import Call, Finding, Transcript, TranscriptTurn  # noqa: E402

READY_TIMEOUT_S = 600


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


def new_deployment(postgres: str, s3: dict[str, str], database_url: str | None = None
                   ) -> tuple[str, dict[str, str], dict[str, dict]]:
    """A migrated database (a fresh one unless `database_url` is given) with keys of its own: its
    URL, the nodes' environment, and the Authorization headers of a telephony and a qa key."""
    database_url = database_url or create_database(postgres, f"bench_{uuid.uuid4().hex}")
    db = open_database(database_url)
    began = time.monotonic()
    upgrade = db.upgrade()
    db.dispose()
    if upgrade.before is not None and upgrade.before != upgrade.after:
        click.echo(f"{upgrade.before} -> {upgrade.after}: upgraded in {time.monotonic() - began:.0f} s")
    keys = {name: base64.b64encode(os.urandom(32)).decode() for name in ("AUDIO", "CALLER_HASH", "PSEUDONYM", "AUDIT")}
    env = {**os.environ, **s3, "REDACTOR_DATABASE_URL": database_url,
           **{f"REDACTOR_{name}_KEY": value for name, value in keys.items()}}
    db = open_database(database_url, audit_key=base64.b64decode(keys["AUDIT"]))
    with db.session() as session:
        headers = {role: {"Authorization": f"Bearer {create_key(session=session, role=role).token}"}
                   for role in ("telephony", "qa")}
        session.commit()
    db.dispose()
    return database_url, env, headers


def run_throughput(*, postgres: str, s3: dict[str, str], workers: int, calls: int, folder: Path) -> float:
    """calls/minute with `workers` worker processes; prints the details."""
    samples = json.loads((REPO_ROOT / "sample_audio" / "calls.json").read_text(encoding="utf-8"))["calls"]
    database_url, env, headers = new_deployment(postgres, s3)
    concurrency = max(1, (os.cpu_count() or 1) // workers)
    env["REDACTOR_WORKER_CONCURRENCY"] = str(concurrency)
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
        wait_until_processed(url, headers["qa"], ids)
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


# Redacted turns as the service stores them: call-center phrases with PII replaced by type tags.
PHRASES = ["お電話ありがとうございます。", "住所変更の手続きをお願いしたいのですが。", "ご本人様確認のため、お名前をお願いします。",
           "<PERSON>様ですね。", "お電話番号は<PHONE_NUMBER>でよろしいでしょうか。", "解約の手続きについてお伺いします。",
           "カード番号は<CREDIT_CARD>ですね。", "少々お待ちください。", "請求書の送付先を変更したいです。",
           "ご契約内容を確認いたします。", "ご住所は<LOCATION>でお間違いないですか。", "ありがとうございました。"]
ENTITY_TYPES = ["PERSON", "PHONE_NUMBER", "CREDIT_CARD", "LOCATION"]
SEARCHES = ["住所変更", "解約の手続き", "請求書の送付先", "ご契約内容", "カード番号", "お待ち"]
RARE = "配送日時の再調整"  # in one call in a thousand
SHORT_SEARCHES = ["解約", "番号", "お待", "再調"]  # the last only in RARE's calls
CHUNK = 5_000


def seed_calls(database_url: str, count: int) -> None:
    """`count` processed calls with six redacted turns and their findings each, bulk-inserted."""
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    db = open_database(database_url)
    try:
        for first in range(0, count, CHUNK):
            calls, transcripts, turns, findings = [], [], [], []
            for i in range(first, min(first + CHUNK, count)):
                call_id = str(uuid.uuid4())
                calls.append({"id": call_id, "external_id": f"seed-{i}", "started_at": start + timedelta(minutes=5 * i),
                              "operator_id": f"op-{rng.randrange(40)}", "direction": "inbound", "channels": "mono",
                              "consent_state": "granted", "status": "done", "created_at": start, "updated_at": start})
                transcripts.append({"call_id": call_id, "language": "ja", "duration": 180.0, "options_json": "{}",
                                    "created_at": start})
                texts = rng.sample(PHRASES, 6)
                if i % 1000 == 0:
                    texts[3] = f"{RARE}をお願いします。"
                for idx, text in enumerate(texts):
                    turns.append({"call_id": call_id, "idx": idx, "speaker": "caller" if idx % 2 else "operator",
                                  "start": 10.0 * idx, "end": 10.0 * idx + 8, "text": text})
                    for entity_type in ENTITY_TYPES:
                        if f"<{entity_type}>" in text:
                            findings.append({"call_id": call_id, "turn": idx, "type": entity_type,
                                             "start": text.index("<"), "end": text.index(">") + 1, "score": 1.0})
            with db.session() as session:
                session.execute(Call.__table__.insert(), calls)
                session.execute(Transcript.__table__.insert(), transcripts)
                session.execute(TranscriptTurn.__table__.insert(), turns)
                session.execute(Finding.__table__.insert(), findings)
                session.commit()
        # Fresh planner statistics, as autovacuum would give a while later. Autocommit: ANALYZE's
        # statistics are transactional, and a connection closed without commit rolls them back.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()


def run_search(*, postgres: str, s3: dict[str, str], calls: int, requests: int, folder: Path,
               database_url: str | None = None) -> dict[str, float]:
    """p95 (ms) of the call list and of search with `calls` calls in the database (a fresh one, or
    `database_url` seeded if it has no calls and kept); prints the details."""
    keep = database_url is not None
    database_url, env, headers = new_deployment(postgres, s3, database_url)
    db = open_database(database_url)
    with db.read_session() as session:
        present = session.query(Call).count()
    db.dispose()
    if present:
        click.echo(f"search: {present} calls already in the database, not seeded")
    else:
        began = time.monotonic()
        seed_calls(database_url, calls)
        click.echo(f"search: {calls} calls ({6 * calls} redacted turns) seeded in {time.monotonic() - began:.0f} s")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    replica = start([sys.executable, "-m", "redactor", "serve", "--no-worker", "--port", str(port),
                     "--log-level", "warning"], {**env, "REDACTOR_DATA_DIR": str(folder / "api-search")},
                    folder / "api-search.log")
    try:
        wait_for(lambda: api_ready(url), "the API replica", [replica])
        p95 = {}
        with httpx.Client(base_url=url, headers=headers["qa"], timeout=30) as client:
            cursor = None
            for _ in range(20):  # a cursor 20 pages deep
                page = client.get("/v1/calls", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
                cursor = page.json()["next_cursor"]
            kinds = {
                "GET /v1/calls": ("/v1/calls", [
                    {"limit": 50}, {"limit": 50, "entity_type": "CREDIT_CARD"}, {"limit": 50, "operator_id": "op-3"},
                    {"limit": 50, "cursor": cursor}, {"limit": 50, "started_from": "2025-03-01T00:00:00+00:00"}]),
                "GET /v1/search (3+ characters)": ("/v1/search", [{"q": q} for q in SEARCHES + [RARE]]),
                "GET /v1/search (2 characters, no trigram)": ("/v1/search", [{"q": q} for q in SHORT_SEARCHES]),
            }
            for kind, (path, shapes) in kinds.items():
                timed(client, path, shapes, len(shapes))  # warm: plans and the page cache
                timings = timed(client, path, shapes, requests)
                p95[kind] = percentile(timings, 0.95)
                click.echo(f"  {kind}: {requests} requests, p50 {statistics.median(timings):.1f} ms, "
                           f"p95 {p95[kind]:.1f} ms, max {max(timings):.1f} ms (target p95 < 50 ms)")
        return p95
    finally:
        replica.send_signal(signal.SIGTERM)
        try:
            replica.wait(60)
        except subprocess.TimeoutExpired:
            replica.kill()
        if not keep:
            drop_database(postgres, database_url)


@click.command()
@click.option("--calls", default=8, show_default=True, help="Sample calls uploaded at once per run.")
@click.option("--workers", "worker_counts", multiple=True, type=click.IntRange(min=0), default=(1, 2),
              show_default=True, help="Worker process counts to measure (repeat the option; 0 skips this part).")
@click.option("--search-calls", default=100_000, show_default=True, type=click.IntRange(min=0),
              help="Calls in the database for the latency part (0 skips it).")
@click.option("--search-database", default=None, metavar="URL",
              help="A PostgreSQL database to time search on instead of a fresh one: migrated, seeded "
                   "only if it holds no calls, and kept for the next run.")
@click.option("--requests", "request_count", default=300, show_default=True, type=click.IntRange(min=1),
              help="Requests timed per kind in the latency part.")
def main(calls: int, worker_counts: tuple[int, ...], search_calls: int, request_count: int,
         search_database: str | None) -> None:
    """Measure calls/minute with 1 and 2 worker processes on PostgreSQL + SeaweedFS, then the
    latency of the call list and search with --search-calls calls in the database."""
    click.echo(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="redactor-cluster-bench-") as temp, \
            script_server("postgres-server") as postgres, script_server("s3-server") as s3, environment(s3):
        rates = {count: run_throughput(postgres=postgres["REDACTOR_DATABASE_URL"], s3=s3, workers=count,
                                       calls=calls, folder=Path(temp)) for count in worker_counts if count}
        if search_calls:
            run_search(postgres=postgres["REDACTOR_DATABASE_URL"], s3=s3, calls=search_calls,
                       requests=request_count, folder=Path(temp), database_url=search_database)
    if rates:
        click.echo("calls/minute: " + ", ".join(f"{count} worker(s) {rate:.1f}" for count, rate in rates.items()))


if __name__ == "__main__":
    main()
