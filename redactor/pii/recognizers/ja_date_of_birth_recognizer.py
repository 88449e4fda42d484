"""DATE_OF_BIRTH: 和暦 (昭和46年8月3日, 平成元年) and 西暦 full dates, with 生年月日/誕生日 context.

A full date is weak evidence alone (contracts and appointments have dates too); an era date or
a year at least 15 years back is typical of a birth date in these calls, context settles it.
A month and day alone (「5月16日です」: the year unsaid, or lost by recognition, as in 「平成画面5月16日」
for 平成元年) is the faintest candidate: only a birth-date question lifts it, in the caller's answer.
"""

from __future__ import annotations

import datetime
import re
from typing import Optional

from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer, turn_bounds

_ERA = r"(?:明治|大正|昭和|平成)"
_ERA_ANY = r"(?:明治|大正|昭和|平成|令和)"
MONTH_AND_DAY = "month and day (very weak)"
_MD = r"[の、,\s]*(?P<month>\d{1,2})月[の、,\s]*(?P<day>\d{1,2})日"


class JaDateOfBirthRecognizer(JaPatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        # A full date in a pre-令和 era is how callers give a birth date; 令和 dates are recent events.
        JaPattern("era date (medium)", rf"{_ERA}\s?(?P<year>\d{{1,2}}|元)年{_MD}", 0.5),
        JaPattern("令和 date (weak)", rf"令和\s?(?P<year>\d{{1,2}}|元)年{_MD}", 0.3),
        JaPattern("western date (weak)", rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})年{_MD}", 0.3),
        JaPattern("two-digit year date (very weak)", rf"(?<![\d年])(?P<year>\d{{2}})年{_MD}", 0.15),
        JaPattern("slashed date (weak)",
                  r"(?<![\d/])(?P<year>(?:19|20)\d{2})[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})(?![\d/])", 0.3),
        JaPattern(MONTH_AND_DAY,
                  rf"(?:{_ERA_ANY}[^\d\s、。]{{0,2}})?(?<![\d年])(?P<month>\d{{1,2}})月[の、,\s]*(?P<day>\d{{1,2}})日", 0.15),
    ]
    CONTEXT = ["生年月日", "誕生日", "生まれ", "たんじょうび", "せいねんがっぴ", "年齢"]
    OLD_DATE_SCORE = 0.5

    def analyze(self, text, entities, nlp_artifacts=None):
        results = _without_second_dates(text, super().analyze(text, entities, nlp_artifacts))
        this_year = datetime.date.today().year
        for result in results:
            match = re.search(r"(?<!\d)((?:19|20)\d{2})(?=年|[/.])", text[result.start:result.end])
            # A western year 15+ years back on a full date: most likely a birth date.
            if match and int(match.group(1)) <= this_year - 15:
                result.score = max(result.score, self.OLD_DATE_SCORE)
        return results

    def validate_result(self, value: str) -> Optional[bool]:
        """False for impossible months or days (a time or a count read as a date)."""
        numbers = re.findall(r"\d+", value)
        if len(numbers) < 2:
            return None
        month, day = int(numbers[-2]), int(numbers[-1])
        return None if 1 <= month <= 12 and 1 <= day <= 31 else False


def _without_second_dates(text: str, results: list) -> list:
    """A month and day alone is no birth date in a turn that gives a full date: the birth date was
    said with its year, the other date is something else (「…12月31日です。引っ越しは4月15日です」)."""
    def month_day_only(result) -> bool:
        return (result.analysis_explanation is not None
                and result.analysis_explanation.pattern_name == MONTH_AND_DAY)

    dated_turns = {turn_bounds(text, r.start, r.end) for r in results if not month_day_only(r)}
    return [r for r in results if not (month_day_only(r) and turn_bounds(text, r.start, r.end) in dated_turns)]
