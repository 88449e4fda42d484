"""Time ranges of the audio that must not be heard: entity character offsets -> seconds.

A finding says "characters [start, end) of turn N are PHONE_NUMBER". The transcription keeps
`turn.text == "".join(w.word for w in turn.words)`, so each character belongs to exactly one
word and each word has a start and an end time. The range of a finding is the union of the
words that overlap it (a word cut by the entity boundary is taken whole), padded on both
sides, clamped to the audio, and merged with its neighbours.

A finding by time (`start_s`/`end_s`: the conversation says when the item was spoken, e.g. the
caller's answer to a request) is muted over those seconds as well as over its words.

With the audio's voice activity (`voice`, see voice.py) the edges follow the speaker's voice
rather than Whisper's word times, which at 8 kHz are off by a mora or more:
- an edge inside the voice moves out to the pause next to it when that pause is near
  (`edge_reach_s`): a word Whisper cut short ends where the voice stops. In continuous speech
  (no pause within reach) the edge stays where the words put it, so the neighbours stay audible;
- the start of a name moves back to the pause before it from up to `name_reach_s` away (a
  name's length): recognition garbles the beginning of rare names into other words (「長谷川千尋」
  heard as 「貼成がまち広」 leaves the finding only 「広」);
- the end of a finding by time, when it lies in silence, moves back to where the speaker's voice
  stopped (within `trailing_silence_s`): the time it adds after the last word (recognition cuts
  the ends of turns short) holds no more of the item once the voice has stopped, and on a stereo
  call it may hold the other party's reply. A word's own end in silence stays, and so does a
  start in silence: a soft ending or onset (a devoiced 「す」, s, h, k, t) can be too quiet to
  measure at telephone bandwidth;
- a name's range then grows back into the silence before it, up to the last voice on any
  channel (within `pause_reach_s`): names are often said right after a pause (「承知いたしました。
  栗原様の」), and a soft onset there (h-, s-, k-, a devoiced first mora) is too quiet for the
  voice measure. Nobody speaks in that silence, so QA loses none of the call. Other types keep
  their padding only: their ranges are longer and mostly begin where an answer begins.

Speech recognition could not read (a decoding loop: Whisper writing one word over and over,
「文 文 文 文 文」, for seconds of speech it lost track of) is muted too, from the word before the
loop to the word after it: whatever was said there, names included, never reached the text rules.

Everything here fails closed: whenever the timing cannot be trusted (a missing, reversed or
out-of-turn timestamp of a spoken word, a finding none of whose words lasts any time, a word or
span that lasts implausibly long for its number of characters, a turn whose words do not spell its
text, a finding outside the text) the range widens to the whole turn; when the turn's own times are
unusable, to the whole call. With voice activity, a turn widened so keeps out the stretches of a
second or more where the speaker's own channel is silent: Whisper's turns run on over the other
party's reply (a turn "lasting" 30 s over a word it lost track of), and what the turn said was
said where its channel carries a voice. A turn with no voice measured at all stays whole. Two timings are NOT broken: a zero-length word (Whisper times a
character split from its token, 「リ」 of 「リー」, or the first word after a space, as an instant),
which is taken to last from the previous word's end to the next word's start, and the times of a
punctuation "word" inside a finding (「HINA-P」's "-": no sound of its own, often no duration), which
are not used.
Nothing here ever logs text: the only things that leave this module are times and type names.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .voice import VoiceActivity

# Japanese read aloud runs at roughly 6-8 morae a second; a kanji is 1-4 morae and a digit read
# slowly with pauses is well under a second. Anything slower than this is a timestamp we do not
# believe (typically Whisper stretching a word over a long pause), and we widen to the turn.
DEFAULT_MAX_SECONDS_PER_CHAR = 1.0
# ... but a very short span may legitimately carry a pause: never call anything under this long
# implausible.
DEFAULT_MIN_PLAUSIBLE_SPAN_S = 2.0
# Word times may overhang their turn by this much before we call them "outside the turn"
# (Whisper's segment and word boundaries are computed separately and disagree by a frame or two).
DEFAULT_TURN_TOLERANCE_S = 0.5
# With voice activity: how far an edge inside the voice moves out to a pause (about two morae at
# 6-8 morae a second, what Whisper's word boundaries are typically off by) ...
DEFAULT_EDGE_REACH_S = 0.3
# ... how far the start of a name does (a full name is 4-8 morae, about a second) ...
DEFAULT_NAME_REACH_S = 1.0
# ... and how far an end in silence moves back to the end of the voice.
DEFAULT_TRAILING_SILENCE_S = 1.0
# ... and how far a name's range grows back into the silence before it (a mora or two: the
# soft onset the voice measure misses, or Whisper timing a name after a pause late).
DEFAULT_PAUSE_REACH_S = 0.2
# A finding widened to its turn keeps out the turn's silences at least this long on the speaker's
# own channel (longer than any pause inside a sentence): whatever the turn said, it said it where
# its channel carries a voice; on a stereo call the other party often speaks in those gaps.
DEFAULT_TURN_GAP_S = 1.0
# The same word this many times in a row is a decoding loop, not speech (digits excepted: 「0 0 0 0」
# is a number read out).
DEFAULT_LOOP_REPEATS = 5
# Entity types whose start follows the voice back as far as `name_reach_s`.
NAME_TYPES = frozenset({"PERSON"})


class RedactionRangeError(ValueError):
    """A finding that cannot belong to the transcript it came with (a programming error).

    Carries a stable `code`; the message names indices, never text.
    """

    code = "redaction_range_invalid"


@dataclass(frozen=True)
class TimeRange:
    """A stretch of the call, in seconds from its start, to be replaced in every channel.

    `widened` is True when at least one finding in the range could not be timed from its words
    and the range was widened to its whole turn (or call) to fail closed.
    """

    start: float
    end: float
    entity_types: tuple[str, ...] = ()
    widened: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored with the transcript (times rounded to the millisecond)."""
        return {
            "start": round(self.start, 3),
            "end": round(self.end, 3) if math.isfinite(self.end) else None,  # None: to the end
            "entity_types": list(self.entity_types),
            "widened": self.widened,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TimeRange":
        return cls(
            start=float(data["start"]),
            end=math.inf if data["end"] is None else float(data["end"]),
            entity_types=tuple(data.get("entity_types", ())),
            widened=bool(data.get("widened", False)),
        )


@dataclass(frozen=True)
class RangeOptions:
    """How `redaction_ranges` turns findings into time ranges (recorded for reproducibility)."""

    padding_s: float = 0.15
    max_seconds_per_char: float = DEFAULT_MAX_SECONDS_PER_CHAR
    min_plausible_span_s: float = DEFAULT_MIN_PLAUSIBLE_SPAN_S
    turn_tolerance_s: float = DEFAULT_TURN_TOLERANCE_S
    edge_reach_s: float = DEFAULT_EDGE_REACH_S
    name_reach_s: float = DEFAULT_NAME_REACH_S
    trailing_silence_s: float = DEFAULT_TRAILING_SILENCE_S
    pause_reach_s: float = DEFAULT_PAUSE_REACH_S
    turn_gap_s: float = DEFAULT_TURN_GAP_S
    loop_repeats: int = DEFAULT_LOOP_REPEATS


@dataclass
class _Span:
    start: float
    end: float
    types: set[str] = field(default_factory=set)
    widened: bool = False


def field_of(obj: Any, name: str) -> Any:
    """Attribute or mapping access: turns/words/findings may be dataclasses or their dicts."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _call_end(duration: float | None) -> float:
    """The end of the audio; unknown (infinite) without a duration: the renderer then clamps."""
    if duration is None:
        return math.inf
    value = _finite(duration)
    if value is None or value <= 0:
        raise ValueError(f"duration must be a finite number of seconds > 0, got {duration!r}")
    return value


def _turn_bounds(turn: Any, call_end: float) -> tuple[float, float, bool]:
    """(start, end, trusted): an untrustworthy turn widens to the whole call."""
    start, end = _finite(field_of(turn, "start")), _finite(field_of(turn, "end"))
    if start is None or end is None or start < 0 or end <= start or start >= call_end:
        return 0.0, call_end, False
    return start, end, True


def _silent_token(text: str) -> bool:
    """Punctuation, symbols and spaces: written, never spoken (e.g. the "-" of "090-1234")."""
    return all(unicodedata.category(c)[0] in "PSZ" or c.isspace() for c in text)


def _word_times(word: Any, turn_start: float, turn_end: float, options: RangeOptions) -> tuple[float, float] | None:
    """(start, end) of a word whose timestamps are believable, else None."""
    start, end = _finite(field_of(word, "start")), _finite(field_of(word, "end"))
    if start is None or end is None or end < start:
        return None  # missing or reversed (a zero-length word is a point: see _word_span)
    if start < turn_start - options.turn_tolerance_s or end > turn_end + options.turn_tolerance_s:
        return None  # outside its turn
    chars = len(str(field_of(word, "word") or ""))
    if end - start > max(options.min_plausible_span_s, chars * options.max_seconds_per_char):
        return None  # one word stretched over far too long
    return start, end


def _bracket_instant(words: Sequence[Any], index: int, times: tuple[float, float] | None,
                     turn_start: float, turn_end: float) -> tuple[float, float] | None:
    """`times` of words[index]; a word Whisper timed as an instant (start == end) lies between its
    neighbours, so it is taken from the previous word's end (the turn's start for a first word) to
    the next word's start (each only where it lies on the right side of the instant, in the turn)."""
    if times is None or times[0] != times[1]:
        return times
    instant = times[0]
    before = _finite(field_of(words[index - 1], "end")) if index > 0 else None
    after = _finite(field_of(words[index + 1], "start")) if index + 1 < len(words) else None
    lo = before if before is not None and turn_start <= before <= instant else turn_start  # first word: from the turn's start
    hi = after if after is not None and instant <= after <= turn_end else instant
    return lo, hi


