"""PHONE_NUMBER: mobile (070/080/090), fixed lines, 0120/0800, 050, +81; any dash, spaces, 「の」."""

from __future__ import annotations

from typing import Optional

import phonenumbers

from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of


class JaPhoneNumberRecognizer(JaPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        JaPattern("grouped phone (medium)", rf"(?<![\d.\-])0\d{{1,4}}{SEP}\d{{1,4}}{SEP}\d{{3,4}}(?![\d\-])", 0.4),
        JaPattern("ungrouped phone (weak)", r"(?<![\d.\-])0\d{9,10}(?![\d\-])", 0.3),
        JaPattern("international +81 (medium)", r"\+81[\s\-]?\d{1,4}[\s\-]?\d{1,4}[\s\-]?\d{3,4}(?!\d)", 0.5),
    ]
    CONTEXT = ["電話", "携帯", "ケータイ", "連絡先", "でんわ", "自宅", "固定", "折り返し", "tel", "スマホ"]

    def validate_result(self, value: str) -> Optional[bool]:
        """True for a number libphonenumber calls valid in Japan; False when it cannot be one."""
        digits = digits_of(value)
        if value.startswith("+81"):
            digits = "0" + digits[2:]
        if len(digits) not in (10, 11) or digits.startswith("00"):
            return False  # 00 is the international call prefix, never a domestic number
        try:
            number = phonenumbers.parse(digits, "JP")
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return True
        return None  # speech recognition may garble one digit; context may still decide
