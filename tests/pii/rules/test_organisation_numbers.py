"""organisation_numbers: the organisation's own numbers, given by the operator, stay for QA."""

import pytest

from redactor.pii.rules.organisation_numbers import OrganisationNumbers

from ..helpers import rule_effect


@pytest.mark.parametrize("turns, value, dropped", [
    ([("operator", "ご不明点は0120-964-275までお問い合わせください。")], "0120-964-275", True),    # toll-free
    ([("operator", "0570-000-123でも承っております。")], "0570-000-123", True),
    ([("operator", "03-1234-5678までお問い合わせください。")], "03-1234-5678", True),              # cue after it
    ([("unknown", "03-1234-5678までお電話ください。")], "03-1234-5678", True),                      # mono: anyone
    ([("operator", "080-4629-3178ですね。")], "080-4629-3178", False),                             # the caller's
    ([("caller", "0120-964-275までお問い合わせって書いてあります")], "0120-964-275", False),          # a caller's turn
    # a read-back of the caller's number is the caller's, whatever prefix recognition gave it
    ([("caller", "携帯のほうにして。0800の3927の640"), ("operator", "08003927642ですね")], "08003927642", False),
    ([("caller", "えっと、080、3927…6410です"), ("operator", "0800-392-7641でよろしいですか")], "0800-392-7641", False),
    # the organisation's number stays, with the caller's own number said before, or in mono
    ([("caller", "080-3927-6410です"), ("operator", "ご不明点は0120-964-275までお問い合わせください")],
     "0120-964-275", True),
    ([("caller", "0120-964-275ですか"), ("caller", "あ、はい"), ("caller", "ええ"), ("caller", "はい"),
      ("caller", "うん"), ("operator", "はい、0120-964-275でございます")], "0120-964-275", True),  # beyond lookback
    ([("unknown", "0120-964-275ですか"), ("unknown", "0120-964-275でございます")], "0120-964-275", True),
])
def test_organisation_numbers(turns, value, dropped):
    last = len(turns) - 1
    spans = [(last, value, "PHONE_NUMBER", 1.0)]
    expected = {(last, value, "PHONE_NUMBER")} if dropped else set()
    added, gone = rule_effect(OrganisationNumbers(), turns, spans)
    assert (added, {g for g in gone if g[0] == last}) == (set(), expected)
