"""CUSTOMER_ID: お客様番号 / 契約番号 / service IDs such as MT-2207-4815, sn-48820731, G-77310948."""

from __future__ import annotations

from typing import Optional

from redactor.pii.lexicon.spelling import LETTER_NAMES
from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of

_GROUPS = rf"\d{{2,}}(?:{SEP}\d{{2,}})*"


class JaCustomerIdRecognizer(JaPatternRecognizer):
    ENTITY = "CUSTOMER_ID"
    PATTERNS = [
        JaPattern("letter-prefixed ID (medium)",
                  rf"(?<![A-Za-z0-9])[A-Za-z]{{1,4}}\s?(?:-|の)?\s?{_GROUPS}(?![\dA-Za-z\-])", 0.5),
        JaPattern("spoken letter-prefixed ID (weak)",
                  rf"(?:{LETTER_NAMES}){{1,4}}\s?(?:の|-)?、?\s?{_GROUPS}(?![\d\-])", 0.35),
        JaPattern("digit groups (very weak)", rf"(?<![\d.\-]){_GROUPS}(?![\d.\-]|{SEP}\d)", 0.15),
    ]
    CONTEXT = ["お客様番号", "お客さま番号", "契約番号", "会員番号", "顧客番号", "id", "アイディー", "検針票", "お客様id"]

    def validate_result(self, value: str) -> Optional[bool]:
        """IDs here have six digits or more; fewer is a plan name, a price or a count."""
        return None if len(digits_of(value)) >= 6 else False
