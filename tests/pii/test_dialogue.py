"""An operator's question makes the caller's answer: what each turn of a call is expected to hold."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.normalize import normalize
from redactor.pii.questions import asked_types, asks_for_number

from .helpers import redacted_types, turn_contexts

CONF = load_config().call_context


@pytest.mark.parametrize("text, types", [
    ("ご登録のお電話番号と生年月日をお願いいたします。", {"PHONE_NUMBER", "DATE_OF_BIRTH"}),
    ("お客様番号をお伺いできますでしょうか。", {"CUSTOMER_ID"}),
    ("新しいカードの番号を、4桁ずつ区切ってお願いいたします。", {"CREDIT_CARD"}),
    ("ありがとうございます。確認できました。", set()),            # no request
    ("本日は吉田が承りました。", set()),
    # the operator says what they will look the call up by: the caller answers with it
    ("では、お名前とご搭乗日でお探しいたします。", {"PERSON"}),
    ("お名前とご住所でおしらべいたしますね。", {"PERSON", "ADDRESS"}),
    ("ご契約内容をお調べいたします。", set()),
])
def test_asked_types(text, types):
    assert asked_types(text, CONF) == types


def test_continuation_keeps_the_question():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["カード番号をお願いします。", "3530 1113", "はい、続きをお願いします。", "0790、6881"]
    contexts = turn_contexts(speakers, texts, CONF)
    assert "CREDIT_CARD" in contexts[3].expected and not contexts[3].is_operator


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


def test_card_dialogue_expects_the_expiry_even_when_its_question_is_lost():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["カード番号をお願いします。", "4539 7812 0463 5582", "次に、右下の日付の方を。", "28年の3月です"]
    assert "CARD_EXPIRY" in turn_contexts(speakers, texts, CONF)[3].expected


def test_a_card_number_answer_opens_the_card_dialogue_without_any_question():
    speakers = ["operator", "caller", "operator", "caller"]
    texts = ["あれをお願いします。", "4539 7812 0463 5582", "ありがとうございます。", "2029年3月までです"]
    assert "CARD_EXPIRY" in turn_contexts(speakers, texts, CONF)[3].expected


def test_a_card_number_said_over_two_answers_opens_the_card_dialogue():
    speakers = ["operator", "caller", "operator", "caller", "operator", "caller"]
    texts = ["あれをお願いします。", "えっと、3530 1113", "はい、続きをお願いします。", "0790、6881",
             "ありがとうございます。", "29年の3月です"]
    assert "CARD_EXPIRY" in turn_contexts(speakers, texts, CONF)[5].expected


@pytest.mark.parametrize("followups", [{"CREDIT_CARD": ["CARD_EXPIRE"]}, {"CARD": ["CARD_EXPIRY"]}])
def test_dialogue_followups_name_known_types(followups):
    from redactor.pii.config import CallContextConfig

    with pytest.raises(ValueError, match="valid types"):
        CallContextConfig(dialogue_followups=followups)


@pytest.mark.parametrize("text, answer", [
    # a mono turn holding a request and its answer: the answer starts past the request's verb
    ("青年学期をお願いいたします 平成3年7月22日です", "平成3年7月22日です"),
    ("お客様番号をお伺いできますでしょうか。MT-2207です", "MT-2207です"),
    ("お名前をお願いします", ""),
    ("平成3年7月22日です", "平成3年7月22日です"),  # no request: all of it
])
def test_answer_start(text, answer):
    from redactor.pii.questions import answer_start
    assert text[answer_start(text, CONF):] == answer
