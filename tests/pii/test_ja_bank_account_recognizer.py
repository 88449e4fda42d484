import pytest

from redactor.pii.recognizers import JaBankAccountRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaBankAccountRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("錦糸町支店で、普通預金の3058241です。", "3058241"),
    ("札幌駅前支店、普通の7 2 4 1 0 5 9です。", "7 2 4 1 0 5 9"),
    ("店番219、普通の0613588", "219"),
    ("店番219、普通の0613588", "0613588"),
    ("支店番号は058、口座番号は1126730", "058"),
    ("支店番号は058、口座番号は1126730", "1126730"),
    ("記号が10490、番号が2 8 8 1 5 6 3 1です。", "10490"),
    ("当座の9081726です", "9081726"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "口座振替割引として毎月55円割引になります",
    "普通に使っていました",
    "1234567円のお支払い",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
