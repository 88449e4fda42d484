"""Speech-recognition benchmark: speed, memory and accuracy per decoding configuration.

Transcribes every sample call in sample_audio/calls.json with each configuration (each in its
own subprocess, so peak RSS is that configuration's alone) and prints one table row each:
audio seconds, wall seconds, real-time factor (audio s / wall s), CPU seconds and audio seconds
per CPU second (the figure other processes distort least), peak RSS, and the character error rate against the calls' scripts (NFKC, punctuation removed; micro-averaged over calls).

Calls are processed `workers` at a time, as the service's embedded worker would, and the two
channels of a stereo call are decoded in parallel when the model has two CTranslate2 workers.
Wall time excludes the model load (reported separately). Other processes on the machine skew
the timings: rerun when figures look noisy.

    .venv/bin/python benchmarks/asr_bench.py [--only NAME ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS_JSON = ROOT / "sample_audio" / "calls.json"
BASELINE = "seq-b5-int8"


@dataclass(frozen=True)
class Config:
    name: str
    compute_type: str
    beam_size: int
    vad_filter: bool
    batch_size: int  # 0: sequential WhisperModel.transcribe; >0: BatchedInferencePipeline
    cpu_threads: int = 1
    workers: int = 2  # calls transcribed at once

    def settings_env(self) -> dict[str, str]:
        return {
            "REDACTOR_WHISPER_COMPUTE_TYPE": self.compute_type,
            "REDACTOR_WHISPER_BEAM_SIZE": str(self.beam_size),
            "REDACTOR_WHISPER_VAD_FILTER": str(self.vad_filter).lower(),
            "REDACTOR_WHISPER_BATCH_SIZE": str(self.batch_size),
            "REDACTOR_WHISPER_CPU_THREADS": str(self.cpu_threads),
            "REDACTOR_WORKER_CONCURRENCY": str(self.workers),
        }


CONFIGS = [
    Config(BASELINE, "int8", 5, True, 0),
    Config("seq-b1-int8", "int8", 1, True, 0),
    Config("seq-b5-int8-novad", "int8", 5, False, 0),
    Config("seq-b5-f32", "float32", 5, True, 0),
    Config("seq-b1-f32", "float32", 1, True, 0),
    Config("batch8-b1-int8", "int8", 1, True, 8),
    Config("batch8-b5-int8", "int8", 5, True, 8),
    Config("seq-b1-int8-1call", "int8", 1, True, 0, workers=1),
    Config("seq-b1-int8-1call-2threads", "int8", 1, True, 0, cpu_threads=2, workers=1),
]


def _reference(call: dict) -> str:
    return "".join(turn["text"] for turn in sorted(call["turns"], key=lambda t: t["start"]))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_config(config: Config) -> dict:
    """Run one configuration in this process (the child side); returns its measurements."""
    import ctranslate2

    from redactor.config import Settings
    from redactor.transcribe import Transcriber
    from redactor.text_distance import edit_distance
    from redactor.transcribe.metrics import normalize_for_cer

    calls = json.loads(CALLS_JSON.read_text(encoding="utf-8"))["calls"]
    ctranslate2.set_random_seed(0)
    started = time.perf_counter()
    transcriber = Transcriber.from_settings(Settings())
    load_s = time.perf_counter() - started
    first = calls[0]
    transcriber.transcribe(ROOT / "sample_audio" / first["file"], channels=first["channels"])  # warm-up (VAD)

    def one(call: dict):
        return transcriber.transcribe(ROOT / "sample_audio" / call["file"], channels=call["channels"])

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=config.workers) as pool:
        transcripts = list(pool.map(one, calls))
    wall_s = time.perf_counter() - started
    cpu_s = _cpu_seconds() - cpu_before
    errors = chars = 0
    for call, transcript in zip(calls, transcripts):
        reference = normalize_for_cer(_reference(call))
        hypothesis = normalize_for_cer("".join(turn.text for turn in transcript.turns))
        errors += edit_distance(reference, hypothesis)
        chars += len(reference)
    audio_s = sum(t.duration for t in transcripts)
    return {
        "name": config.name,
        "audio_s": round(audio_s, 1),
        "wall_s": round(wall_s, 2),
        "rtf": round(audio_s / wall_s, 1),
        "cpu_s": round(cpu_s, 1),
        "rtf_per_core": round(audio_s / cpu_s, 1),
        "load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cer": round(errors / chars, 3),
    }


def _spawn(config: Config) -> dict:
    env = {**os.environ, **config.settings_env()}
    result = subprocess.run(
        [sys.executable, __file__, "--child", config.name], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise SystemExit(f"configuration {config.name} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Whisper decoding configurations on the sample calls.")
    parser.add_argument("--only", nargs="*", help="configuration names to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    by_name = {c.name: c for c in CONFIGS}
    if args.child:
        print(json.dumps(run_config(by_name[args.child])))
        return
    unknown = set(args.only or []) - set(by_name)
    if unknown:
        parser.error(f"unknown configuration(s) {sorted(unknown)}; choose from {sorted(by_name)}")
    selected = [by_name[n] for n in args.only] if args.only else CONFIGS
    header = f"{'configuration':28s} {'compute':8s} {'beam':>4s} {'vad':>4s} {'batch':>5s} {'thr':>3s} {'calls':>5s} " \
             f"{'audio s':>8s} {'wall s':>7s} {'x RT':>6s} {'cpu s':>6s} {'xRT/core':>8s} {'load s':>6s} " \
             f"{'RSS MB':>7s} {'CER':>6s}"
    if not args.json:
        # Other processes share the cores: the load average says how far to trust wall times;
        # audio seconds per CPU second (xRT/core) is the figure contention distorts least.
        print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}; "
              f"calls: {CALLS_JSON.relative_to(ROOT)}", file=sys.stderr)
        print(header)
    for config in selected:
        row = _spawn(config)
        if args.json:
            print(json.dumps({**row, **config.__dict__}))
            continue
        print(
            f"{config.name:28s} {config.compute_type:8s} {config.beam_size:4d} {'on' if config.vad_filter else 'off':>4s} "
            f"{config.batch_size:5d} {config.cpu_threads:3d} {config.workers:5d} {row['audio_s']:8.1f} "
            f"{row['wall_s']:7.2f} {row['rtf']:6.1f} {row['cpu_s']:6.1f} {row['rtf_per_core']:8.1f} "
            f"{row['load_s']:6.2f} {row['peak_rss_mb']:7d} {row['cer']:6.3f}",
            flush=True,
        )
    if not args.json:
        print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
