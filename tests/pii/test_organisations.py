"""Organisation and product names are not people: greeting frames, business suffixes, NER labels.

Company names here are made up and differ from the dev set's; the default config has no allow-list.
"""

import pytest

from redactor.pii.config import OrganisationsConfig
from redactor.pii.organisations import CallOrganisations, OrganisationFinder

from .helpers import assert_gone_kept, redact_pairs

CONF = OrganisationsConfig()


@pytest.mark.parametrize("line, span, is_business", [
    # a business suffix attached after the span, or at its end
    ("ハルカ電力でございます", "ハルカ", True),
    ("前はコハクでんきでした", "コハク", True),
    ("ヒカリモバイルさんで契約しました", "ヒカリモバイル", True),
    ("ツバキ生命保険の件で", "ツバキ", True),
    ("ヤマダ光に乗り換えました", "ヤマダ", True),           # 光 after katakana: a product
    ("株式会社サクラの口座です", "サクラ", True),            # prefix
    # names stay names
    ("山田光です", "山田", False),                          # 光 after kanji: a given name
    ("佐藤センター長に代わります", "佐藤", False),          # センター is a department, not a suffix
    ("ヤマダ様のご契約", "ヤマダ", False),
    ("妻の光が", "光", False),
])
def test_business_word(line, span, is_business):
    start, call = line.index(span), CallOrganisations(CONF)
    end = start + len(span)
    assert (call.business_word(line, start, end) or call.suffix_attached(line, start, end)) is is_business


@pytest.mark.parametrize("line, span, cue", [
    ("ハルカさんに代わって", "ハルカ", True),
    ("ソラと申します", "ソラ", True),
    ("妻のヒカリが契約しました", "ヒカリ", True),
    ("名前はミドリです", "ミドリ", True),
    ("ハルカのでんき代が高い", "ハルカ", False),
    ("ヒカリから乗り換えた", "ヒカリ", False),
])
def test_person_cue(line, span, cue):
    start = line.index(span)
    assert CallOrganisations(CONF).person_cue(line, start, start + len(span)) is cue


def _spans(line, *values):
    return [("PERSON", line.index(v), line.index(v) + len(v), 0.9) for v in values]


@pytest.mark.parametrize("line, values, answering_name, kept", [
    ("アカネのでんき代が高くて", ["アカネ"], False, []),                   # the call's organisation, by its stem
    ("アカネです", ["アカネ"], True, ["アカネ"]),                          # ...unless it answers a name question
    ("アカネさんという方に", ["アカネ"], False, ["アカネ"]),               # ...or takes an honorific
    ("アカネ電力の件です", ["アカネ電力"], False, []),                    # the full name never is a person
    ("アカネ電力佐々木です", ["アカネ電力佐々木"], False, ["佐々木"]),     # a span running on: the person stays
])
def test_call_organisation_words(line, values, answering_name, kept):
    call = CallOrganisations(CONF, names={"アカネ電力"}, stems={"アカネ"})
    result = call.keep_spans(line, _spans(line, *values), [], answering_name)
    assert [line[s:e] for _, s, e, _ in result] == kept


@pytest.mark.parametrize("line, entity, kept", [
    ("ハルカカスタマーセンターです", "ハルカカスタマーセンター", False),  # part of a larger organisation entity
    ("ハルカです", "ハルカ", True),                                      # GiNZA labels bare names Company too
    ("ハルカ様のカスタマーセンター", "ハルカ様のカスタマーセンター", True),  # an honorific wins
])
def test_ner_organisation_entity(line, entity, kept):
    ner = [(line.index(entity), line.index(entity) + len(entity))]
    result = CallOrganisations(CONF).keep_spans(line, _spans(line, "ハルカ"), ner, False)
    assert bool(result) is kept


@pytest.mark.parametrize("line, names, stems", [
    ("お電話ありがとうございます。コハクでんき、担当の村上です。", {"コハクでんき"}, {"コハク"}),
    ("お待たせいたしました。ツムギ証券お客様センターの岡田でございます。", {"ツムギ証券"}, {"ツムギ"}),
    ("はい、ミドリ信用金庫 本店営業部の、たかはしでございます。", {"ミドリ信用金庫"}, {"ミドリ"}),
    ("ユズリハサポートデスク、野村です。", {"ユズリハ"}, set()),
    ("はい、山口でございます。", set(), set()),
    ("はい、ヤマダタロウ様の件ですね。", set(), set()),
    ("はい、ご注文の件ですね。", set(), set()),
])
def test_greeting_frames(line, names, stems):
    found = OrganisationFinder(CONF).for_call([line], [True], lambda turn, s, e: [])
    assert (found.names, found.stems) == (names, stems)


