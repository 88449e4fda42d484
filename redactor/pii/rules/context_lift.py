"""An operator's question lifts the answer's candidates of the asked types over the threshold.

「お電話番号をお願いします」 makes a weak phone-number shape in the next turns a phone number. The
faintest candidates (a bare name-shaped word) are lifted only in the caller's answers: operators
also say product and company names. Faint number shapes are lifted in the operator's turns too:
there they are the read-back of the answer (「有効期限は2028年12月で承りました」 with 有効期限
garbled away), and a number shape is no product name. Candidates still below the threshold are dropped here: from
this rule on, every span is a finding.
"""

from __future__ import annotations

from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.entities import NUMERIC_TYPES
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import Span, SpanSet


class ContextLiftConfig(RuleConfig):
    boost: float = Field(0.35, ge=0, le=1, description="Added to the score of a candidate of an expected type.")
    very_weak: float = Field(0.25, ge=0, le=1,
                             description="Candidates below this are lifted in a caller's turn only.")


class ContextLift(CallRule):
    NAME = "context_lift"
    Config = ContextLiftConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        for turn in call.turns:
            context = turn.context
            if self.config.enabled:
                spans.rescore(turn.index, lambda s: s.score + (self.config.boost if self._lifted(s, context) else 0.0))
            spans.drop(turn.index, lambda s: s.score < spans.threshold)

    def _lifted(self, span: Span, context) -> bool:
        if span.type not in context.expected:
            return False
        return not context.is_operator or span.score >= self.config.very_weak or span.type in NUMERIC_TYPES
