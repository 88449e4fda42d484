import pytest

from redactor.pii.recognizers import JaPassportRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaPassportRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("パスポートで。番号はTK3381706です。", "TK3381706"),
    ("パスポートの番号はＭＺ８８１４２０５なんですけど", "MZ8814205"),
    ("じゃあパスポートにするわ。TH 5079314", "TH 5079314"),
    ("パスポートはティーケーの3381706です", "ティーケーの3381706"),
    ("AB1234567です", "AB1234567"),      # the format alone is medium evidence
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "パスポートしか持ってなくて",
    "SR-2400AXをご返却ください",
    "ab1234567",                    # passports use capitals
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
