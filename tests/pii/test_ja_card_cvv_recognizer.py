import pytest

from redactor.pii.recognizers import JaCardCvvRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaCardCvvRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("セキュリティコードが731", "731"),
    ("裏のさんなないちってやつ", "371"),
    ("セキュリティコードも言います？０８２", "082"),
    ("裏の番号もいりますか。よんはちにです", "482"),
    ("セキュリッコードは、えー、604です", "604"),            # garbled context word
    ("セキュリティーコド 5 1 8", "5 1 8"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "月額880円です",                 # a price
    "セキュリティコードは不要です",     # context but no digits
    "731番のお部屋",                 # digits without context
    "セキュリティの更新は3 0 0 0 0円です",  # spaced digits, but a longer price
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
