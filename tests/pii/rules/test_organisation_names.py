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
    # a company named after a surname (kanji + a kanji business word) is no person, even with さん
    ([(CA, "勤め先は西村建設です")], [(0, "西村建設", "PERSON", 0.6)], {(0, "西村建設", "PERSON")}),
    ([(CA, "引き落としは岡田銀行さんからです")], [(0, "岡田", "PERSON", 0.9)], {(0, "岡田", "PERSON")}),
    # a business suffix after one character only is part of a name (ベネット is no ベ + ネット)
    ([(OP, "ベネット様、すぐにカードをお止めいたします")], [(0, "ベネット", "PERSON", 0.9)], set()),
    # a branch is named after its place, which is often a surname too (泉, 本町, 中島)
    ([(OP, "送金先はご主人様名義、泉支店の普通口座で登録されております")], [(0, "泉", "PERSON", 0.9)], {(0, "泉", "PERSON")}),
    ([(OP, "お勤め先をお願いします。"), (CA, "前田商事さんです")], [(1, "前田商事", "PERSON", 0.9)],
     {(1, "前田商事", "PERSON")}),
    # names stay names; other types are never touched
    ([(CA, "山田光です")], [(0, "山田光", "PERSON", 0.9)], set()),
    ([(CA, "名義はヤマダ タロウカード番号は")], [(0, "ヤマダ タロウ", "PERSON", 0.9)], set()),
    ([GREETING, (CA, "ハルカ電力の090-1234-5678です")], [(1, "090-1234-5678", "PHONE_NUMBER", 1.0)], set()),
])
def test_organisation_names(turns, spans, dropped):
    assert rule_effect(OrganisationNames(), turns, spans) == (set(), dropped)


@pytest.mark.parametrize("turns, span, kept", [
    # an answer clause holding the company and the person: the person stays, the company goes free
    ([(OP, "お名前をお願いします。"), (CA, "西村建設の西村です")], "西村建設の西村", "西村"),
    ([(CA, "岡田運輸の岡田と申します")], "岡田運輸の岡田", "岡田"),
])
def test_a_company_named_after_a_surname_is_cut_out_of_a_name(turns, span, kept):
    added, dropped = rule_effect(OrganisationNames(), turns, [(len(turns) - 1, span, "PERSON", 0.9)])
    assert dropped == {(len(turns) - 1, span, "PERSON")} and added == {(len(turns) - 1, kept, "PERSON")}


def test_a_span_running_on_into_a_name_keeps_the_person():
    added, dropped = rule_effect(OrganisationNames(), [GREETING, (CA, "ハルカ電力佐々木さんから")],
                                 [(1, "ハルカ電力佐々木", "PERSON", 0.9)])
    assert (added, dropped) == ({(1, "佐々木", "PERSON")}, {(1, "ハルカ電力佐々木", "PERSON")})
