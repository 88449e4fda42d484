"""The operator's self-introduction goes, however speech recognition garbles the name and however
the greeting is split into turns; garbled stock phrases (かしこまりました) are not names.

Calls are mono recordings (speaker `unknown`) unless said otherwise; names and companies are made
up and unlike the dev set's.
"""

import pytest

from redactor.pii.config import OrganisationsConfig
from redactor.pii.operator_intro import OperatorIntroFinder
from redactor.pii.recognizers.names import garbled_stock_phrase, is_plausible_name

from .helpers import assert_gone_kept, redact_pairs

U, OP, CA = "unknown", "operator", "caller"


def _slots(lines, operators=None):
    operators = operators or [True] * len(lines)
    found = OperatorIntroFinder(OrganisationsConfig()).find(lines, operators, lambda turn, s, e: [])
    return [lines[t][s:e] for t, s, e in found]


@pytest.mark.parametrize("lines, names", [
    # the greeting split over turns; the name misheard into words no dictionary calls a name
    (["お電話ありがとうございます", "光がす引っ越し受け付けセンターは山元でございます"], ["山元"]),
    (["お電話ありがとうございます", "青晩生命お客様のどっちの小晦らしです"], ["小晦らし"]),
    (["お電話ありがとうございます", "はるか電気料金係の、鳥海でございます"], ["鳥海"]),
    (["お待たせいたしました", "さくら銀行カスタマーセンター、担当のたかはしです"], ["たかはし"]),
    (["お電話ありがとうございます", "アオバでんきサポートデスク、わたくし毛利が承ります"], ["毛利"]),
    (["お電話ありがとうございます", "ツバキ損保事故受付の葉山りくでございます"], ["葉山りく"]),
    # organisation at the end of one turn, the name at the start of the next
    (["お電話ありがとうございます", "みどり通販お支払い窓口", "須々木がうけたまわります"], ["須々木"]),
    # one turn, no punctuation; a department word straight before the name
    (["お電話ありがとうございますコハク証券お客様相談室の猪俣です"], ["猪俣"]),
    (["お電話ありがとうございます。ユズ保険コールセンター根古谷でございます"], ["根古谷"]),
    # a coined organisation with no business word, right after the opener
    (["お電話ありがとうございます", "ソラマメの、加賀美と申します"], ["加賀美"]),
    (["お電話ありがとうございます", "ハルカ電力の田中です"], ["田中"]),
    (["お電話ありがとうございます", "ハルカ電力の朝日でございます"], ["朝日"]),
    # sign-offs, anywhere in the call
    (["住所の変更ですね", "本日はひかりガス、山元が受けたまわりました"], ["山元"]),
    (["本日は青晩生命の小晦らしが承りました"], ["小晦らし"]),
    (["本日は、わたくし四月一日が担当いたしました"], ["四月一日"]),
])
def test_intro_name_slots(lines, names):
    assert _slots(lines) == names


@pytest.mark.parametrize("lines", [
    ["営業時間は9時からでございます"],
    ["お電話ありがとうございます", "営業時間は9時から18時まででございます"],
    ["お電話ありがとうございます", "こちらは料金センターでございます"],
    ["お電話ありがとうございます", "担当部署でございます"],
    ["お電話ありがとうございます", "ハルカ電力でございます"],
    ["お電話ありがとうございます。ハルカ電力の料金センターです"],
    ["お電話ありがとうございます。ミナトテレコムのご案内です"],
    ["お電話ありがとうございます", "はい、ご契約の件ですね"],
    ["お電話ありがとうございます", "アオバ銀行の者です"],
    # once the operator has given their name the opening is over: the caller's turns are not greetings
    # outside the opening, 「…の…です」 is an ordinary sentence
    ["お名前をお願いします", "田中です", "住所の変更です", "ガスの開栓のお願いです", "東京支店の担当です"],
    # not sign-offs
    ["変更を承りました", "お手続きを受けたまわりました", "ご注文が承りました"],
])
def test_not_intro_name_slots(lines):
    assert _slots(lines) == []


def test_opening_ends_with_the_operators_name():
    assert _slots(["お電話ありがとうございます", "ハルカ電力の山田です", "はい、北口の駐車場です"]) == ["山田"]


def test_caller_turn_in_stereo_is_no_greeting():
    assert _slots(["コハク証券の猪俣です"], [False]) == []


@pytest.mark.parametrize("text, span, garbled", [
    ("賀子込まりましたご契約者様のお名前を", "賀子", True),     # かしこまりました
    ("はい、美紀込まりました", "美紀", True),
    ("正一いたしました", "正一", True),                         # 承知いたしました
    ("賞味お待ちください", "賞味", True),                       # 少々お待ちください
    # names in sentences stay names
    ("森かしこまりました", "森", False),                        # the phrase is whole after the name
    ("佐藤承知いたしました", "佐藤", False),
    ("田中です", "田中", False),
    ("田中が承りました", "田中", False),
    ("高橋様お待ちください", "高橋", False),
    ("恵美いたします", "恵美", False),
])
def test_garbled_stock_phrase(text, span, garbled):
    start = text.index(span)
    assert garbled_stock_phrase(text, start, start + len(span)) is garbled


