"""Redacted audio: a tone or silence over every spoken PII span, and the raw-audio card scrub.

    voice = VoiceActivity.from_audio("call.wav", layout=transcript.channels)  # edges follow voices
    ranges = redaction_ranges(transcript.turns, result.findings, padding_s=0.15,
                              duration=transcript.duration, voice=voice)
    rendered = render_redacted("call.wav", ranges, fill="tone")           # FLAC bytes in .data
    card = redaction_ranges(transcript.turns, result.findings, duration=transcript.duration,
                            entity_types=settings.raw_audio_scrub_entities)
    scrubbed = scrub_raw_audio("call.wav", card, output="call.scrubbed.wav")
"""

from .codec import AudioRedactionError, StreamInfo
from .fill import FillOptions
from .ranges import RangeOptions, RedactionRangeError, TimeRange, redaction_ranges
from .render import RenderedAudio, decode_pcm, render_and_scrub, render_redacted, scrub_raw_audio
from .voice import VoiceActivity

__all__ = [
    "AudioRedactionError",
    "FillOptions",
    "RangeOptions",
    "RedactionRangeError",
    "RenderedAudio",
    "StreamInfo",
    "TimeRange",
    "VoiceActivity",
    "decode_pcm",
    "redaction_ranges",
    "render_and_scrub",
    "render_redacted",
    "scrub_raw_audio",
]
