import pytest

from redactor.pii.recognizers import JaPostalCodeRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaPostalCodeRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("〒154-0004、東京都世田谷区", "154-0004"),
    ("郵便番号が460の0008で", "460の0008"),
    ("３９０－０８７４、長野県松本市", "390-0874"),
    ("郵便番号がにいにいまるのまるまるよんいちで", "220の0041"),
    ("812-0011、福岡県福岡市", "812-0011"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "042-358-7721にお電話します",   # the tail of a phone number
    "合計1,320円の割引",
    "123-4567のお荷物",               # no postal context
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
