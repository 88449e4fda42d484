import pytest

from redactor.pii.recognizers import JaPhoneNumberRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaPhoneNumberRecognizer()


@pytest.mark.parametrize("text, expected", [
    # strong: valid Japanese numbers, any dash or separator
    ("携帯は090-1234-5678です", "090-1234-5678"),
    ("０８０ー４６２９ー３１７８", "080-4629-3178"),
    ("電話は080 5519 2046", "080 5519 2046"),
    ("ご連絡先は03-5843-2710で", "03-5843-2710"),
    ("09073815264の松本です", "09073815264"),
    ("〇四二の三五八の七七二一", "042の358の7721"),
    ("050-3123-4567にお願いします", "050-3123-4567"),
    ("0120-964-275まで", "0120-964-275"),
    ("+81 90 1234 5678", "+81 90 1234 5678"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "月額3,278円です",                 # price
    "ギガプラン20に変更",               # plan name with digits
    "午後3時15分ごろ",                  # time
    "3回チャージがございました",         # count
    "お客様番号0047 2231 986",          # 00-prefixed ID, not a phone
    "2024年12月15日",                   # date
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