@pytest.mark.parametrize("value", ["込まりました", "承知いたします", "お待ち下さい", "まりました"])
def test_words_ending_in_verb_endings_are_not_names(value):
    assert not is_plausible_name(value)


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    # the committed samples as the bundled Whisper base writes them
    ([(U, "お電話ありがとうございます"), (U, "光がす引っ越し受け付けセンターは山元でございます"),
      (U, "来月引っ越すのでラスの住所変更をお願いします"), (U, "賀子込まりましたご契約者様のお名前をお願いいたします"),
      (U, "では後ほど山元から折り返しご連絡します")],
     ["山元"], ["光がす引っ越し受け付けセンター", "賀子込まりました", "住所変更"]),
    ([(U, "お電話ありがとうございます"), (U, "青晩生命お客様のどっちの小晦らしです"),
      (U, "保健の契約内容を確認したいのですが")], ["小晦らし"], ["青晩生命", "保健の契約内容"]),
    # the name said once in the greeting goes in later turns too (propagation)
    ([(U, "お電話ありがとうございます"), (U, "はるか電気料金係の、鳥海でございます"), (U, "料金のことで"),
      (U, "美紀込まりました。本日は鳥海が承りました")], ["鳥海"], ["美紀込まりました", "料金係"]),
    ([(U, "お電話ありがとうございます"), (U, "みどり通販お支払い窓口"), (U, "須々木がうけたまわります"),
      (U, "カードで払いたいんですけど"), (U, "本日は須々木が担当いたしました")], ["須々木"], ["お支払い窓口"]),
    ([(OP, "お待たせいたしました。ツバキ損保事故受付の葉山りくでございます"), (CA, "あの、事故の連絡です")],
     ["葉山りく"], ["ツバキ損保事故受付"]),
    ([(U, "お電話ありがとうございますコハク証券お客様相談室の猪俣です"), (U, "口座のことで")], ["猪俣"], ["お客様相談室"]),
    ([(U, "住所の変更ですね"), (U, "本日はひかりガス、御手洗が受けたまわりました")], ["御手洗"], ["ひかりガス"]),
    # near misses: nothing of these is a name
    ([(U, "お電話ありがとうございます"), (U, "営業時間は9時からでございます")], [], ["営業時間は9時から"]),
    ([(U, "お電話ありがとうございます"), (U, "こちらは料金センターでございます")], [], ["料金センター"]),
    ([(U, "お電話ありがとうございます"), (U, "担当部署でございます")], [], ["担当部署"]),
    ([(U, "お電話ありがとうございます。ミナトテレコムのアンケートです")], [], ["アンケート"]),
    ([(U, "お電話ありがとうございます。ソラネットの受付です")], [], ["受付"]),
    ([(U, "お電話ありがとうございます"), (U, "本日は定休日でございます")], [], ["定休日"]),
    # garbled stock phrases are not names; a caller's name still goes
    ([(U, "お名前をお願いします"), (U, "高橋まことです"), (U, "賀子込まりました。少々お待ちください"),
      (U, "賞味お待ちくださいませ")], ["高橋", "まこと"], ["賀子込まりました", "賞味お待ち"]),
])
def test_intro_calls(call_redactor, turns, gone, kept):
    assert_gone_kept("\n".join(redact_pairs(call_redactor, turns)), gone, kept)


@pytest.mark.parametrize("lines", [
    # after a hold the operator reads out results: no organisation word, no name slot
    ["お名前をお願いします", "田中です", "お待たせいたしました。ご契約の内容ですが、ファミリー割の対象です"],
    ["お待たせいたしました", "ご住所は練馬区の北町です"],
    # the copula inside a sentence is no introduction
    ["お電話ありがとうございます", "ハルカ電力の料金ですが"],
])
def test_not_intro_after_hold(lines):
    assert _slots(lines) == []


def test_transfer_after_hold_names_the_new_operator():
    assert _slots(["少々お待ちください", "お待たせいたしました、料金担当の御手洗です"]) == ["御手洗"]


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    # varied garbled openings with a name in the slot
    ([(U, "お電話ありがとうございます"), (U, "ソラネットサポートの、えー、栗林です")], ["栗林"], ["ソラネットサポート"]),
    ([(U, "お電話ありがとうございます"), (U, "みなと銀行ローンセンターの四十物でございます")], ["四十物"], ["ローンセンター"]),
    ([(U, "お電話ありがとうございます"), (U, "ツバキ生命保険お客様窓口担当の中ノ森です")], ["中ノ森"], ["お客様窓口担当"]),
    ([(U, "お電話ありがとうございます"), (U, "ひかり生命の、ああ、もりしたです")], ["もりした"], ["ひかり生命"]),
    # near misses in the opening: no name in the slot
    ([(U, "お電話ありがとうございます"), (U, "ハルカ電力でございます"), (U, "北口の駐車場です")], [], ["北口の駐車場"]),
    ([(U, "お電話ありがとうございます"), (U, "コハク保険の受付時間は平日のみでございます")], [], ["平日のみ"]),
    ([(U, "お電話ありがとうございます"), (U, "只今の時間は受付時間外でございます")], [], ["受付時間外"]),
    ([(U, "お電話ありがとうございます"), (U, "こちらはハルカ電力の自動音声案内です")], [], ["自動音声案内"]),
    ([(U, "お電話ありがとうございます"), (U, "こちらは解約専用の窓口です")], [], ["解約専用の窓口"]),
    ([(U, "いつもご利用ありがとうございます"), (U, "ミナト生命のコールセンターは混雑しております")], [], ["混雑"]),
])
def test_varied_openings(call_redactor, turns, gone, kept):
    assert_gone_kept("\n".join(redact_pairs(call_redactor, turns)), gone, kept)
