"""Digit runs in a turn, as the dialogue planner and the number rules see them.

Inside a number answer, digit groups separated by a few garbled characters (080、午後1 2位、903 4,
where 午後 was 「ごご」 = 55) or by hesitations (「090、えっと、1234」) are one run (`bridge`), unless a
unit or a sentence end comes between.
Digit groups joined by dots are one run too: speech recognition writes a spoken number with decimal
points and ellipses (「3.58241」「0908.0372615」「0...1...2」), a decimal (1.6倍) stays a short run.
"""

from __future__ import annotations

import re

from redactor.pii.config import CallContextConfig
from redactor.pii.lexicon.chars import SENTENCE_END_MARKS
from redactor.pii.lexicon.speech import FILLERS
from redactor.pii.recognizers.base import SEP

_DIGIT_RUN = re.compile(rf"(?<!\d)(?<!\d\.)\d+(?:(?:{SEP}|\s*\.{{1,3}}\s*)\d+)*")
# A number written in thousands (18,420): an amount when a unit follows, else often digits said in
# one breath that recognition formatted
THOUSANDS = re.compile(r"\d{1,3}(?:[,，]\d{3})+")
_ELLIPSIS = re.compile(r"\.{2,}|…")  # a pause inside a number, not a sentence end
_SENTENCE_END = set(SENTENCE_END_MARKS + "\n")
# Words that begin with a unit's kanji but name no count (「…5631名義は」: the account's last digits, then 名義)
NOT_UNIT_WORDS = ("名義", "名前", "名字", "名簿")


def digit_runs(text: str, conf: CallContextConfig, bridge: bool, lo: int = 0) -> list[tuple[int, int]]:
    """Digit runs from `lo` on; with `bridge`, groups a few garbled characters apart are one run."""
    runs: list[list[int]] = []
    for match in _DIGIT_RUN.finditer(text, lo):
        start, end = match.span()
        if bridge and runs and _bridgeable(text, runs[-1][1], start, conf):
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [(s, e) for s, e in runs]


def longest_digit_count(text: str, conf: CallContextConfig) -> int:
    """Digits in the longest (bridged) run of a turn."""
    return max((sum(ch.isdigit() for ch in text[s:e]) for s, e in digit_runs(text, conf, bridge=True)), default=0)


def followed_by_unit(text: str, end: int, conf: CallContextConfig) -> bool:
    """A count, price or time unit follows the digits (3回, 1,100円, 2週間)."""
    rest = text[end:end + 6].lstrip()
    return bool(conf.number_units) and rest.startswith(tuple(conf.number_units)) and not rest.startswith(NOT_UNIT_WORDS)


def _bridgeable(text: str, gap_start: int, gap_end: int, conf: CallContextConfig) -> bool:
    gap = _ELLIPSIS.sub(" ", text[gap_start:gap_end])
    for hesitation in FILLERS:  # 「090、えっと、1234」: a hesitation does not end the number
        gap = gap.replace(hesitation, "")
    return (len(gap.strip()) <= conf.bridge_max_chars and not any(ch in _SENTENCE_END for ch in gap)
            and not followed_by_unit(text, gap_start, conf))
