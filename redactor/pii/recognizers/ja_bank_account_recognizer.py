"""BANK_ACCOUNT: 普通/当座 + account number, 口座番号, 店番/支店番号, ゆうちょ 記号 + 番号."""

from __future__ import annotations

from typing import Optional

from redactor.pii.recognizers.base import SEP, JaPattern, JaPatternRecognizer, digits_of

_SPACED7 = r"\d(?:\s?\d){5,7}"


class JaBankAccountRecognizer(JaPatternRecognizer):
    ENTITY = "BANK_ACCOUNT"
    PATTERNS = [
        JaPattern("account type + number (strong)",
                  rf"(?:普通|当座|貯蓄)(?:預金)?(?:口座)?(?:番号)?(?:は|が)?[の、,\s]*(?P<value>{_SPACED7})(?![\d\-])", 0.7),
        JaPattern("口座番号 + number (strong)",
                  rf"口座(?:番号)?(?:は|が)?[の、,\s]*(?P<value>{_SPACED7})(?![\d\-])", 0.7),
        JaPattern("branch number (strong)",
                  r"(?:店番号?|支店番号|支店コード|店舗番号)(?:は|が)?[の、,\s]*(?P<value>\d(?:\s?\d){2})(?![\d\-])", 0.7),
        JaPattern("ゆうちょ 記号 (medium)", r"記号(?:は|が)?[の、,\s]*(?P<value>\d(?:\s?\d){4})(?![\d\-])", 0.5),
        JaPattern("ゆうちょ 記号+番号 (medium)", rf"(?<![\d\-])1\d{{4}}{SEP}\d(?:\s?\d){{6,7}}(?![\d\-])", 0.45),
        JaPattern("ゆうちょ 番号 (weak)", r"番号(?:は|が)[の、,\s]*(?P<value>\d(?:\s?\d){7})(?![\d\-])", 0.3),
        JaPattern("7 digits (very weak)", rf"(?<![\d\-]){_SPACED7}(?![\d\-])", 0.1),
    ]
    CONTEXT = ["口座", "普通", "当座", "支店", "店番", "振込", "振替", "銀行", "ゆうちょ", "記号", "信用金庫", "名義"]

    def validate_result(self, value: str) -> Optional[bool]:
        digits = digits_of(value)
        return None if 3 <= len(digits) <= 13 else False  # 13: ゆうちょ 記号 + 番号
