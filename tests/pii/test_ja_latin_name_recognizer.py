"""PERSON in Latin letters: passport style, either order, every word romanized Japanese."""

import pytest

from redactor.pii.recognizers import JaLatinNameRecognizer

from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaLatinNameRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("予約名はMORIKAWA AYAKAでお願いします", "MORIKAWA AYAKA"),   # passport order: surname first
    ("Ayaka Morikawaで登録してあります", "Ayaka Morikawa"),         # given name first
    ("えっと、OHNO SHUNSUKEです", "OHNO SHUNSUKE"),                  # passport long vowel (OH)
    ("Kenta Hattoriって書いてあります", "Kenta Hattori"),            # doubled consonant
    ("ＫＩＴＡＭＵＲＡ　ＭＩＯです", "KITAMURA MIO"),               # full width
    ("NISHIDA, RYOTAです", "NISHIDA, RYOTA"),
    ("カードの表記はYUI SAKAMOTO MARIEです", "YUI SAKAMOTO MARIE"),  # three words
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "Galaxy S24とiPhone Proを比べています",    # products: not romanized Japanese, or one word
    "Google Chromeで開いてください",
    "NTT DOCOMOの回線です",                   # acronyms
    "SMS ID PINの順で送ります",
    "Rakuten Mobileに乗り換えました",
    "TANAKAです",                              # one word: a name frame (ja_person) or a name answer decides
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []

