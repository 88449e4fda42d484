"""Fixtures of the transcription tests: the real model (loaded once) and audio files to feed it."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import av
import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "sample_audio"


@pytest.fixture(scope="session")
def sample_calls() -> list[dict]:
    """sample_audio/calls.json entries, each with `path` set (own copy: these tests define it)."""
    calls = json.loads((SAMPLE_DIR / "calls.json").read_text(encoding="utf-8"))["calls"]
    for call in calls:
        call["path"] = SAMPLE_DIR / call["file"]
    return calls


@pytest.fixture(scope="session")
def transcriber():
    """The default Transcriber (bundled base model, Settings defaults), seeded for repeatability."""
    import ctranslate2

    from redactor.config import Settings
    from redactor.transcribe import Transcriber
    from redactor.transcribe.model_store import MODELS_DIR, install_model

    install_model(models_dir=MODELS_DIR)  # idempotent: verifies when already assembled
    ctranslate2.set_random_seed(0)
    return Transcriber.from_settings(Settings())


@pytest.fixture(scope="session")
def call_samples() -> np.ndarray:
    """Mono 16 kHz float samples of sample call 3 (speech to re-encode in other formats)."""
    from redactor.transcribe import decode_audio

    return decode_audio(SAMPLE_DIR / "call03_mono.ogg", 16000)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    """16-bit PCM WAV through the standard library (no encoder involved)."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def encode(path: Path, samples: np.ndarray, rate: int, codec: str, container: str, channels: int = 1) -> Path:
    """Encode mono/stereo float samples (frames x channels, or 1-D) with PyAV."""
    layout = "stereo" if channels == 2 else "mono"
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(-1, channels)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        step = 4096
        for offset in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm[offset : offset + step]).reshape(1, -1), format="s16", layout=layout
            )
            frame.sample_rate = rate
            frame.pts = offset
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """16 kHz float -> `rate` float through FFmpeg's resampler."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = 16000
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=rate)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32) / 32768.0
