"""CREDIT_CARD: 13-19 digits in groups or not, checked with Luhn."""

from __future__ import annotations

from typing import Optional

from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class JaCreditCardRecognizer(JaPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = [
        JaPattern("4-4-4-4 card (weak)", rf"(?<!\d)\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}{SEP}\d{{1,4}}(?![\d\-])", 0.3),
        JaPattern("4-6-5 card (weak)", rf"(?<!\d)\d{{4}}{SEP}\d{{6}}{SEP}\d{{4,5}}(?![\d\-])", 0.3),
        JaPattern("ungrouped card (very weak)", r"(?<!\d)\d{13,19}(?!\d)", 0.2),
    ]
    CONTEXT = ["カード", "クレジット", "クレカ", "visa", "マスター", "jcb", "アメックス"]

    def validate_result(self, value: str) -> Optional[bool]:
        """Luhn decides; a failed Luhn is no proof (speech may garble a digit), so None."""
        digits = digits_of(value)
        if not 13 <= len(digits) <= 19:
            return False
        return True if luhn_ok(digits) else None
