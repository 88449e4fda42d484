"""EMAIL_ADDRESS: ASCII addresses glued to Japanese text, and addresses spelled out in katakana."""

from __future__ import annotations

import re
from typing import Optional

from redactor.pii.lexicon.chars import KATAKANA_RANGE
from redactor.pii.lexicon.speech import alternation
from redactor.pii.lexicon.spelling import AT_SIGN_WORDS, DOT_WORDS
from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer

_AT = f"(?:{alternation(AT_SIGN_WORDS)}|@)"
_SPELLED = rf"(?:[A-Za-z0-9._+\-]|[{KATAKANA_RANGE}ー])"
# Letters may be read one by one: 「ケー、イー、アイ、ドット、ワイ、アットマーク、...」
_CHUNKS = rf"{_SPELLED}+(?:[ 　、,]{{1,2}}{_SPELLED}+)*"
_GAP = r"[ 　、,]{0,2}"


class JaEmailRecognizer(JaPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        JaPattern("email (strong)",
                  r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?![A-Za-z0-9\-])", 0.9),
        JaPattern("spelled email (medium)", rf"{_CHUNKS}{_GAP}{_AT}{_GAP}{_CHUNKS}", 0.6),
    ]
    CONTEXT = ["メール", "アドレス", "めーる"]

    def validate_result(self, value: str) -> Optional[bool]:
        """A spelled address needs a dot (ドット) after the at sign."""
        domain = re.split(_AT, value, maxsplit=1)[-1]
        if "." in domain or any(word in domain for word in DOT_WORDS):
            return None
        return False
