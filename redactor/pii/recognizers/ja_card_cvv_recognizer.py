"""CARD_CVV: three or four digits near セキュリティコード / 裏の番号 (context only)."""

from __future__ import annotations

from typing import Optional

from redactor.pii.readings import fuzzy_context_hit
from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer, turn_bounds


class JaCardCvvRecognizer(JaPatternRecognizer):
    ENTITY = "CARD_CVV"
    PATTERNS = [
        JaPattern("3-4 digits (very weak)", r"(?<![\d\-/.,])\d{3,4}(?![\d\-/.,円])", 0.15),
        # speech recognition writes digits read one by one with spaces: 5 1 8
        JaPattern("3-4 spaced digits (very weak)", r"(?<![\d\-/.,])(?<!\d )\d(?: \d){2,3}(?![\d\-/.,円]| \d)", 0.15),
    ]
    CONTEXT = ["セキュリティコード", "セキュリティ番号", "セキュリティー", "裏の番号", "裏面", "裏", "cvv", "cvc", "3桁"]

    def context_hit(self, text: str, start: int, end: int) -> Optional[str]:
        """Context words, also as speech recognition garbles them (有効きげ, セキュリッコード)."""
        word = super().context_hit(text, start, end)
        if word is not None:
            return word
        lo, hi = turn_bounds(text, start, end)
        window = text[max(lo, start - self.CONTEXT_BEFORE):start] + "。" + text[end:min(hi, end + self.CONTEXT_AFTER)]
        return fuzzy_context_hit(window, self.context)
