"""Leak checks by time: what was spoken over a scripted PII span must not survive.

Speech recognition spells personal data its own way (spaces inside numbers, kana for kanji, a
surname misheard), so looking for the script's PII strings in what was stored finds only the
items that happened to come back verbatim. These checks use when each item was spoken instead
(`sample_audio/calls.json` gives every PII item's `start`/`end` in seconds):

- text: every word the recognizer heard mostly inside a PII span must be covered, character
  for character, by the redaction's findings (offsets into the raw turn: `Turn.text` is the
  concatenation of its words), whatever the recognizer made of it; where only rendered pages
  are at hand (the UI), none of those words may be shown where the page renders that turn
  (`shown_words`, by alignment), and no whole run of them anywhere (`heard_runs`);
- audio: over every PII span the decoded audio must hold no speech: digital silence or the
  1 kHz redaction tone. The level is measured from the samples after removing a 1 kHz sinusoid
  fitted over the span, so a tone passes and a voice (or a voice under a tone) does not.

Used by the fast integration tier (tests/integration), the slow sample tests
(tests/service/test_leaks_by_time.py) and the UI crawl (tests/ui/test_no_raw_material.py).
"""

from __future__ import annotations

import difflib
import io
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import av
import numpy as np

TONE_HZ = 1000.0
SILENT_DBFS = -50.0  # speech here is -30..-15 dBFS RMS, the samples' line noise -62 dBFS
GUARD_S = 0.05  # the scripted times come from the synthesizer, within tens of milliseconds
MIN_SHARE = 0.5  # a word "is heard over" a span when at least half of it lies inside...
# ...the span less this much at each end: the scripted times (synthesizer) and Whisper's word
# times are each off by up to a tenth of a second or two, so "です" right after an item would
# otherwise count as heard over it.
WORD_GUARD_S = 0.1
CALLS_JSON = Path(__file__).resolve().parents[1] / "sample_audio" / "calls.json"


@dataclass(frozen=True)
class PiiSpan:
    """A scripted PII item and the seconds in which it is spoken."""

    type: str
    text: str
    turn: int
    start: float
    end: float

    def label(self) -> str:
        return f"{self.type} {self.start:.2f}-{self.end:.2f}s"


@dataclass(frozen=True)
class HeardWord:
    """A recognized word: its turn, its [start, end) characters in the raw turn text, its time."""

    turn: int
    first: int
    stop: int
    word: str
    start: float
    end: float


def committed_samples() -> list[dict]:
    """The calls of sample_audio/calls.json, for parametrizing at collection time ([] when it is
    missing: the `sample_calls` fixture then skips, saying so)."""
    return json.loads(CALLS_JSON.read_text(encoding="utf-8"))["calls"] if CALLS_JSON.exists() else []


def scripted_spans(sample: dict, *, types: Iterable[str] | None = None, offset: float = 0.0) -> list[PiiSpan]:
    """The PII spans of a calls.json entry (optionally only some types), shifted by `offset` seconds."""
    wanted = set(types) if types is not None else None
    spans = [PiiSpan(type=p["type"], text=p["text"], turn=p["turn"], start=p["start"], end=p["end"])
             for p in sample["pii"] if wanted is None or p["type"] in wanted]
    return [replace(s, start=round(s.start + offset, 3), end=round(s.end + offset, 3)) for s in spans]


def heard_words(turns: Sequence) -> list[HeardWord]:
    """Every word of a raw transcript's turns (objects with `.words` of `.word/.start/.end`)."""
    heard = []
    for index, turn in enumerate(turns):
        position = 0
        for word in turn.words:
            heard.append(HeardWord(turn=index, first=position, stop=position + len(word.word), word=word.word,
                                   start=float(word.start), end=float(word.end)))
            position += len(word.word)
    return heard


def heard_over(words: Iterable[HeardWord], span: PiiSpan, *, min_share: float = MIN_SHARE,
               guard: float = WORD_GUARD_S, meaningful_only: bool = True) -> list[HeardWord]:
    """The words spoken mostly inside `span` less `guard` at each end (only those with letters or
    digits unless `meaningful_only` is False: punctuation carries nothing)."""
    start, end = span.start + guard, span.end - guard
    chosen = []
    for word in words:
        overlap = min(word.end, end) - max(word.start, start)
        length = max(word.end - word.start, 1e-6)
        if overlap > 0 and overlap / length >= min_share and (_meaningful(word.word) or not meaningful_only):
            chosen.append(word)
    return chosen


