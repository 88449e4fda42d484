import pytest

from redactor.pii.recognizers import JaCustomerIdRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaCustomerIdRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("お客様番号はMT-2207-4815でございます", "MT-2207-4815"),
    ("えっと、ＭＴ－３９１８－０６５２です。", "MT-3918-0652"),
    ("IDはsn-48820731", "sn-48820731"),
    ("G-77310948かな", "G-77310948"),
    ("お客様番号は四七〇二の八八一三の〇五六です", "4702の8813の056"),
    ("検針票に書いてあるやつですよね、えーと0047 2231 986", "0047 2231 986"),
    ("エスエヌの、よんきゅうにーごーの、ななさんいちはちがIDです", "エスエヌの、4925の、7318"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "ルーター SR-2400AXをご返却ください",   # model number
    "ギガプラン20に",
    "合計4,158円（税込）でございます",
    "IDを忘れました",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
