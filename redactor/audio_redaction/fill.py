"""What replaces a redacted range: a 1 kHz tone at a modest level, or digital silence.

The replacement is written into every channel (a caller's number is also audible, fainter, on
the operator's channel: crosstalk), and nothing of the original is kept inside a range. The tone
fades in and out over a few milliseconds so it does not click; the fades sit INSIDE the range,
the samples outside it are never touched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .ranges import TimeRange

Fill = Literal["tone", "silence"]
FILLS: tuple[str, ...] = ("tone", "silence")


@dataclass(frozen=True)
class FillOptions:
    """The replacement signal; recorded with each rendering so it can be reproduced."""

    fill: Fill = "tone"
    tone_hz: float = 1000.0
    tone_dbfs: float = -20.0  # about a tenth of full scale: clearly audible, not startling
    fade_s: float = 0.005

    def __post_init__(self) -> None:
        if self.fill not in FILLS:
            raise ValueError(f"fill must be one of {', '.join(FILLS)}, got {self.fill!r}")
        if not (self.tone_dbfs <= 0 and self.fade_s >= 0 and self.tone_hz > 0):
            raise ValueError("tone_dbfs must be <= 0, fade_s >= 0 and tone_hz > 0")


# An end "to the end of the audio" (infinite) becomes a sample index no recording reaches.
_NO_END = 1 << 62


def sample_bounds(time_range: TimeRange, sample_rate: int) -> tuple[int, int]:
    """[first, last) sample indices of a range, rounded outwards (fail closed)."""
    end = math.ceil(time_range.end * sample_rate) if math.isfinite(time_range.end) else _NO_END
    return max(0, math.floor(time_range.start * sample_rate)), min(end, _NO_END)


def _full_scale(dtype: np.dtype) -> int:
    # 24-bit audio travels in 32-bit containers with the low 8 bits unused; writing into those
    # bits would be lost on encoding, so the tone is built on the 24-bit grid.
    return (1 << 23) - 1 if dtype == np.int32 else (1 << 15) - 1


def apply_fill(
    block: np.ndarray, first_sample: int, sample_rate: int, ranges: Sequence[TimeRange], options: FillOptions
) -> None:
    """Overwrite, in place, the parts of `block` (channels, n) that fall inside any range.

    `first_sample` is the index of the block's first sample in the whole recording, so tone
    phase and fades are continuous across blocks.
    """
    block_end = first_sample + block.shape[1]
    for time_range in ranges:
        start, end = sample_bounds(time_range, sample_rate)
        lo, hi = max(start, first_sample), min(end, block_end)
        if hi <= lo:
            continue
        if options.fill == "silence":
            block[:, lo - first_sample : hi - first_sample] = 0
            continue
        block[:, lo - first_sample : hi - first_sample] = tone_samples(
            lo - start, hi - start, end - start, sample_rate, options, block.dtype
        )


def tone_samples(
    lo: int, hi: int, length: int, sample_rate: int, options: FillOptions, dtype: np.dtype
) -> np.ndarray:
    """Samples [lo, hi) of the faded tone that fills a range `length` samples long."""
    index = np.arange(lo, hi, dtype=np.float64)
    # Keep the tone under a quarter of the sample rate so it is never aliased on narrowband audio.
    frequency = min(options.tone_hz, sample_rate / 4)
    amplitude = 10 ** (options.tone_dbfs / 20)
    signal = amplitude * np.sin(2 * np.pi * frequency * index / sample_rate)
    fade = min(int(options.fade_s * sample_rate), length // 2)
    if fade > 0:  # raised-cosine ramps over the first and last `fade` samples of the range
        head = index < fade
        signal[head] *= 0.5 - 0.5 * np.cos(np.pi * index[head] / fade)
        tail = (length - 1 - index) < fade
        signal[tail] *= 0.5 - 0.5 * np.cos(np.pi * (length - 1 - index[tail]) / fade)
    scale = _full_scale(np.dtype(dtype))
    values = np.round(signal * scale).astype(np.int64)
    if np.dtype(dtype) == np.int32:
        values <<= 8
    return values.astype(dtype)
