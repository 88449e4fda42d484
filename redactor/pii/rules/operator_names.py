"""The operator's own name in the greeting and the sign-off goes, however it is misheard.

「アヤメ銀行の内田です」「光がす引っ越し受け付けセンターは山元でございます」: the slot after the
organisation, or the name slot of the opening and sign-off frames, is the operator's name whatever
its characters (the frames are found in organisations.py and operator_intro.py, with the call's
organisations; their word lists are `organisations:` in pii.yaml).
"""

from __future__ import annotations

from redactor.pii.dialogue import CallView
from redactor.pii.rules.base import CallRule
from redactor.pii.spans import SpanSet


class OperatorNames(CallRule):
    NAME = "operator_names"

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled or call.organisations is None:
            return
        for turn, start, end in call.organisations.staff:
            spans.add_uncovered(turn, "PERSON", start, end)
