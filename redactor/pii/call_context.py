"""A call is one conversation: an operator's question is context for the caller's answer.

`plan_turn_contexts` finds, for every turn, the entity types recent operator questions asked
for (「お電話番号をお願いします」 -> PHONE_NUMBER). The redactor lifts weak candidates of those
types, and `fail_closed_numbers` redacts digit runs in a caller's answer to a number question
even when no pattern validates them: speech recognition garbles, and a leak costs more than a
redacted count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redactor.pii.config import CallContextConfig
from redactor.pii.entities import NUMERIC_TYPES
from redactor.pii.recognizers.base import LETTER_NAMES, SEP

_DIGIT_RUN = re.compile(rf"(?<![\d.])\d+(?:{SEP}\d+)*")
_PREFIX = re.compile(rf"(?:[A-Za-z]{{1,4}}|(?:{LETTER_NAMES}){{1,4}})\s?(?:-|の)?、?\s?$")
# Digit counts each numeric type can have (a partial card answer is 4+ digits).
_DIGIT_COUNTS = {
    "PHONE_NUMBER": range(10, 12), "POSTAL_CODE": range(7, 8), "CARD_CVV": range(3, 5),
    "CARD_EXPIRY": range(3, 7), "CREDIT_CARD": range(4, 20), "MY_NUMBER": range(12, 13),
    "DRIVERS_LICENSE": range(12, 13), "BANK_ACCOUNT": range(3, 11), "PASSPORT": range(7, 8),
    "CUSTOMER_ID": range(4, 21), "IP_ADDRESS": range(4, 13),
}


@dataclass(frozen=True)
class TurnContext:
    """What the conversation expects in one turn."""

    is_operator: bool
    expected: frozenset[str]

    @property
    def expects_number(self) -> bool:
        return any(t in NUMERIC_TYPES for t in self.expected)


@dataclass(frozen=True)
class NumberRun:
    """A digit run the call context says must go: span in the normalized turn text and its type."""

    start: int
    end: int
    entity_type: str


def is_operator(speaker: str, conf: CallContextConfig) -> bool:
    return speaker.strip().lower() in {s.lower() for s in conf.operator_speakers}


def asked_types(text: str, conf: CallContextConfig) -> set[str]:
    """Entity types an operator turn asks for (cue word + request marker), else empty."""
    if not any(marker in text for marker in conf.request_markers):
        return set()
    return {etype for etype, cues in conf.questions.items() if any(cue in text for cue in cues)}


def plan_turn_contexts(speakers: list[str], texts: list[str], conf: CallContextConfig) -> list[TurnContext]:
    """For each turn, the union of what the operator asked in the previous `lookback_turns` turns."""
    asked: list[set[str]] = []
    last_question: set[str] = set()
    contexts = []
    greeted = False
    for i, (speaker, text) in enumerate(zip(speakers, texts)):
        operator = is_operator(speaker, conf)
        expected: set[str] = set()
        for j in range(max(0, i - conf.lookback_turns), i):
            expected |= asked[j]
        if operator and not greeted:
            expected.add("PERSON")  # the opening operator turn introduces the operator by name
            greeted = True
        contexts.append(TurnContext(operator, frozenset(expected)))
        here = asked_types(text, conf) if operator else set()
        if operator and not here and any(m in text for m in conf.continuation_markers):
            here = set(last_question)  # 「続きをお願いします」: the same question again
        if here:
            last_question = here
        asked.append(here)
    return contexts


def fail_closed_numbers(text: str, context: TurnContext, conf: CallContextConfig) -> list[NumberRun]:
    """Digit runs to redact in one turn: long runs anywhere, shorter ones in answers to number questions."""
    runs = []
    for match in _DIGIT_RUN.finditer(text):
        start, end = match.span()
        digits = sum(ch.isdigit() for ch in match.group())
        if _followed_by_unit(text, end, conf):
            continue
        answering = context.expects_number and not context.is_operator
        if digits < conf.always_redact_min_digits and not (answering and digits >= conf.fail_closed_min_digits):
            continue
        prefix = _PREFIX.search(text[max(0, start - 16):start])
        if prefix and prefix.group().strip():
            start -= len(prefix.group())
        runs.append(NumberRun(start, end, guess_type(digits, text, start, context)))
    return runs


def _followed_by_unit(text: str, end: int, conf: CallContextConfig) -> bool:
    rest = text[end:end + 6].lstrip()
    return rest.startswith(tuple(conf.number_units)) if conf.number_units else False


def guess_type(digits: int, text: str, start: int, context: TurnContext) -> str:
    """The expected numeric type that fits the digit count; else a guess from the count."""
    for etype in sorted(context.expected):
        if etype in _DIGIT_COUNTS and digits in _DIGIT_COUNTS[etype]:
            return etype
    if digits in (10, 11) and text[start:start + 1] == "0":
        return "PHONE_NUMBER"
    if 13 <= digits <= 19:
        return "CREDIT_CARD"
    return "CUSTOMER_ID"