def _word_span(
    turn: Any, char_start: int, char_end: int, turn_start: float, turn_end: float,
    options: RangeOptions,
) -> tuple[float, float] | None:
    """Seconds covered by the words overlapping [char_start, char_end), or None to widen.

    Punctuation "words" right next to the entity are taken in too: they have no sound of their
    own, so Whisper's time for them is really the tail (or onset) of the neighbouring spoken
    word, typically the last digit of a number.
    """
    words = list(field_of(turn, "words") or ())
    text = field_of(turn, "text") or ""
    if not words or "".join(str(field_of(w, "word") or "") for w in words) != text:
        return None  # cannot map characters to words: the transcription invariant is broken
    covered = []
    offset = 0
    for index, word in enumerate(words):
        word_text = str(field_of(word, "word") or "")
        word_start_char, offset = offset, offset + len(word_text)
        if word_text and offset > char_start and word_start_char < char_end:
            covered.append(index)
    if not covered:
        return None  # no word covers the finding
    # a punctuation "word" inside the finding (the "-" of 「HINA-P-0716」) has no sound of its own:
    # Whisper often gives it no duration, which says nothing about the words around it
    spoken = [i for i in covered if not _silent_token(str(field_of(words[i], "word") or ""))] or covered
    times = [_bracket_instant(words, i, _word_times(words[i], turn_start, turn_end, options), turn_start, turn_end)
             for i in spoken]
    if any(t is None for t in times):
        return None
    first, last = min(t[0] for t in times), max(t[1] for t in times)  # type: ignore[index]
    if last <= first:
        return None  # no word of the finding lasts: nothing says when it was spoken
    if last - first > max(options.min_plausible_span_s, (char_end - char_start) * options.max_seconds_per_char):
        return None  # the entity as a whole lasts implausibly long
    for step, index in ((-1, covered[0] - 1), (1, covered[-1] + 1)):
        while 0 <= index < len(words) and _silent_token(str(field_of(words[index], "word") or "")):
            neighbour = _word_times(words[index], turn_start, turn_end, options)
            if neighbour is not None:
                first, last = min(first, neighbour[0]), max(last, neighbour[1])
            index += step
    return first, last


