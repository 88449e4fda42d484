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
    ("有効期限は2027年の、11月です", "2027年の、11月"),       # spoken: の and a pause
    ("期限、にせんさんじゅうねん、いちがつ", "2030年、1月"),     # kana readings, pauses
    ("有効期限が3月の、29年", "3月の、29年"),
    ("有効期限は2 029年3月です", "2 029年3月"),              # digits spaced out
    ("有効きげは2028年12月で承りました", "2028年12月"),       # garbled context word
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "次回の更新月は2025年8月でございます",   # a month, but no expiry context
    "12月の8日にお手続き",
    "有効期限は発行日を含めて15日間です",
    "有効期限は2026年の、3月の、31日までです",  # a full date, not a card expiry
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
