import pytest

from redactor.pii.recognizers import JaEmailRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaEmailRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("アドレスはrena.n0412@example.ne.jpでお間違いないですか", "rena.n0412@example.ne.jp"),
    ("aoi_ichinose@example.net。アンダーバーです", "aoi_ichinose@example.net"),
    ("メールはtaro+shop@mail.example.co.jpに", "taro+shop@mail.example.co.jp"),
    # spelled out in katakana
    ("エムタカナシドットニーマルニーイチアットマークエグザンプルドットジェーピーです",
     "エムタカナシドット2021アットマークエグザンプルドットジェーピー"),
    ("nguyen.vminh アットマーク example.com", "nguyen.vminh アットマーク example.com"),
    ("ケー、イー、アイ、ドット、ワイ、アットマーク、イグザンプル、ドット、コムです",
     "ケー、イー、アイ、ドット、ワイ、アットマーク、イグザンプル、ドット、コム"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "メールマガジンの配信を停止しました",
    "アットホームな雰囲気です",
    "example.com をご覧ください",
    "@マークを入れてください",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
