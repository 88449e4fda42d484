"""Audio in: probe and decode what telephony systems send, through PyAV (FFmpeg, no binary).

WAV (PCM, mu-law, A-law), FLAC, MP3, Ogg/Opus, M4A/AAC, mono or stereo. Every failure of the
container or codec becomes a typed AudioError with a stable code, never a decoder exception
deep in the transcription.
"""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from redactor.transcribe.errors import (
    AudioTooLongError,
    ChannelLayoutError,
    EmptyAudioError,
    TruncatedAudioError,
    UnreadableAudioError,
)

logger = logging.getLogger(__name__)

# Packets to decode when probing: enough to prove the codec works, cheap on hour-long calls.
_PROBE_DECODE_PACKETS = 16
# A container that declares this much more audio than its packets hold was cut short.
_TRUNCATION_TOLERANCE_S = 0.5
_TRUNCATION_TOLERANCE_RATIO = 0.02
_OGG_TAIL_BYTES = 70_000  # an Ogg page is at most 65,307 bytes
_DECODE_ERRORS = (av.error.FFmpegError, ValueError, IndexError, EOFError, MemoryError)
# Decoded samples are kept in one float32 array grown in steps of this many seconds (plus the
# declared length up front), so memory follows what was decoded, never what a header claims.
_GROWTH_SECONDS = 600


@dataclass(frozen=True)
class AudioInfo:
    """What probe_audio found: duration in seconds, channel count, native rate and codec name."""

    duration: float
    channels: int
    sample_rate: int
    codec: str
    container: str


def _describe(path: str | os.PathLike) -> str:
    # Paths are ours (upload spool, CLI argument), never personal data.
    return str(path)


def _open(path: str | os.PathLike | BinaryIO):
    try:
        return av.open(path if not isinstance(path, Path) else str(path), mode="r", metadata_errors="ignore")
    except FileNotFoundError:
        raise
    except _DECODE_ERRORS as exc:
        raise UnreadableAudioError(
            f"{_describe(path)} is not a readable audio file ({type(exc).__name__}); send WAV, FLAC, "
            "MP3, Ogg/Opus or M4A"
        ) from exc


def _first_audio_stream(container, path) -> "av.audio.stream.AudioStream":
    if not container.streams.audio:
        raise UnreadableAudioError(
            f"{_describe(path)} has no audio stream (container {container.format.name}); send a recording"
        )
    return container.streams.audio[0]


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _ogg_is_complete(path: str | os.PathLike) -> bool:
    """True when the last Ogg page is whole and flagged end-of-stream.

    Ogg has no total length in a header (FFmpeg reads the duration off the last page), so an
    upload cut short looks like a shorter, valid file; a finished Ogg stream always ends with a
    page whose header type has the EOS bit (RFC 3533, section 6).
    """
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - _OGG_TAIL_BYTES))
        tail = fh.read()
    position = tail.rfind(b"OggS")
    if position < 0 or len(tail) - position < 27:
        return False
    header_type = tail[position + 5]
    segments = tail[position + 26]
    table = tail[position + 27 : position + 27 + segments]
    page_end = position + 27 + segments + sum(table)
    return len(table) == segments and page_end == len(tail) and bool(header_type & 0x04)


def _too_long(path, seconds: float, max_seconds: float) -> AudioTooLongError:
    return AudioTooLongError(f"{_describe(path)} holds more than {seconds:.0f} s of audio; the limit is "
                             f"{max_seconds:.0f} s (REDACTOR_MAX_AUDIO_SECONDS): split the recording or raise it")


def probe_audio(path: str | os.PathLike, max_seconds: float | None = None) -> AudioInfo:
    """Check that `path` is decodable audio and describe it, quickly (demux, decode a few packets).

    Raises EmptyAudioError (code "audio_empty") for a zero-length file or one without samples,
    TruncatedAudioError ("audio_truncated") when the file holds less than its header declares,
    AudioTooLongError ("audio_too_long") when its header or its packets add up to more than
    `max_seconds`, UnreadableAudioError ("audio_unreadable") for anything that is not decodable
    audio, and FileNotFoundError when `path` does not exist.
    """
    if os.path.getsize(path) == 0:
        raise EmptyAudioError(f"{_describe(path)} is a zero-length file; the upload holds no audio")
    with _open(path) as container:
        stream = _first_audio_stream(container, path)
        codec = stream.codec_context.name
        sample_rate = stream.codec_context.sample_rate or stream.rate or 0
        channels = stream.codec_context.channels
        declared = _declared_duration(container, stream)
        if max_seconds is not None and declared is not None and declared > max_seconds:
            raise _too_long(path, declared, max_seconds)
        samples = 0
        packet_seconds = 0.0
        decoded_packets = 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                timed = packet.duration is not None and packet.time_base is not None
                if timed:
                    packet_seconds += float(packet.duration * packet.time_base)
                if decoded_packets < _PROBE_DECODE_PACKETS or not timed:
                    for frame in packet.decode():
                        samples += frame.samples
                        sample_rate = frame.sample_rate or sample_rate
                        if not timed:  # no packet durations in this container: count samples
                            packet_seconds += frame.samples / frame.sample_rate
                    decoded_packets += 1
                if max_seconds is not None and packet_seconds > max_seconds:
                    raise _too_long(path, packet_seconds, max_seconds)
        except _DECODE_ERRORS as exc:
            raise UnreadableAudioError(
                f"{_describe(path)} is corrupt: {codec} data fails to decode ({type(exc).__name__}); "
                "re-export the recording"
            ) from exc
    if decoded_packets == 0 or (samples == 0 and packet_seconds == 0):
        raise EmptyAudioError(f"{_describe(path)} ({container.format.name}/{codec}) holds no audio samples")
    if samples == 0:
        raise UnreadableAudioError(f"{_describe(path)}: no {codec} packet decodes to audio; re-export the recording")
    if not sample_rate or not channels:
        raise UnreadableAudioError(f"{_describe(path)}: {codec} stream has no sample rate or channel count")
    duration = packet_seconds if packet_seconds > 0 else (declared or 0.0)
    if declared and duration < declared - max(_TRUNCATION_TOLERANCE_S, declared * _TRUNCATION_TOLERANCE_RATIO):
        raise TruncatedAudioError(
            f"{_describe(path)} declares {declared:.1f} s of audio but only {duration:.1f} s can be read: "
            "the file was cut short or damaged; upload it again"
        )
    if container.format.name == "ogg" and not _ogg_is_complete(path):
        raise TruncatedAudioError(
            f"{_describe(path)} is an Ogg stream without its final (end-of-stream) page: the file "
            "was cut short; upload it again"
        )
    return AudioInfo(
        duration=round(duration, 3), channels=channels, sample_rate=int(sample_rate), codec=codec,
        container=container.format.name,
    )


