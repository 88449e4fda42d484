"""POSTAL_CODE: 〒123-4567, 郵便番号 context, or a code directly before a prefecture."""

from __future__ import annotations

from typing import Optional

from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer, digits_of
from redactor.pii.recognizers.prefectures import PREFECTURES


class JaPostalCodeRecognizer(JaPatternRecognizer):
    ENTITY = "POSTAL_CODE"
    PATTERNS = [
        JaPattern("postal mark (strong)", r"〒\s?(?P<value>\d{3}\s?(?:-|の|、)?\s?\d{4})(?!\d)", 0.9),
        JaPattern("postal code (weak)",
                  r"(?<![\d\-])(?<!\d、)(?<!\dの)\d{3}\s?(?:-|の|、)\s?\d{4}(?![\d\-])", 0.3),
    ]
    CONTEXT = ["郵便番号", "〒", "住所", "ゆうびん", "送付先", "お届け先"] + PREFECTURES
    CONTEXT_AFTER = 6

    def validate_result(self, value: str) -> Optional[bool]:
        return None if len(digits_of(value)) == 7 else False
