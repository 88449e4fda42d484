"""Phone numbers an operator gives as the organisation's own are kept (not personal, needed for QA).

A toll-free or navigation-dial number (0120, 0800, 0570), or a number followed by
「までお問い合わせ」「でも承っております」, said in a turn that may be the operator's. Not where it
repeats a number the other party said just before (`repeat_min_digits` of its digits in a row,
within `lookback_turns`): that is the operator reading the caller's number back, and recognition
hears a caller's 「ゼロハチゼロの」 as 0800 too.
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

_PHONE_SHAPE = re.compile(r"(?<![\d\-])0\d{1,4}-?\d{1,4}-?\d{3,4}(?![\d\-])")


class OrganisationNumbersConfig(RuleConfig):
    prefixes: list[str] = Field(["0120", "0800", "0570"], description="Toll-free and navigation-dial prefixes.")
    cues_after: list[str] = Field(["までお問い合わせ", "までお電話", "までご連絡", "までお願い", "でも承", "にお問い合わせ"],
                                  description="Words right after a number that make it the organisation's.")
    repeat_min_digits: int = Field(6, ge=3, description="Digits in a row shared with a number the other party said "
                                                        "before that make the number a read-back of theirs.")
    lookback_turns: int = Field(4, ge=0, le=12, description="Turns before the number searched for the other party's.")


class OrganisationNumbers(CallRule):
    NAME = "organisation_numbers"
    Config = OrganisationNumbersConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            if turn.may_ask:
                heard = self._heard_before(call, turn)
                for start, end in self.numbers(turn.text):
                    if not _shares_digits(turn.text[start:end], heard, self.config.repeat_min_digits):
                        spans.protect(turn.index, start, end)

    def numbers(self, line: str) -> list[tuple[int, int]]:
        """[start, end) of the organisation's own numbers in a turn."""
        found = []
        for match in _PHONE_SHAPE.finditer(line):
            number, rest = match.group(), line[match.end():match.end() + 12]
            if number.startswith(tuple(self.config.prefixes)) or rest.lstrip().startswith(tuple(self.config.cues_after)):
                found.append(match.span())
        return found

    def _heard_before(self, call: CallView, turn: TurnView) -> list[str]:
        """The digits of each turn of another speaker within `lookback_turns` before `turn`
        (all of a turn's digits joined: recognition splits a spoken number anywhere)."""
        before = call.turns[max(0, turn.index - self.config.lookback_turns):turn.index]
        return ["".join(ch for ch in t.text if ch.isdigit()) for t in before if t.speaker != turn.speaker]


def _shares_digits(number: str, heard: list[str], run: int) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit())
    return any(digits[i:i + run] in said for said in heard for i in range(len(digits) - run + 1))