def surviving_words(turns: Sequence, findings: Iterable, spans: Iterable[PiiSpan]) -> list[tuple[PiiSpan, HeardWord]]:
    """(span, word) for every word heard over a span with a letter or digit no finding covers.

    `findings` are objects with `.turn`, `.start`, `.end` (character offsets into the raw turn):
    the redactor's results or the rows stored for the call.
    """
    covered: dict[int, set[int]] = {}
    for finding in findings:
        covered.setdefault(finding.turn, set()).update(range(finding.start, finding.end))
    words = heard_words(turns)
    leaks = []
    for span in spans:
        for word in heard_over(words, span):
            exposed = [i for i in range(word.first, word.stop)
                       if _meaningful(word.word[i - word.first]) and i not in covered.get(word.turn, ())]
            if exposed:
                leaks.append((span, word))
    return leaks


def heard_runs(turns: Sequence, span: PiiSpan) -> list[str]:
    """Each run of consecutive words heard over `span` (in one turn; punctuation words join a run,
    as in "090", "-", "3821"), joined, whitespace removed, and with a letter or digit."""
    runs: list[list[HeardWord]] = []
    for word in heard_over(heard_words(turns), span, meaningful_only=False):
        if runs and runs[-1][-1].turn == word.turn and runs[-1][-1].stop == word.first:
            runs[-1].append(word)
        else:
            runs.append([word])
    joined = ["".join("".join(w.word.split()) for w in run) for run in runs]
    return [run for run in joined if _meaningful(run)]


def shown_words(turns: Sequence, span: PiiSpan, renderings: Mapping[int, Iterable[str]], *,
                min_block: int = 2) -> list[tuple[HeardWord, str]]:
    """(word, rendering) for every word heard over `span` that a rendering of its turn still shows.

    `renderings` maps a turn index (of `turns`) to the texts a page shows for that turn. The raw
    turn and each rendering are aligned character by character (whitespace ignored); a word is
    shown when one of its letters or digits falls in an aligned block of `min_block` or more
    characters. Position, not string search: a digit pair of a redacted number is not "found"
    in a time or in another item of the same turn.
    """
    words = heard_words(turns)
    shown = []
    for word in heard_over(words, span):
        raw = "".join(w.word for w in words if w.turn == word.turn)
        kept = [i for i, ch in enumerate(raw) if not ch.isspace()]
        for rendering in renderings.get(word.turn, ()):
            matcher = difflib.SequenceMatcher(None, "".join(raw[i] for i in kept), "".join(rendering.split()),
                                              autojunk=False)
            aligned = {kept[block.a + k] for block in matcher.get_matching_blocks() if block.size >= min_block
                       for k in range(block.size)}
            if any(_meaningful(word.word[i - word.first]) and i in aligned for i in range(word.first, word.stop)):
                shown.append((word, rendering))
    return shown


def decode(source: Path | bytes) -> tuple[np.ndarray, int]:
    """(samples as float in [-1, 1], shape (channels, n), sample rate) of an audio file or its bytes."""
    with av.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as container:
        stream = container.streams.audio[0]
        resampler = av.audio.resampler.AudioResampler(format="fltp", layout=stream.codec_context.layout.name,
                                                      rate=stream.codec_context.sample_rate)
        blocks = [f.to_ndarray() for frame in container.decode(stream) for f in resampler.resample(frame)]
        blocks += [f.to_ndarray() for f in resampler.resample(None)]
        return np.concatenate(blocks, axis=1).astype(np.float64), stream.codec_context.sample_rate


def speech_level_dbfs(samples: np.ndarray, rate: int, start: float, end: float, *, guard: float = GUARD_S) -> float:
    """The loudest channel's RMS level over [start + guard, end - guard] once a 1 kHz tone is removed."""
    first, stop = int(round((start + guard) * rate)), int(round((end - guard) * rate))
    stop = min(stop, samples.shape[1])
    if stop - first < rate // 100:
        raise ValueError(f"the span {start:.2f}-{end:.2f}s is too short to measure at {rate} Hz")
    t = np.arange(first, stop) / rate
    basis = np.stack([np.sin(2 * np.pi * TONE_HZ * t), np.cos(2 * np.pi * TONE_HZ * t)], axis=1)
    loudest = 0.0
    for channel in samples[:, first:stop]:
        fitted, *_ = np.linalg.lstsq(basis, channel, rcond=None)
        residual = channel - basis @ fitted
        loudest = max(loudest, float(np.sqrt(np.mean(residual ** 2))))
    return 20 * math.log10(max(loudest, 1e-10))


def audible_spans(samples: np.ndarray, rate: int, spans: Iterable[PiiSpan], *,
                  threshold_dbfs: float = SILENT_DBFS) -> list[tuple[PiiSpan, float]]:
    """(span, level in dBFS) for every span over which the audio is not silent or toned."""
    levels = [(span, speech_level_dbfs(samples, rate, span.start, span.end)) for span in spans]
    return [(span, round(level, 1)) for span, level in levels if level > threshold_dbfs]


def _meaningful(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
