import pytest

from redactor.pii.recognizers import JaCreditCardRecognizer
from redactor.pii.recognizers.ja_credit_card_recognizer import luhn_ok
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaCreditCardRecognizer()


@pytest.mark.parametrize("text, expected", [
    # strong by checksum
    ("4111 1111 9707 0132です", "4111 1111 9707 0132"),
    ("5555-5555-5281-5426です", "5555-5555-5281-5426"),
    ("四二四二 四二四二 四二四二 四二四二", "4242 4242 4242 4242"),
    ("さんごーろくろく、ぜろぜろにーぜろ、さんろくいちぜろ、はちろくななよん", "3566、0020、3610、8674"),
    # Luhn fails but the caller says it is a card (speech recognition may garble a digit)
    ("カード番号は1234 5678 9012 3456", "1234 5678 9012 3456"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "1234 5678 9012 3456",      # no checksum, no context
    "合計12,100円",
    "0120-964-275",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []


@pytest.mark.parametrize("digits, ok", [("4111111111111111", True), ("4111111111111112", False),
                                        ("5555555555554444", True)])
def test_luhn(digits, ok):
    assert luhn_ok(digits) is ok
