import pytest

from redactor.pii.recognizers import JaDriversLicenseRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaDriversLicenseRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("免許証あります。番号言えばいいですか？433019840257です。", "433019840257"),
    ("免許証は６２１５０４３３８９２０です", "621504338920"),
    ("運転免許の番号は3017 2250 4810", "3017 2250 4810"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "免許証をお持ちですか",          # context, no number
    "番号は2024年12月15日",
    "免許証の有効期限は3年です",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