def redaction_ranges(
    turns: Sequence[Any],
    findings: Iterable[Any],
    padding_s: float = 0.15,
    *,
    duration: float | None = None,
    entity_types: Iterable[str] | None = None,
    max_seconds_per_char: float = DEFAULT_MAX_SECONDS_PER_CHAR,
    min_plausible_span_s: float = DEFAULT_MIN_PLAUSIBLE_SPAN_S,
    turn_tolerance_s: float = DEFAULT_TURN_TOLERANCE_S,
    voice: VoiceActivity | None = None,
) -> list[TimeRange]:
    """Time ranges covering every finding, padded, clamped to [0, duration] and merged.

    `turns` are `redactor.transcribe.Turn` objects (or their dicts: start, end, text, words of
    start/end/word); `findings` are `redactor.pii.Finding` objects (or dicts: type, turn, start,
    end, optionally start_s/end_s) whose offsets point into the ORIGINAL turn text. `entity_types`, when given, keeps only
    findings of those types (the raw-audio card scrub uses this); without it, speech recognition
    could not read (`unread_speech`) is muted too, as a widened range with no type. `voice`, the recording's voice
    activity, moves the edges to the speaker's voice (module docstring). `duration` is the length of the
    audio in seconds (pass it: without it ranges are not clamped at the end, and a range widened
    to the whole call ends at infinity, which the renderer clamps to the audio it reads).
    Raises `RedactionRangeError` for a finding whose turn index does not exist.
    """
    if padding_s < 0 or not math.isfinite(padding_s):
        raise ValueError(f"padding_s must be a finite number >= 0, got {padding_s!r}")
    options = RangeOptions(padding_s, max_seconds_per_char, min_plausible_span_s, turn_tolerance_s)
    wanted = None if entity_types is None else set(entity_types)
    call_end = _call_end(duration)
    spans: list[_Span] = []
    for index, finding in enumerate(findings):
        entity = str(field_of(finding, "type") or "UNKNOWN")
        if wanted is not None and entity not in wanted:
            continue
        turn_index = field_of(finding, "turn")
        if not isinstance(turn_index, int) or not 0 <= turn_index < len(turns):
            raise RedactionRangeError(
                f"finding #{index} names turn {turn_index!r}, but the transcript has "
                f"{len(turns)} turns; pass the findings of this transcript"
            )
        turn = turns[turn_index]
        turn_start, turn_end, trusted = _turn_bounds(turn, call_end)
        char_start, char_end = field_of(finding, "start"), field_of(finding, "end")
        text_length = len(field_of(turn, "text") or "")
        span = None
        if (
            trusted
            and isinstance(char_start, int)
            and isinstance(char_end, int)
            and 0 <= char_start < char_end <= text_length
        ):
            span = _word_span(turn, char_start, char_end, turn_start, turn_end, options)
        speaker = str(field_of(turn, "speaker") or "unknown")
        if span is None:
            parts = [(turn_start, turn_end)]
            if trusted and voice is not None:
                parts = voice.voiced_parts(speaker, turn_start, turn_end, options.turn_gap_s)
            spans.extend(_Span(start, end, {entity}, widened=True) for start, end in parts)
        else:
            spans.append(_Span(*_follow_voice(span, speaker, entity, voice, options, trim_end=False), {entity}))
        seconds = _finding_seconds(finding, call_end)
        if seconds is not None:
            spans.append(_Span(*_follow_voice(seconds, speaker, entity, voice, options), {entity}))
    if wanted is None:
        spans.extend(_Span(start, end, set(), widened=True)
                     for start, end in unread_speech(turns, options.loop_repeats, call_end))
    return _pad_clamp_merge(spans, options, call_end, voice)


