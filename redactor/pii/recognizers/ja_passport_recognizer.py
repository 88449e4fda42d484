"""PASSPORT: two letters + seven digits, also with the letters read aloud (ティーケーの3381706)."""

from __future__ import annotations

from redactor.pii.lexicon.spelling import LETTER_NAMES
from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer


class JaPassportRecognizer(JaPatternRecognizer):
    ENTITY = "PASSPORT"
    PATTERNS = [
        JaPattern("2 letters + 7 digits (medium)", r"(?<![A-Za-z])[A-Z]{2}\s?\d{7}(?!\d)", 0.5),
        JaPattern("spoken letters + 7 digits (weak)", rf"(?:{LETTER_NAMES}){{2}}の?\s?\d{{7}}(?!\d)", 0.35),
    ]
    CONTEXT = ["パスポート", "旅券", "ぱすぽーと"]
