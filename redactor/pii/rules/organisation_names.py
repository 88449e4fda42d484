"""Organisation and product names said in the call are not people (evidence in organisations.py).

「ハルカ電力」「ヒカリモバイル」: coined company names look like given names to Sudachi and GiNZA.
A PERSON span goes when the call's organisation names it, a business suffix or prefix is attached,
or GiNZA calls a larger expression around it an organisation; the softer evidence yields to a
person cue (「ハルカさん」「ソラと申します」) or to the caller answering a name question.
"""

from __future__ import annotations

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.rules.base import CallRule
from redactor.pii.spans import Span, SpanSet


class OrganisationNames(CallRule):
    NAME = "organisation_names"

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled or call.organisations is None:
            return
        for turn in call.turns:
            spans.replace(turn.index, self.keep(call, turn, spans.findings(turn.index)))

    @staticmethod
    def keep(call: CallView, turn: TurnView, found: list[Span]) -> list[Span]:
        """The spans of a turn that organisation evidence does not explain away."""
        answering_name = "PERSON" in turn.context.expected and not turn.is_operator
        organisations = call.organisations
        return organisations.keep_spans(turn.text, found, organisations.ner_spans[turn.index], answering_name)
