"""The committed sample calls (sample_audio/calls.json): every format telephony sends us here.

Ranges come from the script's turn times of the turns that hold PII (no model needed); the
slow end-to-end test in test_end_to_end.py derives them from the real transcription instead.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from redactor.audio_redaction import TimeRange, decode_pcm, render_redacted, scrub_raw_audio

from audio_files import read_pcm

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"
CALLS = json.loads((SAMPLES / "calls.json").read_text(encoding="utf-8"))["calls"]
CARD_TYPES = {"CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY"}


def pii_ranges(call: dict, types: set[str] | None = None) -> list[TimeRange]:
    ranges = []
    for turn_index in sorted({p["turn"] for p in call["pii"] if types is None or p["type"] in types}):
        turn = call["turns"][turn_index]
        kinds = tuple(sorted({p["type"] for p in call["pii"] if p["turn"] == turn_index}))
        ranges.append(TimeRange(turn["start"], turn["end"], kinds))
    return ranges


def bounds(ranges: list[TimeRange], rate: int, n: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    spans = [(math.floor(r.start * rate), min(n, math.ceil(r.end * rate))) for r in ranges]
    keep = np.ones(n, dtype=bool)
    for lo, hi in spans:
        keep[lo:hi] = False
    return spans, keep


@pytest.mark.parametrize("call", CALLS, ids=[c["id"] for c in CALLS])
@pytest.mark.parametrize("fill", ["tone", "silence"])
def test_sample_call_redacted_copy(call, fill):
    path = SAMPLES / call["file"]
    info, original = decode_pcm(path)
    assert info.sample_rate == call["sample_rate"]  # Opus comes back at the recording's rate
    ranges = pii_ranges(call)
    rendered = render_redacted(path, ranges, fill=fill)

    decoded, rate, layout, codec = read_pcm(io.BytesIO(rendered.data))
    assert (rate, codec) == (call["sample_rate"], "flac")
    assert layout == ("mono" if call["channels"] == "mono" else "stereo")
    assert decoded.shape == original.shape
    assert abs(decoded.shape[1] / rate - call["duration"]) < 0.1
    spans, keep = bounds(ranges, rate, decoded.shape[1])
    np.testing.assert_array_equal(decoded[:, keep], original[:, keep])
    for lo, hi in spans:
        segment = decoded[:, lo:hi].astype(np.float64)
        if fill == "silence":
            assert not segment.any()
            continue
        assert np.array_equal(segment[0], segment[-1]), "both channels carry the tone (crosstalk)"
        spectrum = np.abs(np.fft.rfft(segment[0] * np.hanning(segment.shape[1]))) ** 2
        freqs = np.fft.rfftfreq(segment.shape[1], 1 / rate)
        assert spectrum[np.abs(freqs - 1000) <= 30].sum() / spectrum.sum() > 0.999
    # the redacted copy is a listenable size: FLAC at the call's own rate
    assert rendered.size < 1.1 * rate * 2 * len(original) * call["duration"]


@pytest.mark.parametrize("call", CALLS, ids=[c["id"] for c in CALLS])
def test_sample_call_raw_scrub_of_card_data(call, tmp_path):
    path = SAMPLES / call["file"]
    card = pii_ranges(call, CARD_TYPES)
    target = tmp_path / "scrubbed"
    scrubbed = scrub_raw_audio(path, card, output=target)
    # mu-law WAV stays mu-law WAV; Opus becomes FLAC rather than lose quality twice
    expected = ("wav", "pcm_mulaw") if call["codec"] == "pcm_mulaw" else ("flac", "flac")
    assert (scrubbed.container, scrubbed.codec) == expected
    _, original = decode_pcm(path)
    _, after = decode_pcm(target)
    spans, keep = bounds(card, scrubbed.sample_rate, original.shape[1])
    assert after.shape == original.shape
    np.testing.assert_array_equal(after[:, keep], original[:, keep])
    for lo, hi in spans:
        assert not after[:, lo:hi].any()
    if call["id"] == "call02":
        assert len(card) == 3, "card number, expiry and security code turns are all scrubbed"
