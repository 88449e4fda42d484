"""Typed errors of redactor.transcribe.

Every error carries a stable `code` that the API maps to a 4xx/5xx response and the worker
records as a job's failure reason. Messages name the bad value and the fix; they never contain
what was said in a recording (the only values they name are paths, formats and settings).
"""

from __future__ import annotations


class TranscribeError(Exception):
    """Base class of every error raised by redactor.transcribe."""

    code = "transcribe_error"


class AudioError(TranscribeError):
    """The audio given cannot be transcribed; the caller sent something wrong (4xx)."""

    code = "audio_error"


class EmptyAudioError(AudioError):
    """A zero-length file, or a valid container that holds no audio samples."""

    code = "audio_empty"


class UnreadableAudioError(AudioError):
    """Not audio, a corrupt or truncated file, or a codec we cannot decode."""

    code = "audio_unreadable"


class TruncatedAudioError(UnreadableAudioError):
    """The container declares more audio than the file holds (an upload cut short)."""

    code = "audio_truncated"


class AudioTooLongError(AudioError):
    """The recording is longer than the configured limit (Settings.max_audio_seconds)."""

    code = "audio_too_long"


class ChannelLayoutError(AudioError, ValueError):
    """An unknown channel layout, or one that does not fit the file (stereo layout, mono file)."""

    code = "audio_channel_layout"


class ModelError(TranscribeError):
    """The speech model is missing or damaged: an operator must act (5xx, not the caller's fault)."""

    code = "model_error"


class ModelNotInstalledError(ModelError):
    """The configured model directory does not hold a CTranslate2 Whisper model."""

    code = "model_not_installed"


class ModelChecksumError(ModelError):
    """An assembled model file does not match the sha256 pinned in models/manifest.json."""

    code = "model_checksum_mismatch"
