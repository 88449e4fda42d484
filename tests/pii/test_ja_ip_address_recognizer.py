import pytest

from redactor.pii.recognizers import JaIpAddressRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaIpAddressRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("IPアドレス見たら203.0.113.58ってなってて", "203.0.113.58"),
    ("割り当てのアドレスは198.51.100.27でございます", "198.51.100.27"),
    ("今は2001:db8::1です", "2001:db8::1"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "使用量が約1.6倍です",
    "バージョン1.2.3に更新",
    "999.1.1.1です",            # not an address
    "午後10:30に",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
