import pytest

from redactor.pii.recognizers import JaMyNumberRecognizer
from redactor.pii.recognizers.ja_my_number_recognizer import my_number_check_digit_ok
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaMyNumberRecognizer()


@pytest.mark.parametrize("text, expected", [
    # strong by check digit
    ("番号は1234 5678 9018で", "1234 5678 9018"),
    ("123456789018です", "123456789018"),
    # context, even when speech garbled the check digit
    ("マイナンバーは、ごーぜろさんよん、よんろくろくさん、ななきゅうごーぜろ", "5034、4663、7950"),
    ("通知カードに2606 0586 5161って", "2606 0586 5161"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "123456789012です",          # wrong check digit, no context
    "1234 5678 9018 1234",       # part of a 16-digit number
    "個人番号はお伺いできません",   # context, no number
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []


@pytest.mark.parametrize("digits, ok", [("123456789018", True), ("123456789012", False), ("12345", False)])
def test_check_digit(digits, ok):
    assert my_number_check_digit_ok(digits) is ok
