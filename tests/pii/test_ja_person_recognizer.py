"""PERSON through the whole engine (GiNZA tokens, call patterns, call context, propagation)."""

import pytest

from .helpers import redacted_types

pytestmark = pytest.mark.slow

ASK_NAME = ("operator", "ご契約者様のお名前をお願いします。")
# a name was asked for and given: the next turns still expect one
NAME_GIVEN = (ASK_NAME, ("caller", "中村玲奈です"), ("operator", "中村様、お届け先はご自宅でよろしいですか"))


@pytest.mark.parametrize("before, text, name", [
    # self-introductions and honorifics
    ((), "森と申します。電気代のことで", "森"),
    ((), "長谷川千尋といいます", "長谷川千尋"),
    ((), "前回も林さんって人に電話したんです", "林"),
    ((), "ヤマダタロウ様でよろしいですか", "ヤマダタロウ"),
    ((), "石井さやか様、ご登録がございました", "石井さやか"),
    # staff introducing themselves
    ((), "お電話ありがとうございます。サクラ生命コールセンター、担当の藤原でございます。", "藤原"),
    ((), "ミライガス受付センター、小川がお受けいたします。", "小川"),
    ((), "立ち会いが必要です。担当は小池でございました。", "小池"),
    # foreign names written with middle dots, unasked
    ((), "住所を変えたいです。グエン・ティ・ランです", "グエン・ティ・ラン"),
    ((), "マリア・サントスと申します", "マリア・サントス"),
    # answers to a name question, in kanji, katakana, hiragana and foreign names
    ((ASK_NAME,), "岩田美由紀です。", "岩田美由紀"),
    ((ASK_NAME,), "オオツカ ケンジです。", "オオツカ ケンジ"),
    ((ASK_NAME,), "わたぬきです。", "わたぬき"),
    ((ASK_NAME,), "グエン・ヴァン・ミンです。", "グエン・ヴァン・ミン"),
    ((ASK_NAME,), "名前は金子ひとみです。", "金子ひとみ"),
    # the surname heard in hiragana, the given name in kanji
    ((("operator", "ご名義はどなたになさいますか"),), "母の名義にしてください。あべ組子です", "あべ組子"),
    ((("operator", "ご名義はどなたになさいますか"),), "妻です。すずき一郎の妻の、たかはし花子です", "たかはし花子"),
    # family members
    ((), "娘の恵子が決めてくれたのよ", "恵子"),
    ((), "はい。立ち会いは妻の千夏がします", "千夏"),
    ((), "名義はサイトウ ミホです", "サイトウ ミホ"),
])
def test_positive(call_redactor, before, text, name):
    found = redacted_types(call_redactor, text, before=before)
    assert any(name in value and etype == "PERSON" for value, etype in found.items()), found


@pytest.mark.parametrize("before, text", [
    ((ASK_NAME,), "はい、本人です。"),
    ((ASK_NAME,), "えっと、ちょっと待ってください。"),
    ((), "承知しました。お名前と生年月日をお願いいたします。"),
    ((), "ギガプラン20に、かけ放題ライトのオプションをお付けしております。"),
    ((), "ご主人様のお手続きはご本人からのお電話が必要です。"),
    ((), "お客様、個人番号はお伺いしておりません。通知カードは本人確認書類としてご利用いただけません。"),
    ((), "ベトナム人です。"),
    ((), "ディズニー・プラスに加入しました。"),
    ((), "前はヒカリモバイルさんで契約してました。"),
    # kana then kanji that are no nouns: no name's shape
    (NAME_GIVEN, "はい、それで大丈夫です。"),
    (NAME_GIVEN, "いや、まだ未定です。"),
])
def test_negative(call_redactor, before, text):
    found = redacted_types(call_redactor, text, before=before)
    assert "PERSON" not in found.values(), found


@pytest.mark.parametrize("before, text, name, opener", [
    # what opens an answer is no name, though a name is expected and the answer pattern takes it
    ((("operator", "お宛名は中村玲奈様でよろしいですか"),), "いや、父の名前で中村昭でお願いします。", "中村昭", "いや"),
    ((("operator", "ご名義は山田花子様でよろしいですか"),), "いえ、夫の山田太郎です。", "山田太郎", "いえ"),
])
def test_an_answer_opener_is_no_name(call_redactor, before, text, name, opener):
    found = redacted_types(call_redactor, text, before=before)
    assert any(name in value for value in found) and not any(value.startswith(opener) for value in found), found


def test_a_name_is_redacted_wherever_it_recurs(call_redactor):
    turns = [{"speaker": "caller", "text": "長谷川千尋といいます"},
             {"speaker": "operator", "text": "1991年7月22日生まれの長谷川様、確認がとれました。"},
             {"speaker": "operator", "text": "チヒロ様のご契約ですね。"}]
    result = call_redactor.redact(turns)
    assert "長谷川" not in result.turns[1].text
    assert "チヒロ" not in result.turns[2].text
