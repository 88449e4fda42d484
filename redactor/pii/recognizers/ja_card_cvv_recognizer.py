"""CARD_CVV: three or four digits near セキュリティコード / 裏の番号 (context only)."""

from __future__ import annotations


from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer


class JaCardCvvRecognizer(JaPatternRecognizer):
    ENTITY = "CARD_CVV"
    PATTERNS = [
        JaPattern("3-4 digits (very weak)", r"(?<![\d\-/.,])\d{3,4}(?![\d\-/.,円])", 0.15),
        # speech recognition writes digits read one by one with spaces: 5 1 8
        JaPattern("3-4 spaced digits (very weak)", r"(?<![\d\-/.,])(?<!\d )\d(?: \d){2,3}(?![\d\-/.,円]| \d)", 0.15),
    ]
    CONTEXT = ["セキュリティコード", "セキュリティ番号", "セキュリティー", "裏の番号", "裏面", "裏", "cvv", "cvc", "3桁"]
    FUZZY_CONTEXT = True
