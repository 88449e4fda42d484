"""An operator's question makes the caller's answer: typed lifts and fail-closed digit runs."""

import pytest

from redactor.pii.call_context import asked_types, fail_closed_numbers, plan_turn_contexts
from redactor.pii.config import load_config
from redactor.pii.normalize import normalize

from .helpers import redacted_types

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
