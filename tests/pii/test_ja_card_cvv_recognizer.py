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
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "月額880円です",                 # a price
    "セキュリティコードは不要です",     # context but no digits
    "731番のお部屋",                 # digits without context
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
