"""Synthetic test recordings, written and read with PyAV (or the standard library) directly, never
with the code under test. Shared by tests/transcribe and tests/audio_redaction."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np


def speech_like(channels: int, seconds: float, sample_rate: int, seed: int = 7) -> np.ndarray:
    """int16 (channels, n): a different voiced-sounding signal per channel, never silent."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    out = np.empty((channels, n), dtype=np.int16)
    for channel in range(channels):
        pitch = 110 + 60 * channel
        # harmonics of a wobbling pitch, syllable-rate amplitude modulation, a little noise
        phase = 2 * np.pi * np.cumsum(pitch * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t))) / sample_rate
        voice = sum(np.sin(k * phase) / k for k in range(1, 12))
        envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 3.3 * t + channel)
        signal = 0.25 * voice * envelope + 0.02 * rng.standard_normal(n)
        out[channel] = np.round(np.clip(signal, -1, 1) * 32767).astype(np.int16)
    return out


def pcm16(samples: np.ndarray, channels: int = 1) -> np.ndarray:
    """Float samples in [-1, 1] (1-D, or frames x channels) -> int16 (channels, n)."""
    return (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(-1, channels).T


def write_audio(
    path: Path, samples: np.ndarray, sample_rate: int, container: str, codec: str, fmt: str | None = None
) -> Path:
    """Encode int16 (channels, n) samples. `fmt` is the sample format handed to the encoder
    ("s16", "s16p", "s32": 16-bit values shifted into 32 bits); None lets the encoder pick its
    own and PyAV convert to it (e.g. AAC takes only float)."""
    layout = {1: "mono", 2: "stereo"}[samples.shape[0]]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=sample_rate, layout=layout)
        if fmt is not None:
            stream.codec_context.format = fmt
        fmt = fmt or "s16"
        data = samples.astype(np.int32) << 16 if fmt == "s32" else samples
        step = 960
        for i in range(0, data.shape[1], step):
            block = data[:, i : i + step]
            array = block if fmt.endswith("p") else np.ascontiguousarray(block.T).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(array), format=fmt, layout=layout)
            frame.sample_rate = sample_rate
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    """16-bit PCM WAV of float samples through the standard library (no encoder involved)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm16(samples, channels).T.astype("<i2").tobytes())
    return path


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """16 kHz float -> `rate` float through FFmpeg's resampler."""
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm16(samples)), format="s16", layout="mono")
    frame.sample_rate = 16000
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=rate)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32) / 32768.0


def read_pcm(path_or_file) -> tuple[np.ndarray, int, str, str]:
    """(samples (channels, n) as integers when the decoder gives integers, else float, rate, layout, codec)."""
    with av.open(path_or_file) as container:
        stream = container.streams.audio[0]
        blocks = []
        for frame in container.decode(stream):
            array = frame.to_ndarray()
            if not frame.format.is_planar:
                array = array.reshape(-1, len(frame.layout.channels)).T
            blocks.append(array)
        return (
            np.concatenate(blocks, axis=1),
            stream.codec_context.sample_rate,
            stream.codec_context.layout.name,
            stream.codec_context.name,
        )
