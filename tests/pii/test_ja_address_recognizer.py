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
    # garbled middle (speech recognition): a prefecture or kanji city/ward, then a block number
    ("東京都接たがいやく対し度を3丁目18番7号です。", "東京都接たがいやく対し度を3丁目18番7号"),
    ("大阪府おおさかしきたくうめだ1丁目2番3号", "大阪府おおさかしきたくうめだ1丁目2番3号"),
    ("福岡県ふくおかしはかたく博多駅前2-1-1です", "福岡県ふくおかしはかたく博多駅前2-1-1"),
    ("愛知県なごやしなかくさかえ、3番地の12でお願いします", "愛知県なごやしなかくさかえ、3番地の12"),
    ("北海道さっぽろしちゅうおうく南1条西5丁目です", "北海道さっぽろしちゅうおうく南1条西5丁目"),
    ("杉並区あさがやきた4番12号に住んでます", "杉並区あさがやきた4番12号"),
    # the trailing 号 / 号室 goes too, with a garbled building name before it
    ("世田谷区たいしどう3丁目18番7号 コーポわかばやし201号室です", "世田谷区たいしどう3丁目18番7号 コーポわかばやし201号室"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "東京都にお住まいですか",                 # no block number
    "ソラネット光 マンションタイプの解約",     # product name
    "大阪府の天気は晴れです",
    "ギガプラン20に変更",
    # near misses: counts, menus, machines, shops in general talk (with a place before them too)
    "3番の窓口にお越しください",
    "駅前の2丁目のコンビニで払いました",
    "1号機の調子が悪いです",
    "東京都内の店舗で3番の窓口に案内されました",
    "東京都の2丁目のコンビニ",
    "大阪府の3番の窓口",
    "京都府の方は2番を押してください",
    "新宿区の店で1号機が壊れて",
    "品川区に住んでいて3番線で通っています",
    "北海道のおじいちゃんが3番目に",
    "千葉県から来ました。3丁目です",                   # a sentence between the place and the number
    "市区町村の窓口で3番",
    "兵庫県警の1号車",
    "大阪府に住んでいましたが、今は2丁目18番です",      # general talk in the middle
    "東京都の場合は3-5営業日ほどかかります",            # a range of days, not 3-5
    "東京都の受付分は2026-11-27に締め切りました",        # a date
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []
