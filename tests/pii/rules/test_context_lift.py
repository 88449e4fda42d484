"""context_lift: an operator's question lifts the answer's candidates of the asked type; the rest stay below."""

import pytest

from redactor.pii.rules.context_lift import ContextLift

from ..helpers import rule_effect

ASK_PHONE = ("operator", "ご連絡先のお電話番号をお願いします。")


@pytest.mark.parametrize("turns, spans, added", [
    # a weak candidate of the asked type in the answer is lifted
    ([ASK_PHONE, ("caller", "えっと、03の5566の7788です")], [(1, "03の5566の7788", "PHONE_NUMBER", 0.3)],
     {(1, "03の5566の7788", "PHONE_NUMBER")}),
    # ...the question asked three turns back still counts
    ([ASK_PHONE, ("caller", "はい"), ("operator", "どうぞ"), ("caller", "03の5566の7788")],
     [(3, "03の5566の7788", "PHONE_NUMBER", 0.3)], {(3, "03の5566の7788", "PHONE_NUMBER")}),
    # no question for it: it stays a candidate
    ([("operator", "ご用件をお伺いします。"), ("caller", "03の5566の7788の件です")],
     [(1, "03の5566の7788", "PHONE_NUMBER", 0.3)], set()),
    # a question for another type lifts nothing here
    ([("operator", "生年月日をお願いします。"), ("caller", "03の5566の7788です")],
     [(1, "03の5566の7788", "PHONE_NUMBER", 0.3)], set()),
    # the operator's opening is expected to name the operator, but the faintest shapes are not lifted
    # in an operator's turn (operators also say product names)
    ([("operator", "お電話ありがとうございます。ソラでございます。")], [(0, "ソラ", "PERSON", 0.2)], set()),
    ([("operator", "お電話ありがとうございます。佐藤でございます。")], [(0, "佐藤", "PERSON", 0.3)],
     {(0, "佐藤", "PERSON")}),
    # a faint number shape of the asked type in the operator's turn is the read-back of the answer
    ([("operator", "有効期限を月、年の順にお願いします"), ("caller", "12の28です"),
      ("operator", "優厚危険は2028年12月で承りました")], [(2, "2028年12月", "CARD_EXPIRY", 0.15)],
     {(2, "2028年12月", "CARD_EXPIRY")}),
    # ...but not one of a type nobody asked for
    ([("operator", "ご用件をお伺いします。"), ("caller", "料金のことで"),
      ("operator", "2028年12月までの割引でございます")], [(2, "2028年12月", "CARD_EXPIRY", 0.15)], set()),
])
def test_context_lift(turns, spans, added):
    assert rule_effect(ContextLift(), turns, spans) == (added, set())


def test_a_finding_needs_no_lift_and_a_disabled_rule_lifts_nothing():
    turns = [ASK_PHONE, ("caller", "03の5566の7788です")]
    spans = [(1, "03の5566の7788", "PHONE_NUMBER", 0.3), (1, "です", "PERSON", 0.9)]
    assert rule_effect(ContextLift(ContextLift.Config(enabled=False)), turns, spans) == (set(), set())
