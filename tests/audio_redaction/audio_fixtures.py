"""Synthetic test recordings written and read with PyAV directly (not with the code under test)."""

from __future__ import annotations

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


# name -> (container, codec, sample format given to the encoder, sample rate, channels)
FORMATS = {
    "wav_s16_stereo_8k": ("wav", "pcm_s16le", "s16", 8000, 2),
    "wav_mulaw_mono_8k": ("wav", "pcm_mulaw", "s16", 8000, 1),
    "wav_s24_mono_16k": ("wav", "pcm_s24le", "s32", 16000, 1),
    "flac_stereo_16k": ("flac", "flac", "s16", 16000, 2),
    "ogg_opus_mono_16k": ("ogg", "libopus", "s16", 16000, 1),
    "mp3_stereo_16k": ("mp3", "libmp3lame", "s16p", 16000, 2),
}
SUFFIX = {"wav": ".wav", "flac": ".flac", "ogg": ".ogg", "mp3": ".mp3"}


def write_audio(path: Path, samples: np.ndarray, sample_rate: int, container: str, codec: str, fmt: str) -> Path:
    layout = {1: "mono", 2: "stereo"}[samples.shape[0]]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=sample_rate, layout=layout)
        stream.codec_context.format = fmt
        if fmt == "s32":
            data = samples.astype(np.int32) << 16
        else:
            data = samples
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
