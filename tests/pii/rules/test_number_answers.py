"""number_answers: digit runs in an answer to a number question go, fail closed; counts and prices stay."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.normalize import normalize
from redactor.pii.rules.number_answers import NumberAnswers

from ..helpers import last_turn_context, rule_effect, turn_contexts

CONF = load_config().call_context
NUMBER_ANSWERS = NumberAnswers()


@pytest.mark.parametrize("asked, answer, redacted", [
    # after a number question, digit runs of 3+ go even when no pattern validates them
    ("セキュリティコードをお願いします。", "えっと、9 1 2です", True),
    ("有効期限をお願いします。", "ぜろろくのさんいちです", True),
    ("カード番号をお願いします。", "3530 1113", True),
    # counts, prices and times stay
    ("カード番号をお願いします。", "3回目なんですけど", False),
    ("お電話番号をお願いします。", "3名で伺います", False),
    ("お電話番号をお願いします。", "2週間後でもいいですか", False),
    ("お電話番号をお願いします。", "1,100円でしたっけ", False),
])
def test_fail_closed_answer(asked, answer, redacted):
    context = turn_contexts(["operator", "caller"], [asked, normalize(answer).text], CONF)[1]
    runs = NUMBER_ANSWERS.runs(normalize(answer).text, context, CONF)
    assert bool(runs) is redacted


def test_long_digit_runs_go_anywhere():
    context = turn_contexts(["caller"], ["x"], CONF)[0]
    assert NUMBER_ANSWERS.runs("あとこれ 5520 1934 8841 も", context, CONF)
    assert not NUMBER_ANSWERS.runs("合計12,100円です", context, CONF)


def _answer_runs(turns):
    text, context = last_turn_context(turns, CONF)
    return [text[r.start:r.end] for r in NUMBER_ANSWERS.runs(text, context, CONF)]


@pytest.mark.parametrize("turns, runs", [
    # digit groups a few garbled characters apart are one number (午後 = ごご = 55, 位 = い)
    ([("operator", "お電話番号をお願いします。"), ("caller", "070、午後3 2位、8 8 1 9です")],
     ["070、午後3 2位、8 8 1 9"]),
    ([("operator", "カード番号をお願いします。"), ("caller", "4980、12 3 4位、5 5 6 7")], ["4980、12 3 4位、5 5 6 7"]),
    # homophone kanji glued to the digits go with them (午後5 = ごご5 = 555, 2位 = 2 + い)
    ([("operator", "お電話番号をお願いします。"), ("caller", "午後5 1 2の3 4 5 6の7 8 2位です")],
     ["午後5 1 2の3 4 5 6の7 8 2位"]),
    ([("operator", "暗証番号ではなく、会員番号をお願いします。"), ("caller", "番号は3 3 0 1です")], ["3 3 0 1"]),
    # any request naming a number, even without a typed cue
    ([("operator", "ご注文番号をお願いします。"), ("caller", "えっと、4 4 7 1 9です")], ["4 4 7 1 9"]),
    ([("operator", "裏面の3ケタをお願いします。"), ("caller", "はい、2 0 8です")], ["2 0 8"]),
    # a number split across turns: the group after a long answer continues it
    ([("operator", "カード番号をお願いします。"), ("caller", "5105、1051、0510"), ("operator", "はい"),
      ("caller", "5100です")], ["5100"]),
    ([("caller", "番号は090の3318の"), ("operator", "はい、恐れ入ります"), ("caller", "7726です")], ["7726"]),
    # mono recording: the question comes from an unknown speaker too
    ([("unknown", "ご契約番号をお願いします。"), ("unknown", "はい、8 8 0 1 2です")], ["8 8 0 1 2"]),
    # a run ending in a unit loses its last group only (a read-back number, then a date)
    ([("operator", "ありがとうございます。080、4 629、3178、1991年7月生まれの方ですね")], ["080、4 629、3178"]),
    ([("operator", "お電話番号をお願いします。"), ("caller", "予算は12,345,678円です")], []),
    # the answer names its number itself: no question needed (operator read-backs too)
    ([("caller", "あ、会員番号は、えっと、5 0 2 8です")], ["5 0 2 8"]),
    ([("operator", "セキュリティコード208で承りました")], ["208"]),
    ([("caller", "番号は3つあります。あと500円のやつ")], []),
    ([("operator", "番号をご確認ください。料金は1,100円です。有効期限は2年間です")], []),
    # a bare number right after any request answers a question whose cue was lost entirely
    ([("operator", "カードリメンのアレを、お願いいたします。"), ("caller", "えっと、7 3 5です")], ["7 3 5"]),
    ([("operator", "次に、お手元のあちらを教えてください"), ("caller", "はい、40219")], ["40219"]),
    ([("operator", "ご用件をお伺いします"), ("caller", "プラン100に変えたいんですけど")], []),   # not bare
    ([("operator", "ありがとうございます"), ("caller", "735です")], []),                       # no request
    ([("operator", "ご予算はおいくらくらいをお考えですか？"), ("caller", "3000です")], []),      # an amount
    # mono: question and answer in one turn; only what follows the question is the answer
    ([("unknown", "ギガプラン100の件で、ご契約番号をお願いします はい、4 4 0 1 9です")], ["4 4 0 1 9"]),
    # 名義 after the digits is a word, not the count unit 名: the last group stays in the number
    ([("operator", "口座番号をお願いします。"), ("caller", "1490の2881 5631名義は母です")], ["1490の2881 5631"]),
    # mono: 「続きをお願いします」 from an unknown speaker keeps the number going
    ([("unknown", "えっと、3530 1113"), ("unknown", "はい、続きをお願いします。"), ("unknown", "0790、68")],
     ["0790、68"]),
    # a clause ending in を is a request too (the rest was lost)
    ([("operator", "では、お客様晩号を。"), ("caller", "はい、えー、5 1 2 0 7")], ["5 1 2 0 7"]),
    # bridging stops at units and sentence ends; counts, prices and times stay
    ([("operator", "お電話番号をお願いします。"), ("caller", "2回目です。あと3,000円")], []),
    ([("operator", "ご注文番号をお願いします。"), ("caller", "3時から5時の間でお願いします")], []),
    # a new question ends the continuation: the plan and price in the next answer stay
    ([("caller", "先に言っておくと、携帯は09012345678です"),
      ("operator", "ありがとうございます。ご用件をお伺いします。"), ("caller", "プラン100から200に変えたいです")], []),
    # without any number request, short digit runs stay
    ([("operator", "ご用件をお伺いします。"), ("caller", "ギガプラン20から30にしたくて")], []),
])
def test_fail_closed_on_garbled_answers(turns, runs):
    assert _answer_runs(turns) == runs


CARD_NUMBER = ("operator", "お支払いのカード番号をお願いいたします。")


@pytest.mark.parametrize("turns, runs", [
    # recognition drops digits: a short bare answer to a number request still goes (CVV 491 -> 「41」)
    ([("operator", "カード裏面の3桁の番号をお願いします。"), ("caller", "41です。")], ["41"]),
    ([("operator", "暗証番号の下2桁をお願いします"), ("caller", "えっと、6です")], ["6"]),
    # ... and so does a short number the answer names itself
    ([("operator", "会員番号をお願いします。"), ("caller", "あ、番号は、えっと、62だったかな")], ["62"]),
    # in a card dialogue any digits the caller says go, 年 and 月 included (the expiry, one digit lost)
    ([CARD_NUMBER, ("caller", "5300 2211 0847 1936"), ("operator", "ありがとうございます。期限をお願いします。"),
      ("caller", "31-4月です")], ["31-4月"]),
    ([CARD_NUMBER, ("caller", "5300 2211 0847 1936"), ("operator", "続いて、裏面の数字をお願いします"),
      ("caller", "はい、それが、8です")], ["8"]),
    ([CARD_NUMBER, ("caller", "はい、ちょっと待ってください"), ("operator", "はい"),
      ("caller", "あ、期限は2030年の7月です")], ["2030年", "7月"]),
    # digits joined by dots, ellipses and hesitations are one number
    ([("operator", "口座番号をお願いします。"), ("caller", "普通の4.17703です")], ["4.17703"]),
    ([("operator", "お電話番号をお願いします。"), ("caller", "0...7...0、えっと、2291、3304")], ["0...7...0、えっと、2291、3304"]),
    ([("operator", "お電話番号をお願いします。"), ("caller", "ゼロナナゼロ、えーと、にーにーきゅういち")], ["070、えーと、2291"]),
    # a run too long for a count is a number even before a unit (its last digit heard as 人)
    ([CARD_NUMBER, ("caller", "371449635398431人です")], ["371449635398431"]),
    # long runs a garbled character apart are one number in any turn (a read-back, an unasked number)
    ([("operator", "070 338に1946の方ですね")], ["070 338に1946"]),
    ([("caller", "あと新しいカードが、377に4011に8829 331です")], ["377に4011に8829 331"]),
    # what stays: a count or decimal in an answer, short digits inside a longer answer outside a card
    # dialogue, and, in a card dialogue, prices
    ([("operator", "口座番号をお願いします。"), ("caller", "使用量が1.6倍になってて")], []),
    ([("operator", "ご契約番号をお願いします。"), ("caller", "えっと、5Gのプランのほうのやつなんですけど")], []),
    ([CARD_NUMBER, ("caller", "5300 2211 0847 1936"), ("operator", "ありがとうございます"),
      ("caller", "今月は3,280円でしたよね")], []),
    ([("operator", "お電話番号をお願いします。"), ("caller", "2時から3時は出られません")], []),
])
def test_digits_of_any_length_in_number_answers_and_card_dialogues(turns, runs):
    assert _answer_runs(turns) == runs


def test_garbled_answer_is_typed_by_the_question():
    context = turn_contexts(["operator", "caller"], ["お電話番号をお願いします。", "x"], CONF)[1]
    text = "080、午後1 2位、903 4"  # 9 digits heard of 11: still the phone number asked for
    assert [r.entity_type for r in NUMBER_ANSWERS.runs(text, context, CONF)] == ["PHONE_NUMBER"]


@pytest.mark.parametrize("turns, added", [
    # a bare number answer goes whole: recognition stamps 「です」 over where the digits were said
    ([("operator", "セキュリティコードをお願いします。"), ("caller", "はい、41です。")], {(1, "はい、41です。", "CARD_CVV")}),
    ([("operator", "カードリメンのアレを、お願いいたします。"), ("caller", "えっと、7 3 5です")],
     {(1, "えっと、7 3 5です", "CUSTOMER_ID")}),
    # a longer answer loses its digits only; a count answering a number question stays
    ([("operator", "会員番号をお願いします。"), ("caller", "会員番号は4 4 7 1 9で、去年入会しました")],
     {(1, "4 4 7 1 9", "CUSTOMER_ID")}),
    ([("operator", "会員番号をお願いします。"), ("caller", "3回目です")], set()),
])
def test_a_bare_answer_goes_whole(turns, added):
    assert rule_effect(NUMBER_ANSWERS, turns, config=load_config()) == (added, set())
