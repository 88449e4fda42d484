"""An answer to an address question goes whole, however garbled; near misses in it stay."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.normalize import normalize
from redactor.pii.rules.address_answers import address_answer_spans, volunteered_address_spans

from ..helpers import last_turn_context

CONF = load_config().call_context
ASK = ("operator", "ご住所をお願いします。")


def _spans(turns):
    text, context = last_turn_context(turns, CONF)
    return [text[s:e] for s, e in address_answer_spans(text, context)]


@pytest.mark.parametrize("answer, spans", [
    # ward and town garbled, the block number heard: from the prefecture through 号
    ("はい、えーと、東京都接たがいやく対し度を3丁目18番7号です。", ["東京都接たがいやく対し度を3丁目18番7号"]),
    ("ええ、大阪府大坂しきたくうめ田1丁目2番3号の、ロイヤル梅田805号室です",
     ["大阪府大坂しきたくうめ田1丁目2番3号の、ロイヤル梅田805号室"]),
    ("はい、千葉県舟橋し本町5丁目3番地の2です。よろしくお願いします", ["千葉県舟橋し本町5丁目3番地の2"]),
    # no marker heard at all: from the start of the answer clause, fillers and topic left out
    ("えっと、せたがやくたいしどう3丁目18番7号です", ["せたがやくたいしどう3丁目18番7号"]),
    ("住所は、さいたましうらわく高砂2-7-12です。", ["さいたましうらわく高砂2-7-12"]),
    ("えー、練馬区ひかりがおか2ちょうめ9ばんの6です", ["練馬区ひかりがおか2ちょうめ9ばんの6"]),     # kana units
    ("あの、かながわけんよこはまし、とべほんちょうの、えー、42の9、パークサイド戸部の1103です",
     ["かながわけんよこはまし、とべほんちょうの、えー、42の9、パークサイド戸部の1103"]),
    ("引っ越しまして、ねりまく光が丘2丁目9番6号 グリーンハイツ1204号室です。電話は変わりません",
     ["ねりまく光が丘2丁目9番6号 グリーンハイツ1204号室"]),
    # building and room after a pause, their names garbled too; a clause about something else stays
    ("東京都接たがいやく対し度をとてもながいなまえのま3丁目18番7号、コーポわかばやしの201です",
     ["東京都接たがいやく対し度をとてもながいなまえのま3丁目18番7号、コーポわかばやしの201"]),
    ("せたがやくたいしどう3の18の7、えー、201です", ["せたがやくたいしどう3の18の7、えー、201"]),
    ("せたがやくたいしどう3丁目18番7号、電話は09012345678です", ["せたがやくたいしどう3丁目18番7号"]),
    # a postal code said first stays out (the postal code recognizer has it); the clause after 、 stays
    ("郵便番号は154-0004、東京都せたがやく太子堂3丁目18番7号です", ["東京都せたがやく太子堂3丁目18番7号"]),
    ("ふくおかけん、はかたく、えきまえ2丁目1番1号で、電話は変わっていません", ["ふくおかけん、はかたく、えきまえ2丁目1番1号"]),
    # split over two sentences; a place without a block number still goes
    ("東京都世田谷区。たいしどう3丁目18番7号です", ["東京都世田谷区", "たいしどう3丁目18番7号"]),
    ("東京都接たがいやく対し度をです", ["東京都接たがいやく対し度を"]),
    # near misses in the answer: counts, menus, shops and times are no address
    ("はい、3番の窓口で聞いたんですけど", []),
    ("2丁目のコンビニの近くです", []),
    ("ちょっと待ってください、1号機の調子が悪くて", []),
    ("はい、そうです。変わっていません", []),
    ("大阪市のプラン20に変更したいんですが", ["大阪市"]),        # the place, not the plan
    ("千葉県で3回目の引っ越しです", ["千葉県"]),
])
def test_answer_to_an_address_question(answer, spans):
    assert _spans([ASK, ("caller", answer)]) == spans


@pytest.mark.parametrize("turns, spans", [
    # the address question itself garbled (住所 -> 十所) still makes an address answer
    ([("operator", "ご十所をお願いいたします。"), ("caller", "みなとく芝5の7の1です")], ["みなとく芝5の7の1"]),
    # 住所 lost (50兆), the postal code question opens the address dialogue (call03 as transcribed)
    ([("unknown", "新しい50兆有便番号からお願いいたします。"), ("unknown", "有便番号は154000004、"),
      ("unknown", "東京都接たがいやく対し度を3丁目18番7号です。")], ["東京都接たがいやく対し度を3丁目18番7号"]),
    # mono: question and answer in one turn; the question part stays
    ([("unknown", "新しいご住所をお願いします 東京都せたがいや区たいし度3-18-7です")], ["東京都せたがいや区たいし度3-18-7"]),
    # no address question: nothing here (the recognizer alone decides)
    ([("operator", "ご用件をお伺いします。"), ("caller", "せたがやくたいしどう3丁目18番7号です")], []),
    # the request's cue lost (ご住所 -> ご従事): an answer opening with a place and going on to a block
    # number answers an address request; after one, a place and a plan or a count is no address
    ([("operator", "状況を確認いたしますので ご従事をお願いできますか"), ("caller", "静岡市が多いく安道にの14の9です。")],
     ["静岡市が多いく安道にの14の9"]),
    ([("operator", "ご用件をお願いできますか"), ("caller", "大阪市のプラン20に変更したいんですが")], []),
    ([("operator", "ご用件をお願いできますか"), ("caller", "千葉県で3回目の引っ越しです")], []),
    # operators' turns are not answers
    ([ASK, ("operator", "東京都接たがいやく3丁目18番7号でお間違いないですか")], []),
])
def test_address_dialogue(turns, spans):
    assert _spans(turns) == spans


@pytest.mark.parametrize("text, spans", [
    # an address given unasked: a prefecture heard by its reading however written, digits after it
    ("お願いします。住所は母と同じでいわらきけん つくばしはずまに5、1、つくばてらす6.8です。",
     ["いわらきけん つくばしはずまに5、1、つくばてらす6.8"]),
    ("お願いします。重症は半波と同じで イバラ危険作場し はずまに5、1、作場テラス6.8です。",
     ["イバラ危険作場し はずまに5、1、作場テラス6.8"]),
    ("住所は半葉と同じでいわらき 県つくばしがずまに、5、1、つくばてらす6.8です。", ["いわらき 県つくばしがずまに、5、1、つくばてらす6.8"]),
    ("実家はちばけんふなばししほんちょう5の3の2です", ["ちばけんふなばししほんちょう5の3の2"]),
    # a place with no number, or with a count, a menu number or a number of another clause, stays
    ("千葉県で3回目の引っ越しです", []),
    ("大阪府の3番の窓口で聞きました", []),
    ("東京都に住んでいて、090の1234です", []),
    ("神奈川県のお客様センターに2回電話しました", []),
    ("京都府に3年住んでました", []),
    ("実家は三重県なんですけど", []),
])
def test_address_given_unasked(text, spans):
    norm = normalize(text).text
    assert [norm[s:e] for s, e in volunteered_address_spans(norm)] == spans
