"""Redacted-audio benchmark: what the redacted-audio step adds to the processing of a call.

For every sample call in sample_audio/calls.json, through the real pipeline pieces (the
service's CallPipeline on a temp SQLite database and encrypted blob store, the bundled Whisper
model, the PII engine):

    base  = decrypt + transcribe + redact text           (CallPipeline without extra steps)
    step  = RedactedAudioStep: ranges, render FLAC, encrypt it, scrub card data from the raw
            audio and re-encrypt it, record both in the database (with audit events)

and prints per call: audio seconds, base seconds, step seconds (median of --repeat runs) and
step / base in percent; then the totals. Target: the step adds under 5 %. Model loading is
not counted. Other processes on the machine skew timings: rerun when figures look noisy.

    .venv/bin/python benchmarks/redacted_audio_bench.py [--repeat 5] [--fill tone|silence]
"""

from __future__ import annotations

import json
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
    from redactor.pipeline import CallPipeline
    from redactor.store.db import open_database

    db = open_database(f"sqlite:///{work / 'bench.db'}")
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


def _context(pipeline, call_id: str):
    from redactor.jobs.queue import ClaimedJob
    from redactor.pipeline import PipelineContext
    from redactor.store.models import Call

    with pipeline.db.read_session() as session:
        row = session.get(Call, call_id)
        return PipelineContext(job=ClaimedJob(0, call_id, 1, 3), call_id=call_id, channels=row.channels,
                               audio_blob_key=row.audio_blob_key, audio_sha256=row.audio_sha256)


@click.command()
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(1, 50),
              help="Runs of the redacted-audio step per call (the median is reported).")
@click.option("--fill", default="tone", show_default=True, type=click.Choice(["tone", "silence"]),
              help="What replaces the redacted ranges.")
def main(repeat: int, fill: str) -> None:
    """Print the processing time of each sample call with and without the redacted-audio step."""
    from redactor.audio_redaction.pipeline_step import RedactedAudioStep
    from redactor.config import Settings
    from redactor.pii import CallRedactor
    from redactor.transcribe import Transcriber

    calls = json.loads(CALLS_JSON.read_text(encoding="utf-8"))["calls"]
    settings = Settings()
    began = time.perf_counter()
    transcriber = Transcriber.from_settings(settings)
    call_redactor = CallRedactor.load(config_path=settings.pii_config, pseudonym_key=b"p" * 32)
    print(f"models loaded in {time.perf_counter() - began:.1f} s (not counted)", file=sys.stderr)
    step = RedactedAudioStep(padding_s=settings.redaction_padding_ms / 1000, fill=fill,
                             scrub_entities=tuple(settings.raw_audio_scrub_entities))

    header = f"{'call':<8} {'audio s':>8} {'base s':>8} {'step s':>8} {'added':>7}  ranges  scrubbed"
    print(header)
    print("-" * len(header))
    totals = {"audio": 0.0, "base": 0.0, "step": 0.0}
    with tempfile.TemporaryDirectory(prefix="redacted-audio-bench-") as tmp:
        pipeline = _pipeline(Path(tmp), transcriber, call_redactor)
        for index, call in enumerate(calls):
            context = _context(pipeline, _store_call(pipeline, call, index))
            t0 = time.perf_counter()
            with pipeline.decrypted_audio(context):
                pipeline.transcribe(context)
                pipeline.redact(context)
                base = time.perf_counter() - t0
                timings = []
                for _ in range(repeat):
                    # every run renders and scrubs from the same decrypted original recording
                    context.artifacts.clear()
                    t1 = time.perf_counter()
                    step(pipeline, context)
                    timings.append(time.perf_counter() - t1)
            step_s = statistics.median(timings)
            ranges = len(json.loads(context.artifacts["redacted_ranges_json"]))
            scrubbed = "yes" if any(p["type"] in settings.raw_audio_scrub_entities for p in call["pii"]) else "no"
            print(f"{call['id']:<8} {call['duration']:>8.1f} {base:>8.2f} {step_s:>8.3f} "
                  f"{100 * step_s / base:>6.2f}%  {ranges:>6}  {scrubbed:>8}")
            totals["audio"] += call["duration"]
            totals["base"] += base
            totals["step"] += step_s
        pipeline.db.dispose()
    print("-" * len(header))
    print(f"{'total':<8} {totals['audio']:>8.1f} {totals['base']:>8.2f} {totals['step']:>8.3f} "
          f"{100 * totals['step'] / totals['base']:>6.2f}%   (target: under 5 %)")


if __name__ == "__main__":
    main()
