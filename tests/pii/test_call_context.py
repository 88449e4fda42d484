"""An operator's question makes the caller's answer: typed lifts and fail-closed digit runs."""

import pytest

from redactor.pii.call_context import asked_types, asks_for_number, fail_closed_numbers, plan_turn_contexts
from redactor.pii.config import load_config
from redactor.pii.normalize import normalize

from .helpers import last_turn_context, redacted_types

CONF = load_config().call_context


@pytest.mark.parametrize("text, types", [
    ("ご登録のお電話番号と生年月日をお願いいたします。", {"PHONE_NUMBER", "DATE_OF_BIRTH"}),
    ("お客様番号をお伺いできますでしょうか。", {"CUSTOMER_ID"}),
    ("新しいカードの番号を、4桁ずつ区切ってお願いいたします。", {"CREDIT_CARD"}),
    ("ありがとうございます。確認できました。", set()),            # no request
    ("本日は吉田が承りました。", set()),
])
def test_asked_types(text, types):
    assert asked_types(text, CONF) == types


def test_continuation_keeps_the_question():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["カード番号をお願いします。", "3530 1113", "はい、続きをお願いします。", "0790、6881"]
    contexts = plan_turn_contexts(speakers, texts, CONF)
    assert "CREDIT_CARD" in contexts[3].expected and not contexts[3].is_operator


@pytest.mark.parametrize("asked, answer, redacted", [
    # after a number question, digit runs of 3+ go even when no pattern validates them
    ("セキュリティコードをお願いします。", "えっと、9 1 2です", True),
    ("有効期限をお願いします。", "ぜろろくのさんいちです", True),
    ("カード番号をお願いします。", "3530 1113", True),
    # counts, prices and times stay
    ("カード番号をお願いします。", "3回目なんですけど", False),
    ("お電話番号をお願いします。", "2週間後でもいいですか", False),
    ("お電話番号をお願いします。", "1,100円でしたっけ", False),
])
def test_fail_closed_answer(asked, answer, redacted):
    context = plan_turn_contexts(["operator", "caller"], [asked, normalize(answer).text], CONF)[1]
    runs = fail_closed_numbers(normalize(answer).text, context, CONF)
    assert bool(runs) is redacted


def test_long_digit_runs_go_anywhere():
    context = plan_turn_contexts(["caller"], ["x"], CONF)[0]
    assert fail_closed_numbers("あとこれ 5520 1934 8841 も", context, CONF)
    assert not fail_closed_numbers("合計12,100円です", context, CONF)


@pytest.mark.slow
def test_answer_in_next_turn_is_typed_by_the_question(call_redactor):
    found = redacted_types(call_redactor, "2001年4月9日です。",
                           before=[("operator", "ご本人確認のため生年月日をお願いします。")])
    assert found == {"2001年4月9日": "DATE_OF_BIRTH"}


# -- speech recognition garbles the operator's question (cue words, homophones) ----------------
@pytest.mark.parametrize("text, types", [
    ("カードの有効機嫌をお願いします。", {"CARD_EXPIRY"}),              # 機嫌: same reading as 期限
    ("優香期限を教えていただけますか。", {"CARD_EXPIRY"}),              # ユウカキゲン, two kana off
    ("セキュリティーコードを教えてください。", {"CARD_CVV"}),          # long vowel mark added
    ("せきゅりてぃこーどをお願いします。", {"CARD_CVV"}),             # written in hiragana
    ("郵便晩号をお願いします。", {"POSTAL_CODE"}),                     # 晩号 ~ 番号
    ("お電話晩号を教えてください。", {"PHONE_NUMBER"}),
    ("生年ガッピをお願いいたします。", {"DATE_OF_BIRTH"}),
    # fuzzy, but not across a shared tail: 郵便番号 is no 個人番号, 契約内容 no 契約番号
    ("有便番号からお願いいたします。", {"POSTAL_CODE"}),
    ("ご契約内容をお伺いします。", set()),
    ("090-5862-1174の木下様、生年月日をお願いします。", {"DATE_OF_BIRTH"}),  # 090 read キュウレイ is no 旧姓
    ("お支払い方法をお願いします。", set()),
])
def test_asked_types_on_garbled_questions(text, types):
    assert asked_types(normalize(text).text, CONF) == types


@pytest.mark.parametrize("text, asks", [
    ("ご注文番号をお願いします。", True),             # no typed cue, still a number
    ("下4ケタを教えてください。", True),
    ("裏面の3桁の数字をお願いいたします。", True),
    ("認証コードを読み上げていただけますか。", True),
    ("ご注文晩号をお願いします。", True),             # garbled 番号: same reading
    ("ご用件をお伺いします。", False),
    ("お名前をお願いします。", False),
    ("暗証番号は絶対に言わないでくださいね", True),   # a request naming a number: fail closed
    ("番号は後ほどご案内します。", False),           # no request
])
def test_asks_for_number(text, asks):
    assert asks_for_number(normalize(text).text, CONF) is asks


def _answer_runs(turns):
    text, context = last_turn_context(turns, CONF)
    return [text[r.start:r.end] for r in fail_closed_numbers(text, context, CONF)]


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


def test_card_dialogue_expects_the_expiry_even_when_its_question_is_lost():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["カード番号をお願いします。", "4539 7812 0463 5582", "次に、右下の日付の方を。", "28年の3月です"]
    assert "CARD_EXPIRY" in plan_turn_contexts(speakers, texts, CONF)[3].expected


def test_a_card_number_answer_opens_the_card_dialogue_without_any_question():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["あれをお願いします。", "4539 7812 0463 5582", "ありがとうございます。", "2029年3月までです"]
    assert "CARD_EXPIRY" in plan_turn_contexts(speakers, texts, CONF)[3].expected


def test_a_card_number_said_over_two_answers_opens_the_card_dialogue():
    speakers = ["operator", "caller", "operator", "caller", "operator", "caller"]
    texts = ["あれをお願いします。", "えっと、3530 1113", "はい、続きをお願いします。", "0790、6881",
             "ありがとうございます。", "29年の3月です"]
    assert "CARD_EXPIRY" in plan_turn_contexts(speakers, texts, CONF)[5].expected


def test_garbled_answer_is_typed_by_the_question():
    context = plan_turn_contexts(["operator", "caller"], ["お電話番号をお願いします。", "x"], CONF)[1]
    text = "080、午後1 2位、903 4"  # 9 digits heard of 11: still the phone number asked for
    assert [r.entity_type for r in fail_closed_numbers(text, context, CONF)] == ["PHONE_NUMBER"]


@pytest.mark.parametrize("followups", [{"CREDIT_CARD": ["CARD_EXPIRE"]}, {"CARD": ["CARD_EXPIRY"]}])
def test_dialogue_followups_name_known_types(followups):
    from redactor.pii.config import CallContextConfig

    with pytest.raises(ValueError, match="valid types"):
        CallContextConfig(dialogue_followups=followups)
