"""Katakana readings and fuzzy reading search, for cue words that speech recognition garbles.

Whisper writes what it hears with whatever kanji fit the sound: 生年月日 comes back as 青年学期,
郵便番号 as 有便番号, 有効期限 as 有効きげ, セキュリティコード as セキュリッコード. Their readings
stay close to the cue's reading, so operator questions are also matched on the Sudachi reading of
the turn, allowing a few kana edits for long cues. Sudachi (bundled with GiNZA) loads in
milliseconds and only operator questions are read, so this costs little per call.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import jaconv
from rapidfuzz import fuzz

_LOCK = threading.Lock()
_TOKENIZER = None
# Kana that speech recognition drops or adds freely; ignored when comparing readings.
_SOFT = str.maketrans("", "", "ーッ・ 　、。,.")
_DIGITS = re.compile(r"[0-9０-９]+")


@dataclass(frozen=True)
class Token:
    """One Sudachi morpheme: its surface and its katakana reading."""

    surface: str
    reading: str


def _tokenizer():
    global _TOKENIZER
    with _LOCK:
        if _TOKENIZER is None:
            from sudachipy import Dictionary, SplitMode

            _TOKENIZER = (Dictionary().create(SplitMode.C), threading.Lock())
    return _TOKENIZER


@lru_cache(maxsize=4096)
def tokens_of(text: str) -> tuple[Token, ...]:
    """Sudachi tokens of a short text (one turn) with katakana readings."""
    tokenizer, lock = _tokenizer()
    with lock:  # a Sudachi tokenizer object is not thread-safe
        morphemes = [(m.surface(), m.reading_form()) for m in tokenizer.tokenize(text[:8000])]
    return tuple(Token(surface, reading or jaconv.hira2kata(surface)) for surface, reading in morphemes)


def reading_of(text: str) -> str:
    """The katakana reading of a text, without long-vowel marks, small ッ and punctuation."""
    return "".join(jaconv.hira2kata(t.reading) for t in tokens_of(text)).translate(_SOFT)


def words_reading(text: str) -> str:
    """`reading_of` the words only: digits are read aloud (090 = レイキュウレイ) and would make
    cue look-alikes (キュウセイ, 旧姓), so they become pauses."""
    return reading_of(_DIGITS.sub("、", text))


def soft_reading(kana: str) -> str:
    """A kana string in the same comparable form as `reading_of` gives."""
    return jaconv.hira2kata(kana).translate(_SOFT)


def allowed_edits(needle_length: int) -> int:
    """Kana edits tolerated for a cue reading of this length: none for short cues (false hits)."""
    if needle_length < 5:
        return 0
    return 1 if needle_length < 7 else 2


def fuzzy_find(haystack: str, needle: str, max_edits: int) -> bool:
    """Whether some substring of `haystack` is within `max_edits` edits of `needle`.

    Semi-global edit distance (Sellers), only around places sharing a kana bigram with the needle,
    so a long turn costs little.
    """
    if not needle:
        return False
    if needle in haystack:
        return True
    if max_edits <= 0 or len(needle) < 2:
        return False
    width = len(needle) + max_edits
    windows: set[int] = set()
    for k in range(len(needle) - 1):
        bigram = needle[k:k + 2]
        pos = haystack.find(bigram)
        while pos >= 0:
            windows.add(max(0, pos - k - max_edits))
            pos = haystack.find(bigram, pos + 1)
    return any(_semi_global(haystack[lo:lo + width + max_edits], needle) <= max_edits for lo in sorted(windows))


def _semi_global(text: str, needle: str) -> int:
    """Fewest edits turning `needle` into some substring of `text`."""
    previous = list(range(len(needle) + 1))
    best = previous[-1]
    for ch in text:
        current = [0]
        for j, nch in enumerate(needle, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != nch)))
        best = min(best, current[-1])
        previous = current
    return best


def fuzzy_context_hit(window: str, words: list[str]) -> str | None:
    """The first long context word (5+ kana) whose reading is in the window's reading, a few kana off."""
    readings = [(word, reading_of(word) if not word.isascii() else "") for word in words]
    readings = [(word, r) for word, r in readings if len(r) >= 5]
    if not readings:
        return None
    haystack = words_reading(window)
    return next((word for word, r in readings if fuzzy_find(haystack, r, allowed_edits(len(r)))), None)


def is_silent(surface: str) -> bool:
    """Spaces and punctuation: no reading of their own (Sudachi reads a space as キゴウ)."""
    return all(unicodedata.category(c)[0] in "PSZ" or c.isspace() for c in surface)


class WordReadings:
    """A turn's words (Sudachi tokens) with their soft readings laid end to end, to find a reading in
    it and map the find back to whole words of the text."""

    def __init__(self, text: str):
        self.bounds: list[tuple[int, int]] = []  # each token's [start, end) in the text
        self.reading_starts: list[int] = []  # where each token's reading starts in `reading`
        parts, offset, position = [], 0, 0
        for token in tokens_of(text):
            spoken = "" if is_silent(token.surface) else soft_reading(token.reading)
            self.bounds.append((offset, offset + len(token.surface)))
            self.reading_starts.append(position)
            parts.append(spoken)
            offset += len(token.surface)
            position += len(spoken)
        self.reading = "".join(parts)

    def word_starts(self, readings: tuple[str, ...]) -> list[int]:
        """Text offsets of the words where one of `readings` (soft readings) starts, in order."""
        starts = set()
        for wanted in readings:
            position = self.reading.find(wanted)
            while position >= 0:
                index = bisect_right(self.reading_starts, position) - 1
                if self.reading_starts[index] == position:  # it starts a word (not 「…デスネ」 inside one)
                    starts.add(self.bounds[index][0])
                position = self.reading.find(wanted, position + 1)
        return sorted(starts)

    def best_match(self, reading: str, min_similarity: float, min_coverage: float) -> tuple[int, int] | None:
        """[start, end) of the whole words whose reading best matches `reading`, or None."""
        if len(self.reading) < len(reading) * min_coverage:
            return None
        alignment = fuzz.partial_ratio_alignment(reading, self.reading, score_cutoff=min_similarity)
        if alignment is None or alignment.dest_end - alignment.dest_start < len(reading) * min_coverage:
            return None
        first = bisect_right(self.reading_starts, alignment.dest_start) - 1
        last = bisect_right(self.reading_starts, alignment.dest_end - 1) - 1
        # the alignment is as long as `reading`, so where the words say it a kana shorter it reaches
        # into a neighbour (「いたしま|す せたがやく…」): a word at an edge mostly outside it is not part of it
        if first < last and alignment.dest_start - self.reading_starts[first] >= self._length(first) / 2:
            first += 1
        if first < last and self._end(last) - alignment.dest_end >= self._length(last) / 2:
            last -= 1
        while first < last and self._length(first) == 0:  # a space or a mark before the words
            first += 1
        while first < last and self._length(last) == 0:
            last -= 1
        return self.bounds[first][0], self.bounds[last][1]

    def _end(self, index: int) -> int:
        return self.reading_starts[index + 1] if index + 1 < len(self.reading_starts) else len(self.reading)

    def _length(self, index: int) -> int:
        return self._end(index) - self.reading_starts[index]
