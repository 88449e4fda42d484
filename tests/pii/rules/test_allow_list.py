"""allow_list: the site's own names and numbers stay, and no later rule may redact them."""

import pytest

from redactor.pii.config import PiiConfig
from redactor.pii.rules.allow_list import AllowList
from redactor.pii.rules.name_answers import NameAnswers

from ..helpers import rule_effect

CONFIG = PiiConfig(allow_list=["ヤマブキ通信", "03-1234-0000"])


@pytest.mark.parametrize("turns, spans, dropped", [
    ([("operator", "ヤマブキ通信の田中です")], [(0, "ヤマブキ", "PERSON", 0.6), (0, "田中", "PERSON", 0.9)],
     {(0, "ヤマブキ", "PERSON")}),
    # any span touching an item goes (the item written with other widths too)
    ([("caller", "０３－１２３４－００００に電話しました")], [(0, "03-1234-0000", "PHONE_NUMBER", 1.0)],
     {(0, "03-1234-0000", "PHONE_NUMBER")}),
    ([("caller", "03-1234-0001に電話しました")], [(0, "03-1234-0001", "PHONE_NUMBER", 1.0)], set()),
])
def test_allow_list(turns, spans, dropped):
    assert rule_effect(AllowList(pii=CONFIG), turns, spans, CONFIG) == (set(), dropped)


def test_a_later_rule_cannot_redact_allowed_text():
    from redactor.pii.dialogue import CallView
    from redactor.pii.normalize import normalize
    from redactor.pii.spans import SpanSet

    turns = [("operator", "お名前をお願いします。"), ("caller", "ヤマブキ通信です")]
    call = CallView.build([s for s, _ in turns], [normalize(t) for _, t in turns], CONFIG.call_context)
    spans = SpanSet(2, 0.5)
    AllowList(pii=CONFIG).apply(call, spans)
    NameAnswers().apply(call, spans)  # alone it would take ヤマブキ通信 as the answered name
    assert spans.findings(1) == []
