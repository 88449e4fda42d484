"""Speech-shaped text -> a searchable form, with a per-character map back to the original.

Recognizers search the normalized form (ASCII digits, one dash, no full stop between digits,
NFKC widths); redaction must
remove the ORIGINAL characters, so every normalized character remembers the [start, end) span of
the original text it came from. NFKC alone is not enough: it changes lengths (ﾀﾞ -> ダ) and
leaves U+2212, U+2010 and ー alone, which speech recognition uses as dashes between digits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from redactor.pii.numerals import Piece, convert_kana_numerals, convert_kanji_numerals

DASHES = set("-‐‑‒–—―−ーｰ－﹣")
HALFWIDTH_SOUND_MARKS = ("\uff9e", "\uff9f")


@dataclass(frozen=True)
class NormalizedText:
    """A normalized text and, per character, the span of the original text it stands for."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalized text to the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return min(self.starts[start:end]), max(self.ends[start:end])


def normalize(original: str) -> NormalizedText:
    """Normalize widths, numerals (kanji and kana readings) and dashes; keep the offset map."""
    pieces = _nfkc_pieces(original)
    pieces = convert_kana_numerals(pieces)
    pieces = convert_kanji_numerals(pieces)
    pieces = _fold_dashes(pieces)
    pieces = _pauses_between_digits(pieces)
    return NormalizedText(
        original=original,
        text="".join(p.char for p in pieces),
        starts=tuple(p.start for p in pieces),
        ends=tuple(p.end for p in pieces),
    )


def _nfkc_pieces(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # A half-width voiced sound mark belongs to the kana before it (ﾀﾞ is one unit, ダ).
        if j < n and text[j] in HALFWIDTH_SOUND_MARKS:
            j += 1
        for ch in unicodedata.normalize("NFKC", text[i:j]):
            pieces.append(Piece(ch, i, j))
        i = j
    return pieces


def _fold_dashes(pieces: list[Piece]) -> list[Piece]:
    """A dash-like character between digits (spaces allowed) becomes '-'; so does a full-width or
    ASCII hyphen after a letter or digit (ＭＴ－３９１８). ー between katakana stays a long vowel."""
    out = list(pieces)
    for k, p in enumerate(pieces):
        if p.char not in DASHES:
            continue
        left = _neighbour(pieces, k, -1)
        right = _neighbour(pieces, k, 1)
        if left.isdigit() and right.isdigit() or (p.char in "－-" and (left.isalnum() or right.isdigit())):
            out[k] = Piece("-", p.start, p.end)
    return out


def _pauses_between_digits(pieces: list[Piece]) -> list[Piece]:
    """A full stop between digits (spaces allowed) becomes '、': speech recognition ends a
    "sentence" at each pause of a number read out in groups (「0-3。681-2。4-4-7-5」), and a
    sentence does not end between two digits."""
    out = list(pieces)
    for k, p in enumerate(pieces):
        if p.char == "。" and _neighbour(pieces, k, -1).isdigit() and _neighbour(pieces, k, 1).isdigit():
            out[k] = Piece("、", p.start, p.end)
    return out


def _neighbour(pieces: list[Piece], k: int, step: int) -> str:
    j = k + step
    while 0 <= j < len(pieces) and pieces[j].char == " ":
        j += step
    return pieces[j].char if 0 <= j < len(pieces) else ""
