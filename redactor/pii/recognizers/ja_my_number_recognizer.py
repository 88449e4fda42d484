"""MY_NUMBER: the 12-digit individual number, checked with its official check digit."""

from __future__ import annotations

from typing import Optional

from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of


def my_number_check_digit_ok(digits: str) -> bool:
    """Check digit per the ministerial ordinance: 11 - sum(P_n * Q_n) mod 11 (0 when <= 1)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = digits[:11]
    total = 0
    for n in range(1, 12):
        p = int(body[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


class JaMyNumberRecognizer(JaPatternRecognizer):
    ENTITY = "MY_NUMBER"
    PATTERNS = [
        JaPattern("4-4-4 (weak)", rf"(?<![\d\-])\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}(?![\d\-]|{SEP}\d)", 0.3),
        JaPattern("12 digits (weak)", r"(?<![\d\-])\d{12}(?![\d\-])", 0.3),
    ]
    CONTEXT = ["マイナンバー", "個人番号", "通知カード", "マイナ"]
    VALIDATED_SCORE = 0.8  # a valid check digit is 1 in 11 by chance: context must still count

    def validate_result(self, value: str) -> Optional[bool]:
        return True if my_number_check_digit_ok(digits_of(value)) else None
