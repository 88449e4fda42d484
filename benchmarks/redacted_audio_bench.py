"""Redacted-audio benchmark: what the redacted-audio step adds to the processing of a call.

For every sample call in sample_audio/calls.json, the service's own `CallPipeline.process`
(decrypt, transcribe with the bundled Whisper model, redact with the PII engine, store the
transcript, complete the job) runs on a temp SQLite database and encrypted blob store, once
without and once with `RedactedAudioStep` (ranges, FLAC rendering, encryption, card-data scrub
of the raw audio, database records and audit events), alternately, --repeat times each. It
prints per call the audio seconds, the median processing seconds without and with the step,
the step's own median seconds, and the step's share of the processing time; then the totals.
Target: the step adds under 5 %. Model loading is not counted. Other processes on the machine
skew timings: rerun when figures look noisy.

    .venv/bin/python benchmarks/redacted_audio_bench.py [--repeat 3] [--fill tone|silence]
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
CALLS_JSON = ROOT / "sample_audio" / "calls.json"


def _pipeline(work: Path, transcriber, call_redactor):
    from redactor.blobstore import EncryptedFileBlobStore
    from redactor.jobs.queue import SqlJobQueue
    from redactor.service.pipeline import CallPipeline
    from redactor.store.db import open_database

    db = open_database(f"sqlite:///{work / 'bench.db'}", audit_key=secrets.token_bytes(32))
    db.upgrade()
    return CallPipeline(db=db, queue=SqlJobQueue(db, max_attempts=3, backoff_seconds=0),
                        blobs=EncryptedFileBlobStore(work / "blobs", b"b" * 32), transcriber=transcriber,
                        call_redactor=call_redactor, work_dir=work / "work")


def _store_call(pipeline, call: dict, index: int) -> str:
    from redactor.store.models import Call

    ref = pipeline.blobs.put(ROOT / "sample_audio" / call["file"])
    call_id = f"bench-{index}-{call['id']}"
    with pipeline.db.session() as session:
        session.add(Call(id=call_id, external_id=call_id, started_at=datetime.now(timezone.utc),
                         operator_id="bench", direction="inbound", channels=call["channels"],
                         consent_state="granted", status="queued", audio_blob_key=ref.key,
                         audio_sha256=ref.sha256, audio_bytes=ref.size, audio_codec=call["codec"]))
        session.flush()
        pipeline.queue.enqueue(session, call_id)
        session.commit()
    return call_id


class _TimedStep:
    """Wraps the step to time it alone, inside the real pipeline run."""

    def __init__(self, step) -> None:
        self.step, self.seconds = step, 0.0

    def __call__(self, pipeline, context) -> None:
        began = time.perf_counter()
        self.step(pipeline, context)
        self.seconds = time.perf_counter() - began


def _process(pipeline, call: dict, run: int, steps: list) -> float:
    """Seconds of `pipeline.process` for a fresh upload of `call` (upload not counted)."""
    call_id = _store_call(pipeline, call, run)
    job = pipeline.queue.claim_next("bench")
    assert job is not None and job.call_id == call_id
    pipeline.extra_steps = steps
    began = time.perf_counter()
    pipeline.process(job)
    return time.perf_counter() - began


@click.command()
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20),
              help="Runs of each call with and without the step (medians are reported).")
@click.option("--fill", default="tone", show_default=True, type=click.Choice(["tone", "silence"]),
              help="What replaces the redacted ranges.")
def main(repeat: int, fill: str) -> None:
    """Print the processing time of each sample call with and without the redacted-audio step."""
    from redactor.service.redacted_audio_step import RedactedAudioStep
    from redactor.config import Settings
    from redactor.pii import CallRedactor
    from redactor.transcribe import Transcriber

    calls = json.loads(CALLS_JSON.read_text(encoding="utf-8"))["calls"]
    settings = Settings()
    began = time.perf_counter()
    transcriber = Transcriber.from_settings(settings)
    call_redactor = CallRedactor.load(config_path=settings.pii_config, pseudonym_key=b"p" * 32)
    print(f"models loaded in {time.perf_counter() - began:.1f} s (not counted)", file=sys.stderr)
    timed = _TimedStep(dataclasses.replace(RedactedAudioStep.from_settings(settings), fill=fill))

    header = f"{'call':<8} {'audio s':>8} {'without s':>10} {'with s':>8} {'step s':>8} {'added':>7}"
    print(header)
    print("-" * len(header))
    totals = {"audio": 0.0, "without": 0.0, "with": 0.0, "step": 0.0}
    run = 0
    with tempfile.TemporaryDirectory(prefix="redacted-audio-bench-") as tmp:
        pipeline = _pipeline(Path(tmp), transcriber, call_redactor)
        for call in calls:
            without, with_step, step_only = [], [], []
            for _ in range(repeat):  # alternate, so load from other processes hits both alike
                run += 1
                without.append(_process(pipeline, call, run, []))
                run += 1
                with_step.append(_process(pipeline, call, run, [timed]))
                step_only.append(timed.seconds)
            row = {"without": statistics.median(without), "with": statistics.median(with_step),
                   "step": statistics.median(step_only)}
            print(f"{call['id']:<8} {call['duration']:>8.1f} {row['without']:>10.2f} {row['with']:>8.2f} "
                  f"{row['step']:>8.3f} {100 * row['step'] / row['without']:>6.2f}%")
            totals["audio"] += call["duration"]
            for key in ("without", "with", "step"):
                totals[key] += row[key]
        pipeline.db.dispose()
    print("-" * len(header))
    print(f"{'total':<8} {totals['audio']:>8.1f} {totals['without']:>10.2f} {totals['with']:>8.2f} "
          f"{totals['step']:>8.3f} {100 * totals['step'] / totals['without']:>6.2f}%   (target: under 5 %)")


if __name__ == "__main__":
    main()