def unread_speech(turns: Sequence[Any], repeats: int = DEFAULT_LOOP_REPEATS,
                  call_end: float = math.inf) -> list[tuple[float, float]]:
    """Seconds of speech recognition lost in a decoding loop: `repeats` or more words in a row
    with the same text (not digits), from the end of the word before them (their turn's start)
    to the start of the word after them (their turn's end) - the loop's own times mean nothing."""
    found = []
    for turn in turns:
        turn_start, turn_end, trusted = _turn_bounds(turn, call_end)
        words = list(field_of(turn, "words") or ())
        texts = [str(field_of(w, "word") or "").strip() for w in words]
        index = 0
        while index < len(words):
            run = index
            while run + 1 < len(words) and texts[run + 1] == texts[index]:
                run += 1
            if run - index + 1 >= repeats and texts[index] and not any(c.isdigit() for c in texts[index]):
                before = _finite(field_of(words[index - 1], "end")) if index > 0 else None
                after = _finite(field_of(words[run + 1], "start")) if run + 1 < len(words) else None
                start = before if trusted and before is not None and before >= turn_start else turn_start
                end = after if trusted and after is not None and after <= turn_end else turn_end
                found.append((start, max(end, start)))
            index = run + 1
    return found


def _follow_voice(span: tuple[float, float], speaker: str, entity: str, voice: VoiceActivity | None,
                  options: RangeOptions, trim_end: bool = True) -> tuple[float, float]:
    """`span` with its edges moved to the speaker's voice (module docstring); as is without it."""
    start, end = span
    if voice is None:
        return start, end
    reach = options.name_reach_s if entity in NAME_TYPES else options.edge_reach_s
    onset = voice.onset(speaker, start, reach)
    if onset is not None:
        start = min(start, onset)
    offset = voice.offset(speaker, end, options.edge_reach_s)
    if offset is not None:
        end = max(end, offset)
    elif trim_end:
        stopped = voice.last_voice_before(speaker, end, options.trailing_silence_s)
        if stopped is not None and stopped > start:
            end = min(end, stopped)
    return start, end


