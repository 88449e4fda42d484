"""CARD_EXPIRY: MM/YY, 2028年12月, 12月の28年, 「12の28」 near 有効期限."""

from __future__ import annotations


from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer

_MONTH = r"(?:0?[1-9]|1[0-2])"
# Speech recognition spaces digits out (2 029年): a year is 2 or 4 digits, spaces allowed between.
_YEAR = r"(?:2 ?0 ?)?\d ?\d"
# Between year and month, spoken answers put の, a pause (、) or both: 2027年の、11月.
_GAP = r"(?:\s?(?:の|、)){0,2}\s?"


class JaCardExpiryRecognizer(JaPatternRecognizer):
    ENTITY = "CARD_EXPIRY"
    PATTERNS = [
        JaPattern("MM/YY (weak)", rf"(?<![\d/])(?:{_MONTH})\s?/\s?(?:20)?\d{{2}}(?![\d/])", 0.3),
        JaPattern("year-month (very weak)",
                  rf"(?<!\d)(?<!\d ){_YEAR}年{_GAP}{_MONTH}月(?!\d)(?![\sの、]*\d{{1,2}}日)", 0.15),
        JaPattern("month-year (very weak)", rf"(?<!\d){_MONTH}月{_GAP}{_YEAR}年(?!\d)", 0.15),
        JaPattern("spoken month-year (very weak)", rf"(?<![\d\-]){_MONTH}(?:の|、)\s?\d{{2}}(?![\d\-])", 0.1),
        JaPattern("MMYY (very weak)", r"(?<!\d)(?:0[1-9]|1[0-2])\d{2}(?!\d)", 0.05),
    ]
    CONTEXT = ["有効期限", "期限", "ゆうこうきげん", "エクスパイア"]
    FUZZY_CONTEXT = True
