"""PCM in, PCM out: every channel, at the source's sample rate, one block at a time (PyAV).

Decoding yields integer PCM blocks shaped (channels, samples), planar, so that what is not redacted is
written back bit for bit: 16-bit for 16-bit and 8-bit sources and for lossy codecs (Opus, MP3,
AAC, Vorbis decode to float; 16 bits is far beyond telephone quality), 32-bit containers for
24/32-bit sources. Blocks stream through, so a long call never sits whole in memory.

Output formats: FLAC for the redacted copy (lossless, so "the rest is unchanged sample for
sample" holds exactly; browsers play it and seek in it; about half the size of WAV). For the
raw-audio scrub, lossless sources keep their own container and codec (WAV PCM / mu-law / A-law,
FLAC); lossy sources are written as FLAC, because re-encoding a lossy stream would degrade the
whole recording, not only the scrubbed ranges.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import av
import numpy as np

BLOCK_SAMPLES = 65536
# What FFmpeg (through PyAV) raises for broken input: bad containers, codecs, truncated data.
_DECODE_ERRORS = (av.FFmpegError, ValueError, IndexError, EOFError)


class AudioRedactionError(Exception):
    """Audio that cannot be decoded or written. `code` is stable; messages carry no audio data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class OutputFormat:
    """A container + codec + sample format PyAV can write, and the media type it is served as."""

    container: str
    codec: str
    sample_format: str  # packed integer format the encoder takes: "s16" or "s32"
    media_type: str
    suffix: str


FLAC_S16 = OutputFormat("flac", "flac", "s16", "audio/flac", ".flac")
FLAC_S32 = OutputFormat("flac", "flac", "s32", "audio/flac", ".flac")
# (input container, input codec) -> the same format written back, for lossless sources only.
_LOSSLESS_KEEP = {
    ("wav", "pcm_s16le"): OutputFormat("wav", "pcm_s16le", "s16", "audio/wav", ".wav"),
    ("wav", "pcm_mulaw"): OutputFormat("wav", "pcm_mulaw", "s16", "audio/wav", ".wav"),
    ("wav", "pcm_alaw"): OutputFormat("wav", "pcm_alaw", "s16", "audio/wav", ".wav"),
    ("wav", "pcm_s24le"): OutputFormat("wav", "pcm_s24le", "s32", "audio/wav", ".wav"),
    ("flac", "flac"): FLAC_S16,
}


@dataclass(frozen=True)
class StreamInfo:
    """What the decoder found: kept so the output has the same rate, layout and length."""

    sample_rate: int
    layout: str
    channels: int
    sample_format: str  # "s16" or "s32": the integer PCM the blocks come in
    container: str
    codec: str

    def same_format_output(self) -> OutputFormat:
        """The source's own format when it is lossless and writable, else FLAC."""
        keep = _LOSSLESS_KEEP.get((self.container, self.codec))
        if keep is not None and keep.codec == "flac":
            return FLAC_S32 if self.sample_format == "s32" else FLAC_S16
        if keep is not None and keep.sample_format == self.sample_format:
            return keep
        return self.flac_output()

    def flac_output(self) -> OutputFormat:
        return FLAC_S32 if self.sample_format == "s32" else FLAC_S16


def _layout_name(layout: Any, channels: int) -> str:
    name = getattr(layout, "name", "") or ""
    if name and "channels" not in name:  # "mono", "stereo", "5.1"... not the generic "3 channels"
        return name
    return {1: "mono", 2: "stereo"}.get(channels, name or f"{channels} channels")


def _source_rate(ctx: Any) -> int:
    """The rate the recording was made at.

    Opus always decodes at 48 kHz; its header (RFC 7845, OpusHead bytes 12-15) keeps the input
    rate, e.g. 8 or 16 kHz telephony, and we go back to that rather than triple the size.
    """
    rate = int(ctx.sample_rate)
    extradata = bytes(ctx.extradata or b"")
    if ctx.name in ("opus", "libopus") and extradata[:8] == b"OpusHead" and len(extradata) >= 16:
        input_rate = int.from_bytes(extradata[12:16], "little")
        if 8000 <= input_rate < rate:
            return input_rate
    return rate


def _pcm_format_for(decoder_format: str) -> str:
    return "s32" if decoder_format in ("s32", "s32p") else "s16"


