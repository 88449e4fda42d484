"""operator_names: the operator's own name in the greeting and the sign-off goes, however misheard.

The frames themselves have their own tables (test_organisations.py, test_operator_intro.py);
here the rule adds what they find, and nothing in a caller's turn.
"""

import pytest

from redactor.pii.rules.operator_names import OperatorNames

from ..helpers import rule_effect

OP, CA, U = "operator", "caller", "unknown"


@pytest.mark.parametrize("turns, added", [
    ([(OP, "お電話ありがとうございます。アヤメ銀行の内田です。")], {(0, "内田", "PERSON")}),
    # misheard into words no dictionary calls a name; the greeting split over two turns (mono)
    ([(U, "お電話ありがとうございます"), (U, "光がす引っ越し受け付けセンターは山元でございます")], {(1, "山元", "PERSON")}),
    ([(OP, "ご用件は以上でしょうか。本日はアヤメ銀行、鳥海が承りました。")], {(0, "鳥海", "PERSON")}),   # sign-off
    ([(OP, "お電話ありがとうございます。ハルカ電力でございます。")], set()),          # the organisation only
    ([(CA, "お電話ありがとうございます。アヤメ銀行の内田です。")], set()),           # not the operator's turn
])
def test_operator_names(turns, added):
    assert rule_effect(OperatorNames(), turns) == (added, set())


def test_a_name_already_found_is_not_added_again():
    turns = [(OP, "お電話ありがとうございます。アヤメ銀行の内田です。")]
    assert rule_effect(OperatorNames(), turns, [(0, "内田", "PERSON", 0.9)]) == (set(), set())
