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
])
def test_organisation_numbers(turns, value, dropped):
    expected = {(0, value, "PHONE_NUMBER")} if dropped else set()
    assert rule_effect(OrganisationNumbers(), turns, [(0, value, "PHONE_NUMBER", 1.0)]) == (set(), expected)
