"""Fixtures of the transcription tests: the real model (loaded once) and speech to re-encode.

`sample_calls` comes from tests/conftest.py; tests/audio_files.py writes the audio files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "sample_audio"


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
