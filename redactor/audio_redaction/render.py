"""Render a redacted copy of a call, or scrub ranges out of the raw recording itself."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from .codec import BLOCK_SAMPLES, AudioRedactionError, OutputFormat, PcmReader, PcmWriter, StreamInfo
from .fill import Fill, FillOptions, apply_fill
from .ranges import TimeRange

logger = logging.getLogger(__name__)

AudioSource = str | os.PathLike[str] | IO[bytes] | np.ndarray


@dataclass(frozen=True)
class RenderedAudio:
    """The result of a rendering: the audio (bytes, or where it was written) and how it was made."""

    data: bytes | None
    path: Path | None
    media_type: str
    container: str
    codec: str
    sample_rate: int
    channels: int
    layout: str
    samples: int
    sha256: str
    size: int
    ranges: tuple[TimeRange, ...]
    options: FillOptions = field(default_factory=FillOptions)

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate


def render_redacted(
    source: AudioSource,
    ranges: Sequence[TimeRange],
    fill: Fill = "tone",
    *,
    output: str | os.PathLike[str] | None = None,
    sample_rate: int | None = None,
    layout: str | None = None,
    tone_hz: float = 1000.0,
    tone_dbfs: float = -20.0,
    fade_s: float = 0.005,
) -> RenderedAudio:
    """A FLAC copy of `source` with every range replaced, in every channel, by a tone or silence.

    `source` is a path or binary file object of any format FFmpeg reads, or an int16/float array
    shaped (channels, samples) (or (samples,) for mono) together with `sample_rate` (and `layout`
    if not mono/stereo). Channel layout, sample rate and sample count are those of the source.
    Without `output` the FLAC bytes are returned in `.data`; with it, the file is written
    atomically (temp file + fsync + rename) and `.data` is None.
    """
    options = FillOptions(fill=fill, tone_hz=tone_hz, tone_dbfs=tone_dbfs, fade_s=fade_s)
    return _rewrite(source, ranges, options, output, sample_rate, layout, keep_format=False)


def scrub_raw_audio(
    source: AudioSource,
    ranges: Sequence[TimeRange],
    *,
    output: str | os.PathLike[str] | None = None,
    fill: Fill = "silence",
    sample_rate: int | None = None,
    layout: str | None = None,
) -> RenderedAudio:
    """The raw recording with `ranges` silenced in every channel, in its own format if possible.

    For PCI DSS (v4.0 3.3.1: no card verification code after authorization, audio included;
    3.5.1: the card number unreadable wherever stored) the retained original must not hold
    card data: pass the ranges of the card entity types (`redaction_ranges(...,
    entity_types=settings.raw_audio_scrub_entities)`). Lossless WAV and FLAC sources keep their
    container and codec, so everything outside the ranges stays bit-identical; lossy sources
    (Opus, MP3, ...) become FLAC rather than lose quality to a second lossy encoding.
    """
    options = FillOptions(fill=fill)
    return _rewrite(source, ranges, options, output, sample_rate, layout, keep_format=True)


def _array_source(
    samples: np.ndarray, sample_rate: int | None, layout: str | None
) -> tuple[StreamInfo, Iterator[np.ndarray]]:
    if not sample_rate or sample_rate <= 0:
        raise ValueError("sample_rate is required (and > 0) when the audio is given as samples")
    array = samples[np.newaxis, :] if samples.ndim == 1 else samples
    if array.ndim != 2 or array.shape[0] > 8 or array.shape[0] < 1:
        raise ValueError(f"samples must be shaped (channels, n) with 1-8 channels, got shape {samples.shape}")
    if np.issubdtype(array.dtype, np.floating):
        array = np.round(np.clip(array, -1.0, 1.0) * 32767).astype(np.int16)
    elif array.dtype != np.int16:
        raise ValueError(f"integer samples must be int16, got {array.dtype}")
    channels = array.shape[0]
    info = StreamInfo(
        sample_rate=int(sample_rate),
        layout=layout or {1: "mono", 2: "stereo"}.get(channels, f"{channels} channels"),
        channels=channels,
        sample_format="s16",
        container="array",
        codec="pcm",
    )
    blocks = (array[:, i : i + BLOCK_SAMPLES] for i in range(0, array.shape[1], BLOCK_SAMPLES))
    return info, blocks


@dataclass(frozen=True)
class _Output:
    """One rewritten copy produced by a decoding pass."""

    ranges: tuple[TimeRange, ...]
    options: FillOptions
    path: Path | None
    keep_format: bool


def _rewrite(
    source: AudioSource,
    ranges: Sequence[TimeRange],
    options: FillOptions,
    output: str | os.PathLike[str] | None,
    sample_rate: int | None,
    layout: str | None,
    *,
    keep_format: bool,
) -> RenderedAudio:
    [result] = _rewrite_many(source, [_output(ranges, options, output, keep_format)], sample_rate, layout)
    return result


def _output(ranges: Sequence[TimeRange], options: FillOptions, output: Any, keep_format: bool) -> _Output:
    ordered = tuple(sorted(ranges, key=lambda r: (r.start, r.end)))
    return _Output(ordered, options, Path(output) if output is not None else None, keep_format)


def _rewrite_many(
    source: AudioSource, outputs: Sequence[_Output], sample_rate: int | None = None, layout: str | None = None
) -> list[RenderedAudio]:
    if isinstance(source, np.ndarray):
        info, blocks = _array_source(source, sample_rate, layout)
        return _encode(info, blocks, outputs)
    with PcmReader(source) as reader:
        return _encode(reader.info, reader.blocks(), outputs)


def render_and_scrub(
    source: str | os.PathLike[str] | IO[bytes],
    ranges: Sequence[TimeRange],
    scrub_ranges: Sequence[TimeRange],
    *,
    output: str | os.PathLike[str],
    scrub_output: str | os.PathLike[str],
    fill: Fill = "tone",
) -> tuple[RenderedAudio, RenderedAudio | None]:
    """`render_redacted` and `scrub_raw_audio` in one decoding pass (the pipeline's case).

    The scrubbed copy is only written when `scrub_ranges` is not empty (else None).
    """
    outputs = [_output(ranges, FillOptions(fill=fill), output, False)]
    if scrub_ranges:
        outputs.append(_output(scrub_ranges, FillOptions(fill="silence"), scrub_output, True))
    results = _rewrite_many(source, outputs)
    return results[0], (results[1] if scrub_ranges else None)


def _encode(info: StreamInfo, blocks: Iterable[np.ndarray], outputs: Sequence[_Output]) -> list[RenderedAudio]:
    formats = [info.same_format_output() if o.keep_format else info.flac_output() for o in outputs]
    writers: list[PcmWriter] = []
    written = 0
    try:
        for output, output_format in zip(outputs, formats):
            writers.append(PcmWriter(info, output_format, output.path))
        for block in blocks:
            for output, writer in zip(outputs, writers):
                copy = np.array(block, copy=True)  # never write into the decoder's buffers
                apply_fill(copy, written, info.sample_rate, output.ranges, output.options)
                writer.write(copy)
            written += block.shape[1]
        if written == 0:
            raise AudioRedactionError("audio_empty", "the audio holds no samples; upload a non-empty recording")
        datas = [writer.close() for writer in writers]
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    return [
        _result(info, output, output_format, data, written)
        for output, output_format, data in zip(outputs, formats, datas)
    ]


def _result(info: StreamInfo, output: _Output, output_format: OutputFormat, data: bytes | None,
            written: int) -> RenderedAudio:
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
        size = len(data)
    else:
        assert output.path is not None
        with open(output.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        size = output.path.stat().st_size
    logger.debug(
        "rendered %d ranges (%s) into %s/%s, %d channels, %.1f s",
        len(output.ranges), output.options.fill, output_format.container, output_format.codec,
        info.channels, written / info.sample_rate,
    )
    return RenderedAudio(
        data=data,
        path=output.path,
        media_type=output_format.media_type,
        container=output_format.container,
        codec=output_format.codec,
        sample_rate=info.sample_rate,
        channels=info.channels,
        layout=info.layout,
        samples=written,
        sha256=digest.hexdigest(),
        size=size,
        ranges=output.ranges,
        options=output.options,
    )


def decode_pcm(source: str | os.PathLike[str] | IO[bytes]) -> tuple[StreamInfo, np.ndarray]:
    """All samples of `source` as integer PCM (channels, n) with the stream's description.

    The same decoding the renderer uses; handy for checks and tests (holds the whole call).
    """
    with PcmReader(source) as reader:
        blocks: list[Any] = list(reader.blocks())
        info = reader.info
    if not blocks:
        dtype = np.int32 if info.sample_format == "s32" else np.int16
        return info, np.zeros((info.channels, 0), dtype=dtype)
    return info, np.concatenate(blocks, axis=1)
