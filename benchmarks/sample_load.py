"""What the HTTP benchmarks share: a free port, sample uploads, waiting for them, timed GETs, percentiles."""

from __future__ import annotations

import json
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

import click
import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upload(url: str, headers: dict, sample: dict, external_id: str) -> str:
    """Upload one sample call (an entry of sample_audio/calls.json); return its call id."""
    metadata = {"external_id": external_id, "started_at": datetime.now(timezone.utc).isoformat(),
                "operator_id": "bench", "direction": "inbound", "channels": sample["channels"],
                "consent": {"state": "granted"}}
    with open(REPO_ROOT / "sample_audio" / sample["file"], "rb") as audio:
        response = httpx.post(url + "/v1/calls", headers=headers, timeout=120, files=[
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("audio", ("a", audio, "application/octet-stream"))])
    response.raise_for_status()
    return response.json()["id"]


def wait_until_processed(url: str, headers: dict, call_ids: list[str]) -> None:
    """Poll until every call is done or failed; name the failed ones on stderr."""
    pending = set(call_ids)
    while pending:
        for call_id in list(pending):
            status = httpx.get(f"{url}/v1/calls/{call_id}", headers=headers, timeout=30).json()["status"]
            if status in ("done", "failed"):
                pending.discard(call_id)
                if status == "failed":
                    click.echo(f"call {call_id} failed", err=True)
        time.sleep(0.2)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(client: httpx.Client, path: str, shapes: list[dict], requests: int) -> list[float]:
    """Milliseconds of `requests` GETs of `path`, cycling through the query `shapes`."""
    timings = []
    for i in range(requests):
        began = time.perf_counter()
        response = client.get(path, params=shapes[i % len(shapes)])
        timings.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
    return timings
