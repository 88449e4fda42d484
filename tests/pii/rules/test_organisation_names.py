"""organisation_names: organisation and product names said in the call are not people."""

import pytest

from redactor.pii.rules.organisation_names import OrganisationNames

from ..helpers import rule_effect

OP, CA = "operator", "caller"
GREETING = (OP, "お電話ありがとうございます。ハルカ電力の佐藤です。")


@pytest.mark.parametrize("turns, spans, dropped", [
    # the call's organisation (from the greeting) and its kana stem, in any turn
    ([GREETING, (CA, "ハルカのでんき代が高くて")], [(1, "ハルカ", "PERSON", 0.6)], {(1, "ハルカ", "PERSON")}),
    ([GREETING], [(0, "ハルカ電力", "PERSON", 0.6), (0, "佐藤", "PERSON", 0.9)], {(0, "ハルカ電力", "PERSON")}),
    # a business suffix attached, whatever the call's organisation
    ([(CA, "前はコハクでんきでした")], [(0, "コハク", "PERSON", 0.6)], {(0, "コハク", "PERSON")}),
    ([(CA, "ヒカリモバイルさんで契約しました")], [(0, "ヒカリモバイル", "PERSON", 0.6)], {(0, "ヒカリモバイル", "PERSON")}),
    # the stem yields to a person cue, and to the caller answering a name question
    ([GREETING, (CA, "ハルカさんという方に代わってください")], [(1, "ハルカ", "PERSON", 0.6)], set()),
    ([GREETING, (OP, "お名前をお願いします。"), (CA, "ハルカです")], [(2, "ハルカ", "PERSON", 0.6)], set()),
    # names stay names; other types are never touched
    ([(CA, "山田光です")], [(0, "山田光", "PERSON", 0.9)], set()),
    ([GREETING, (CA, "ハルカ電力の090-1234-5678です")], [(1, "090-1234-5678", "PHONE_NUMBER", 1.0)], set()),
])
def test_organisation_names(turns, spans, dropped):
    assert rule_effect(OrganisationNames(), turns, spans) == (set(), dropped)


def test_a_span_running_on_into_a_name_keeps_the_person():
    added, dropped = rule_effect(OrganisationNames(), [GREETING, (CA, "ハルカ電力佐々木さんから")],
                                 [(1, "ハルカ電力佐々木", "PERSON", 0.9)])
    assert (added, dropped) == ({(1, "佐々木", "PERSON")}, {(1, "ハルカ電力佐々木", "PERSON")})
