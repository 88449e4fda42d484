"""Every scripted PII item of every sample, checked by time through the real service.

The samples run through the service's intake, worker and `CallPipeline.process` with the
real models (tests/real_calls.py). For each PII item `sample_audio/calls.json` says when it is
spoken; the item is leaked when a word heard over that time survives in the stored text (no
stored finding covers it), when the redacted copy is not silent or toned over it, or, for card
data, when the retained raw audio is not silent over it (tests/leaks.py).

The engine leaks some items today (issue 11); exactly those cases (tests/known_leaks.py) are
marked `xfail(strict=True)`, so they turn into failures, and their entries must go, once it stops.
"""

from __future__ import annotations

import pytest

from known_leaks import leak_marks
from leaks import audible_spans, committed_samples, decode, scripted_spans, surviving_words
from real_calls import process_call, serve

pytestmark = pytest.mark.slow  # five calls (4.6 min of audio) through Whisper and the PII engine

CARD_TYPES = ("CREDIT_CARD", "CARD_EXPIRY", "CARD_CVV")


def cases(sample_calls_json: list[dict]) -> list:
    params = []
    for sample in sample_calls_json:
        for index, item in enumerate(sample["pii"]):
            checks = ["text", "redacted_audio"] + (["raw_audio"] if item["type"] in CARD_TYPES else [])
            for check in checks:
                params.append(pytest.param(sample["id"], index, check, id=f"{sample['id']}-{index}-{item['type']}-{check}",
                                           marks=leak_marks(sample["id"], index, check)))
    return params


@pytest.fixture(scope="module")
def processed(sample_calls, real_engines, tmp_path_factory) -> dict:
    """sample id -> ProcessedCall, every sample through a fresh service with the real models."""
    from redactor.config import Settings
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(Settings(data_dir=tmp_path_factory.mktemp("leaks") / "data",
                                           redaction_fill="tone"))
    heard = serve(runtime, real_engines)
    try:
        calls = {}
        for sample in sample_calls:
            calls[sample["id"]] = process_call(runtime, heard, sample["path"], channels=sample["channels"],
                                               external_id=sample["id"])
            assert calls[sample["id"]].status == "done", calls[sample["id"]].status_reason
        yield calls
    finally:
        runtime.close()


@pytest.mark.parametrize("sample_id, index, check", cases(committed_samples()))
def test_scripted_pii_does_not_survive(processed, sample_calls, sample_id, index, check):
    sample = next(c for c in sample_calls if c["id"] == sample_id)
    span = scripted_spans(sample)[index]
    call = processed[sample_id]
    if check == "text":
        assert surviving_words(call.heard, call.findings, [span]) == []
    else:
        samples, rate = decode(call.redacted_audio if check == "redacted_audio" else call.raw_audio)
        assert audible_spans(samples, rate, [span]) == []
