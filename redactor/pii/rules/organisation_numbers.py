"""Phone numbers an operator gives as the organisation's own are kept (not personal, needed for QA).

A toll-free or navigation-dial number (0120, 0800, 0570), or a number followed by
「までお問い合わせ」「でも承っております」, said in a turn that may be the operator's.
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

_PHONE_SHAPE = re.compile(r"(?<![\d\-])0\d{1,4}-?\d{1,4}-?\d{3,4}(?![\d\-])")


class OrganisationNumbersConfig(RuleConfig):
    prefixes: list[str] = Field(["0120", "0800", "0570"], description="Toll-free and navigation-dial prefixes.")
    cues_after: list[str] = Field(["までお問い合わせ", "までお電話", "までご連絡", "までお願い", "でも承", "にお問い合わせ"],
                                  description="Words right after a number that make it the organisation's.")


class OrganisationNumbers(CallRule):
    NAME = "organisation_numbers"
    Config = OrganisationNumbersConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            if turn.may_ask:
                for start, end in self.numbers(turn.text):
                    spans.protect(turn.index, start, end)

    def numbers(self, line: str) -> list[tuple[int, int]]:
        """[start, end) of the organisation's own numbers in a turn."""
        found = []
        for match in _PHONE_SHAPE.finditer(line):
            number, rest = match.group(), line[match.end():match.end() + 12]
            if number.startswith(tuple(self.config.prefixes)) or rest.lstrip().startswith(tuple(self.config.cues_after)):
                found.append(match.span())
        return found
