"""Redacted audio: a tone or silence over every spoken PII span, and the raw-audio card scrub.

    ranges = redaction_ranges(transcript.turns, result.findings, padding_s=0.15,
                              duration=transcript.duration)
    rendered = render_redacted("call.wav", ranges, fill="tone")           # FLAC bytes in .data
    card = redaction_ranges(transcript.turns, result.findings, duration=transcript.duration,
                            entity_types=settings.raw_audio_scrub_entities)
    scrubbed = scrub_raw_audio("call.wav", card, output="call.scrubbed.wav")
"""

from .codec import AudioRedactionError, StreamInfo
from .fill import FillOptions
from .ranges import RangeOptions, RedactionRangeError, TimeRange, redaction_ranges
from .render import RenderedAudio, decode_pcm, render_and_scrub, render_redacted, scrub_raw_audio

__all__ = [
    "AudioRedactionError",
    "FillOptions",
    "RangeOptions",
    "RedactionRangeError",
    "RenderedAudio",
    "StreamInfo",
    "TimeRange",
    "decode_pcm",
    "redaction_ranges",
    "render_and_scrub",
    "render_redacted",
    "scrub_raw_audio",
]