class PcmReader:
    """Decodes the first audio stream of a file, path or file-like object into PCM blocks.

    Use as a context manager; `info` is known after opening, `blocks()` yields int arrays
    shaped (channels, n) in order, covering every decoded sample exactly once.
    """

    def __init__(self, source: str | os.PathLike[str] | IO[bytes]) -> None:
        try:
            self._container = av.open(os.fspath(source) if isinstance(source, (str, os.PathLike)) else source)
        except (*_DECODE_ERRORS, OSError) as exc:
            raise AudioRedactionError(
                "audio_unreadable",
                f"cannot open the audio ({type(exc).__name__}); upload a WAV, FLAC, Ogg/Opus or MP3 file",
            ) from None
        if not self._container.streams.audio:
            self._container.close()
            raise AudioRedactionError("audio_unreadable", "the file has no audio stream; upload an audio recording")
        self._stream = self._container.streams.audio[0]
        ctx = self._stream.codec_context
        channels = ctx.channels or len(getattr(ctx.layout, "channels", ())) or 1
        self.info = StreamInfo(
            sample_rate=_source_rate(ctx),
            layout=_layout_name(ctx.layout, channels),
            channels=channels,
            sample_format=_pcm_format_for(ctx.format.name if ctx.format else ""),
            container=self._container.format.name.split(",")[0],
            codec=ctx.name,
        )

    def __enter__(self) -> "PcmReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self._container.close()

    def blocks(self) -> Iterator[np.ndarray]:
        """Integer PCM blocks (channels, n) of BLOCK_SAMPLES or more, in order, then the rest.

        Codecs hand out frames of a few hundred samples; converting each one alone costs more
        than the conversion itself, so decoded frames are gathered (as decoded) into blocks and
        each block is converted at once. The result is the same sample for sample.
        """
        info = self.info
        # Converts the sample format (float -> int) and nothing else: same layout, and the same
        # rate except for Opus (see _source_rate).
        resampler = av.AudioResampler(format=info.sample_format + "p", layout=info.layout, rate=info.sample_rate)
        pending: list[np.ndarray] = []
        pending_samples = 0
        shape: tuple[str, str, int] | None = None  # (format, layout, rate) of the pending frames

        def convert() -> Iterator[np.ndarray]:
            assert shape is not None
            frame = av.AudioFrame.from_ndarray(np.concatenate(pending, axis=1), format=shape[0], layout=shape[1])
            frame.sample_rate = shape[2]
            for converted in resampler.resample(frame):
                yield converted.to_ndarray()

        try:
            for frame in self._container.decode(self._stream):
                # a layout FFmpeg leaves unnamed ("2 channels") is read as ours (same count: no remix)
                layout = info.layout if len(frame.layout.channels) == info.channels else frame.layout.name
                frame_shape = (frame.format.name, layout, frame.sample_rate)
                if pending and frame_shape != shape:
                    yield from convert()
                    pending, pending_samples = [], 0
                shape = frame_shape
                pending.append(frame.to_ndarray())
                pending_samples += frame.samples
                if pending_samples >= BLOCK_SAMPLES:
                    yield from convert()
                    pending, pending_samples = [], 0
            if pending:
                yield from convert()
            for converted in resampler.resample(None):
                yield converted.to_ndarray()
        except _DECODE_ERRORS as exc:
            raise AudioRedactionError(
                "audio_unreadable",
                f"the audio is corrupt or truncated ({type(exc).__name__}); upload the complete recording",
            ) from None


class PcmWriter:
    """Encodes PCM blocks (channels, n) to `output_format`, into bytes or atomically into a path."""

    def __init__(self, info: StreamInfo, output_format: OutputFormat, path: Path | None = None) -> None:
        self._info = info
        self._format = output_format
        self._path = path
        self._tmp_path: Path | None = None
        if path is None:
            self._buffer: IO[bytes] = io.BytesIO()
            target: Any = self._buffer
        else:
            fd, tmp = tempfile.mkstemp(prefix=".audio-", suffix=output_format.suffix, dir=path.parent)
            os.close(fd)
            self._tmp_path = Path(tmp)
            target = tmp
        self._container = av.open(target, "w", format=output_format.container)
        self._stream = self._container.add_stream(output_format.codec, rate=info.sample_rate, layout=info.layout)
        # s32 blocks are written as 24-bit by both FLAC and pcm_s24le (the low byte is unused).
        self._stream.codec_context.format = output_format.sample_format
        self._written = 0

    def write(self, block: np.ndarray) -> None:
        dtype = np.int32 if self._format.sample_format == "s32" else np.int16
        packed = np.ascontiguousarray(block.astype(dtype, copy=False).T).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(packed, format=self._format.sample_format, layout=self._info.layout)
        frame.sample_rate = self._info.sample_rate
        frame.pts = self._written
        self._written += block.shape[1]
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> bytes | None:
        """Flush; return the bytes (in-memory output) or move the file into place (path output)."""
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        if self._path is None:
            return self._buffer.getvalue()  # type: ignore[attr-defined]
        assert self._tmp_path is not None
        with open(self._tmp_path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self._tmp_path, self._path)
        return None

    def abort(self) -> None:
        try:
            self._container.close()
        except Exception:  # noqa: BLE001 - already failing; the original error is what matters
            pass
        if self._tmp_path is not None:
            self._tmp_path.unlink(missing_ok=True)
