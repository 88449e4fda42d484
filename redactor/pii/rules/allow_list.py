"""The site's own names and numbers (`allow_list` in pii.yaml) are kept verbatim in every turn.

Presidio's allow-list only drops a result equal to an item; here any span touching an item's
occurrence goes, and no later rule may add one there.
"""

from __future__ import annotations

from redactor.pii.dialogue import CallView
from redactor.pii.normalize import normalize
from redactor.pii.rules.base import CallRule
from redactor.pii.spans import SpanSet


class AllowList(CallRule):
    NAME = "allow_list"

    def __init__(self, config=None, pii=None):
        super().__init__(config, pii)
        self._items = [item for item in (normalize(i).text for i in self.pii.allow_list) if item]

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for item in self._items:
                at = turn.text.find(item)
                while at >= 0:
                    spans.protect(turn.index, at, at + len(item))
                    at = turn.text.find(item, at + 1)
