import pytest

from redactor.pii.recognizers import JaAddressRecognizer
from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaAddressRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("今が東京都世田谷区太子堂3-18-7 コーポ若林201です。", "東京都世田谷区太子堂3-18-7 コーポ若林201"),
    ("埼玉県さいたま市浦和区高砂2丁目7番12号 メゾン高砂502です", "埼玉県さいたま市浦和区高砂2丁目7番12号 メゾン高砂502"),
    ("神奈川県横浜市西区戸部本町の、えー、42の9、パークサイド戸部の1103です",
     "神奈川県横浜市西区戸部本町の、えー、42の9、パークサイド戸部の1103"),
    ("千葉県船橋市本町5丁目3番地の2、生年月日は", "千葉県船橋市本町5丁目3番地の2"),
    ("静岡市葵区安東2の14の9です", "静岡市葵区安東2の14の9"),
    ("北海道札幌市中央区南十二条西七丁目三番二十号です。", "北海道札幌市中央区南12条西7丁目3番20号"),
    ("マンションなので、栄グリーンハイツ903もつけてください。", "栄グリーンハイツ903"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "東京都にお住まいですか",                 # no block number
    "ソラネット光 マンションタイプの解約",     # product name
    "大阪府の天気は晴れです",
    "ギガプラン20に変更",
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
