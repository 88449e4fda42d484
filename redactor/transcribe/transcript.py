"""The transcript model: plain, JSON-serializable dataclasses.

A Transcript records the options that made it (faster-whisper style), so a stored transcript
says which model, compute type, beam and VAD produced it. Invariant relied on by the audio
redaction: `turn.text == "".join(w.word for w in turn.words)`, so a character offset in a turn's
text falls inside exactly one word and thus maps to a time span.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Speaker = Literal["operator", "caller", "unknown"]
ChannelLayout = Literal["mono", "stereo_operator_left", "stereo_operator_right"]
CHANNEL_LAYOUTS: tuple[str, ...] = ("mono", "stereo_operator_left", "stereo_operator_right")


@dataclass
class Word:
    """One recognized word with its time span in seconds and the model's probability."""

    start: float
    end: float
    word: str
    probability: float


@dataclass
class Turn:
    """Consecutive speech of one speaker; `text` is always the concatenation of the words."""

    speaker: Speaker
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)

    @classmethod
    def from_words(cls, speaker: Speaker, words: list[Word]) -> "Turn":
        """A turn whose text, start and end are derived from `words` (keeps the invariant)."""
        return cls(
            speaker=speaker,
            start=words[0].start,
            end=words[-1].end,
            text="".join(w.word for w in words),
            words=list(words),
        )


@dataclass(frozen=True)
class TranscriptionOptions:
    """How a transcript was made; stored with it."""

    model: str
    device: str
    compute_type: str
    cpu_threads: int
    language: str
    beam_size: int
    batch_size: int  # 0: sequential decoding with temperature fallback; >0: BatchedInferencePipeline
    vad_filter: bool
    vad_parameters: dict
    temperature: tuple[float, ...]
    condition_on_previous_text: bool
    compression_ratio_threshold: float | None
    log_prob_threshold: float | None
    no_speech_threshold: float | None
    hallucination_silence_threshold: float | None
    word_timestamps: bool = True
    max_audio_seconds: float | None = None  # longer recordings are refused (AudioTooLongError)


@dataclass
class Transcript:
    """A timed, speaker-attributed transcript of one recording."""

    duration: float
    language: str
    channels: str
    turns: list[Turn]
    options: TranscriptionOptions | None = None

    @property
    def text(self) -> str:
        """All turn texts, one per line (for display; offsets refer to single turns)."""
        return "\n".join(turn.text for turn in self.turns)

    def to_dict(self) -> dict:
        """A JSON-serializable dict: duration, language, channels, turns[words], options."""
        data = asdict(self)
        if self.options is not None:
            data["options"]["temperature"] = list(self.options.temperature)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Transcript":
        """Rebuild a Transcript from `to_dict()` output (e.g. read back from storage)."""
        options = data.get("options")
        return cls(
            duration=data["duration"],
            language=data["language"],
            channels=data.get("channels", "mono"),
            turns=[
                Turn(
                    speaker=t["speaker"], start=t["start"], end=t["end"], text=t["text"],
                    words=[Word(**w) for w in t.get("words", [])],
                )
                for t in data["turns"]
            ],
            options=TranscriptionOptions(**{**options, "temperature": tuple(options["temperature"])})
            if options
            else None,
        )