def decode_audio(
    path: str | os.PathLike | BinaryIO, sampling_rate: int = 16000, split_stereo: bool = False,
    max_seconds: float | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Decode to float32 samples in [-1, 1] at `sampling_rate` (faster-whisper's PyAV approach).

    Mono output downmixes every channel. Damaged packets inside a file are skipped (a line
    glitch should not lose the call) and logged by count. With `split_stereo=True` the file must have exactly two
    channels and a (left, right) pair is returned; otherwise ChannelLayoutError. Raises the same
    typed errors as probe_audio for unreadable or empty input, and AudioTooLongError as soon as
    more than `max_seconds` are decoded: the samples go straight into one float32 array (4 bytes
    a sample, nothing else kept whole), so memory stays within the limit whatever the file claims.
    """
    if isinstance(path, (str, os.PathLike)) and os.path.getsize(path) == 0:
        raise EmptyAudioError(f"{_describe(path)} is a zero-length file; the upload holds no audio")
    with _open(path) as container:
        stream = _first_audio_stream(container, path)
        channels = stream.codec_context.channels
        if split_stereo and channels != 2:
            raise ChannelLayoutError(
                f"{_describe(path)} has {channels} channel(s); a stereo operator/caller layout needs "
                "exactly 2: use channels='mono' for this file"
            )
        resampler = av.audio.resampler.AudioResampler(
            format="s16", layout="stereo" if split_stereo else "mono", rate=sampling_rate
        )
        width = 2 if split_stereo else 1
        limit = None if max_seconds is None else int(max_seconds * sampling_rate) * width
        buffer = _SampleBuffer(_initial_samples(container, stream, sampling_rate, max_seconds) * width,
                               step=_GROWTH_SECONDS * sampling_rate * width, limit=limit,
                               on_limit=lambda: _too_long(path, max_seconds, max_seconds))
        invalid = 0
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    # One damaged packet (a telephony glitch) should not lose the whole call.
                    invalid += 1
                    continue
                for frame in frames:
                    frame.pts = None
                    for out in resampler.resample(frame):
                        buffer.append(out.to_ndarray())
            for out in resampler.resample(None):
                buffer.append(out.to_ndarray())
        except _DECODE_ERRORS as exc:
            raise UnreadableAudioError(
                f"{_describe(path)} is corrupt: decoding failed ({type(exc).__name__}); re-export the recording"
            ) from exc
        finally:
            # PyAV's resampler keeps buffers alive until collected (faster-whisper issue 390).
            del resampler
            gc.collect()
    audio = buffer.samples()
    if audio.size == 0:
        if invalid:
            raise UnreadableAudioError(f"{_describe(path)}: all {invalid} packets are damaged; re-export it")
        raise EmptyAudioError(f"{_describe(path)} holds no audio samples")
    if invalid:
        logger.warning("skipped %d damaged audio packets in %s", invalid, _describe(path))
    if split_stereo:
        return audio[0::2].copy(), audio[1::2].copy()
    return audio


def _initial_samples(container, stream, sampling_rate: int, max_seconds: float | None) -> int:
    """Room for the declared length (capped by the limit), or one growth step if none is declared."""
    declared = _declared_duration(container, stream)
    seconds = declared + 1 if declared else _GROWTH_SECONDS
    if max_seconds is not None:
        seconds = min(seconds, max_seconds)
    return max(1, int(seconds * sampling_rate))


class _SampleBuffer:
    """int16 frames appended into one growing float32 array scaled to [-1, 1], at most `limit` samples.

    Unused capacity costs address space only (the kernel maps pages when they are first written).
    """

    def __init__(self, capacity: int, *, step: int, limit: int | None, on_limit) -> None:
        self._data = np.empty(capacity, dtype=np.float32)
        self._size = 0
        self._step = step
        self._limit = limit
        self._on_limit = on_limit

    def append(self, frame: np.ndarray) -> None:
        values = frame.reshape(-1)
        end = self._size + values.size
        if self._limit is not None and end > self._limit:
            raise self._on_limit()
        if end > self._data.size:
            grown = max(end, self._data.size + self._step)
            if self._limit is not None:
                grown = min(grown, self._limit)
            self._data = np.resize(self._data, grown)
        np.multiply(values, 1 / 32768.0, out=self._data[self._size:end], casting="unsafe")
        self._size = end

    def samples(self) -> np.ndarray:
        return self._data[: self._size]
