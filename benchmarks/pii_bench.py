#!/usr/bin/env python3
"""PII engine benchmark: load time, RSS after load, median latency for 1,000- and 5,000-character
calls, chars/s; and the plain GiNZA pipeline (all components, whole text) on the same calls.

    .venv/bin/python benchmarks/pii_bench.py [--runs 5] [--ner selective|all|off ...]

Calls are built from ../shared/data/pii-dev.jsonl when present, else from the repository's own
test calls (tests/pii/data/own_calls.jsonl), by taking whole turns until the size is reached.
Figures vary with machine load: compare numbers printed by the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / ".." / "shared" / "data" / "pii-dev.jsonl", REPO / "tests" / "pii" / "data" / "own_calls.jsonl"]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_call(size: int) -> list[dict]:
    source = next(p for p in SOURCES if p.exists())
    turns = [t for line in source.read_text(encoding="utf-8").splitlines() if line.strip()
             for t in json.loads(line)["turns"]]
    call, total, i = [], 0, 0
    while total < size:
        turn = dict(turns[i % len(turns)])
        turn["text"] = turn["text"][: size - total]
        call.append(turn)
        total += len(turn["text"])
        i += 1
    return call


def median_seconds(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_engine(mode: str, calls: dict[int, list[dict]], runs: int) -> None:
    import tempfile

    import yaml

    from redactor.pii import CallRedactor
    from redactor.pii.config import DEFAULT_CONFIG_PATH

    conf = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    conf["nlp"]["ner"] = mode
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as handle:
        yaml.safe_dump(conf, handle, allow_unicode=True)
    rss_before = rss_mib()
    started = time.perf_counter()
    redactor = CallRedactor.load(config_path=handle.name)
    load_s = time.perf_counter() - started
    print(f"redactor (ner={mode}): load {load_s:.2f} s, RSS after load {rss_mib():.0f} MiB "
          f"(+{rss_mib() - rss_before:.0f} MiB)")
    for size, call in calls.items():
        seconds = median_seconds(lambda: redactor.redact(call), runs)
        print(f"  {size:>5} chars: median {seconds * 1000:7.1f} ms  {size / seconds:8.0f} chars/s")


def bench_plain_ginza(calls: dict[int, list[dict]], runs: int) -> None:
    import spacy

    started = time.perf_counter()
    nlp = spacy.load("ja_ginza")
    print(f"plain GiNZA ({', '.join(nlp.pipe_names)}): load {time.perf_counter() - started:.2f} s")
    for size, call in calls.items():
        texts = [t["text"] for t in call]
        seconds = median_seconds(lambda: list(nlp.pipe(texts)), runs)
        print(f"  {size:>5} chars: median {seconds * 1000:7.1f} ms  {size / seconds:8.0f} chars/s  (nlp.pipe over turns)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (median reported)")
    parser.add_argument("--ner", nargs="+", default=["selective"], choices=["selective", "all", "off"],
                        help="NER modes of the redactor to measure")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain GiNZA pipeline")
    args = parser.parse_args()
    calls = {size: build_call(size) for size in (1000, 5000)}
    for call in calls.values():
        print(f"call: {len(call)} turns, {sum(len(t['text']) for t in call)} chars")
    for mode in args.ner:
        bench_engine(mode, calls, args.runs)
    if not args.no_baseline:
        bench_plain_ginza(calls, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
