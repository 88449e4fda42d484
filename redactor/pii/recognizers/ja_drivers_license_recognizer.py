"""DRIVERS_LICENSE: 12 digits near 免許 (the check-digit scheme is not published)."""

from __future__ import annotations

from typing import Optional

from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of


class JaDriversLicenseRecognizer(JaPatternRecognizer):
    ENTITY = "DRIVERS_LICENSE"
    PATTERNS = [
        JaPattern("12 digits (weak)", r"(?<![\d\-])\d{12}(?![\d\-])", 0.45),
        JaPattern("grouped 12 digits (weak)", rf"(?<![\d\-])\d{{2,6}}(?:{SEP}\d{{2,6}}){{1,5}}(?![\d\-]|{SEP}\d)", 0.1),
    ]
    CONTEXT = ["免許", "めんきょ", "運転"]

    def validate_result(self, value: str) -> Optional[bool]:
        """Twelve digits, the first two a public-safety-commission code (10..99)."""
        digits = digits_of(value)
        return None if len(digits) == 12 and digits[0] != "0" else False