def test_greeting_frames_only_in_operator_turns():
    found = OrganisationFinder(CONF).for_call(["コハクでんき、担当の村上です。"], [False], lambda turn, s, e: [])
    assert found.names == set()


O, C = "operator", "caller"


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    ([(O, "お電話ありがとうございます。コハクでんき、担当の村上です。")], ["村上"], ["コハクでんき"]),
    ([(O, "お待たせいたしました。ツムギ証券の岡田でございます。")], ["岡田"], ["ツムギ証券"]),
    ([(O, "お電話ありがとうございます。ユズリハの西村です。")], ["西村"], ["ユズリハ"]),
    ([(O, "お電話ありがとうございます。アカネ電力の田中です。"), (C, "アカネのでんき代が高くて")], [], ["アカネ"]),
    ([(O, "はい、ハルカ生命です。担当の大野です。"), (C, "ハルカの保険のことで")], [], ["ハルカの保険"]),
    ([(O, "ハルカでございます。担当の大野です。")], ["大野"], ["ハルカ"]),
    # a mono recording: the speaker is unknown, the greeting is still the operator's
    ([("unknown", "お電話ありがとうございます。ハルカ電力の加藤でございます。"), ("unknown", "ハルカのでんき代のことで")],
     [], ["ハルカのでんき代"]),
    ([("unknown", "お電話ありがとうございます。ミナトテレコムの堀でございます。")], ["堀"], ["ミナトテレコム"]),
    # the slot after the organisation is the operator's name (Sudachi reads 内田 here as a place)
    ([(O, "アヤメ銀行の内田です。")], ["内田"], ["アヤメ銀行"]),
    ([(O, "お電話ありがとうございます。アヤメ銀行のささきです。")], ["ささき"], ["アヤメ銀行"]),
    ([(O, "お電話ありがとうございます。ハルカ電力の料金センターです。")], [], ["料金センター"]),
    ([(O, "ミナトテレコムのご案内です。")], [], ["ご案内"]),
    ([(O, "お電話ありがとうございます。ソラネットの本社です。")], [], ["本社"]),
    ([(O, "アオバ銀行の者です。")], [], ["者です"]),
    ([(O, "お電話ありがとうございます。ミナトテレコムのアンケートです。")], [], ["アンケート"]),
    ([(O, "お電話ありがとうございます。ミズホシ銀行でございます。本日はミズホシ銀行、森が承りました。")],
     ["森"], ["ミズホシ銀行でございます", "ミズホシ銀行、"]),
    ([(O, "お電話ありがとうございます。こちらハナミズキ保険の長田がお受けいたします。")], ["長田"], ["ハナミズキ保険"]),
    ([(C, "前はヒカリ光を使ってました。今はツバキモバイルです")], [], ["ヒカリ光", "ツバキモバイル"]),
    ([(C, "株式会社サクラの口座に振り込みました")], [], ["サクラ"]),
    # operators' and callers' names still go
    ([(O, "はい、山口でございます。")], ["山口"], []),
    ([(O, "お電話ありがとうございます。佐藤がサポートいたします。")], ["佐藤"], []),
    ([(O, "お電話ありがとうございます。アカネ電力の田中です。"), (C, "あの"), (O, "お名前をお願いします。"),
      (C, "アカネです")], ["アカネ"], []),
    ([(O, "お名前をお願いします。"), (C, "山田光です")], ["山田光"], []),
    ([(C, "名義はヤマダ タロウカード番号は言えません")], ["ヤマダ", "タロウ"], ["カード番号"]),  # no punctuation
    ([(O, "ハルカ電力の加藤です。"), (C, "妻のハルカが契約しました")], ["ハルカ"], []),
])
def test_whole_calls(call_redactor, turns, gone, kept):
    assert_gone_kept(redact_pairs(call_redactor, turns)[-1], gone, kept)