def _pad(span: _Span, options: RangeOptions, voice: VoiceActivity | None, call_end: float) -> _Span:
    """`span` padded and clamped to the call; a name's range also takes the silence before it
    (within `pause_reach_s`: see the module docstring)."""
    start, end = max(0.0, span.start - options.padding_s), min(call_end, span.end + options.padding_s)
    if voice is not None and span.types & NAME_TYPES:
        quiet_since = voice.quiet_since(start, options.pause_reach_s)
        start = start if quiet_since is None else quiet_since
    return _Span(start, end, span.types, span.widened)


def _finding_seconds(finding: Any, call_end: float) -> tuple[float, float] | None:
    """The seconds a finding by time says its item was spoken (`start_s`/`end_s`), muted besides
    its words; None for a finding by characters only (or times that make no stretch of the call)."""
    start, end = _finite(field_of(finding, "start_s")), _finite(field_of(finding, "end_s"))
    if start is None or end is None or end <= start or end <= 0 or start >= call_end:
        return None
    return max(0.0, start), min(end, call_end)


def _pad_clamp_merge(spans: list[_Span], options: RangeOptions, call_end: float,
                     voice: VoiceActivity | None) -> list[TimeRange]:
    padded = sorted((_pad(span, options, voice, call_end) for span in spans), key=lambda s: (s.start, s.end))
    merged: list[_Span] = []
    for span in padded:
        if span.end <= span.start:
            continue  # entirely past the end of the audio
        if merged and span.start <= merged[-1].end:  # touching or overlapping
            last = merged[-1]
            last.end = max(last.end, span.end)
            last.types |= span.types
            last.widened = last.widened or span.widened
        else:
            merged.append(_Span(span.start, span.end, set(span.types), span.widened))
    return [TimeRange(s.start, s.end, tuple(sorted(s.types)), s.widened) for s in merged]
