import pytest

from redactor.pii.recognizers import JaCardExpiryRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaCardExpiryRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("有効期限は2028年12月で承りました", "2028年12月"),
    ("有効期限は03/29です", "03/29"),
    ("期限は27年の10月。", "27年の10月"),
    ("有効期限は12の28です", "12の28"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "次回の更新月は2025年8月でございます",   # a month, but no expiry context
    "12月の8日にお手続き",
    "有効期限は発行日を含めて15日間です",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
