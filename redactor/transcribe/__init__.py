"""Transcription of Japanese call recordings with faster-whisper.

    transcriber = Transcriber.from_settings(settings)          # loads the model once
    transcript = transcriber.transcribe(path, channels="stereo_operator_left")
    transcript.turns[0].speaker, .text, .words[0].start ...     # transcript.to_dict() for JSON

`probe_audio` is the cheap validity check for uploads; every audio problem raises an AudioError
subclass with a stable `code`. Importing this package does not import faster-whisper.
"""

from redactor.transcribe.audio import AudioInfo, decode_audio, probe_audio
from redactor.transcribe.errors import (
    AudioError,
    AudioTooLongError,
    ChannelLayoutError,
    EmptyAudioError,
    ModelChecksumError,
    ModelError,
    ModelNotInstalledError,
    TranscribeError,
    TruncatedAudioError,
    UnreadableAudioError,
)
from redactor.transcribe.transcriber import Transcriber
from redactor.transcribe.transcript import (
    CHANNEL_LAYOUTS,
    Transcript,
    TranscriptionOptions,
    Turn,
    Word,
)

__all__ = [
    "AudioError",
    "AudioTooLongError",
    "AudioInfo",
    "CHANNEL_LAYOUTS",
    "ChannelLayoutError",
    "EmptyAudioError",
    "ModelChecksumError",
    "ModelError",
    "ModelNotInstalledError",
    "TranscribeError",
    "Transcriber",
    "Transcript",
    "TranscriptionOptions",
    "TruncatedAudioError",
    "Turn",
    "UnreadableAudioError",
    "Word",
    "decode_audio",
    "probe_audio",
]
