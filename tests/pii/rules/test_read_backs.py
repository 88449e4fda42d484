"""The operator's read-back of an answer goes, found by its reading however recognition spelled it."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.dialogue import CallView, TimedWord
from redactor.pii.normalize import normalize
from redactor.pii.rules.read_backs import ReadBacks
from redactor.pii.spans import SpanSet

from ..helpers import rule_effect

CONFIG = load_config()
ASK = ("operator", "お名前をお願いします")


@pytest.mark.parametrize("turns, spans, added", [
    # the answer as the caller's turn had it found, the read-back garbled another way
    ([ASK, ("caller", "はせがまちひろと言います"), ("operator", "はせがわちひろさまですね")],
     [(1, "はせがまちひろ", "PERSON", 0.5)], {(2, "はせがわちひろ", "PERSON")}),
    ([ASK, ("caller", "小事まこと"), ("operator", "少女まこと様ありがとうございます")],
     [(1, "小事まこと", "PERSON", 0.5)], {(2, "少女まこと", "PERSON")}),
    # an address read back with 復唱, garbled
    ([("operator", "ご住所をお願いします"), ("caller", "神奈川県横浜市西区戸部本町42の9"),
      ("operator", "復唱いたします 神奈川県横浜市に縮く 都別本街4に9でよろしいでしょうか")],
     [(1, "神奈川県横浜市西区戸部本町42の9", "ADDRESS", 0.5)], {(2, "神奈川県横浜市に縮く 都別本街4に9", "ADDRESS")}),
    # a part of the answer: the surname of a full name
    ([ASK, ("caller", "岡田直樹です"), ("operator", "おかださまありがとうございます")],
     [(1, "岡田直樹", "PERSON", 0.5)], {(2, "おかだ", "PERSON")}),
    # nothing like the answer, nothing added; short answers are left to the other rules
    ([ASK, ("caller", "山田太郎です"), ("operator", "ありがとうございます。生年月日をお願いします")],
     [(1, "山田太郎", "PERSON", 0.5)], set()),
    ([ASK, ("caller", "森です"), ("operator", "もりさまですね")], [(1, "森", "PERSON", 0.5)], set()),
    # a read-back of everything collected repeats answers from before the operator's previous turn
    ([("operator", "金融機関名と口座番号をお願いします"), ("caller", "水なみりん校の錦糸町支店で普通の3.58241です"),
      ("operator", "ご名義をカタカナでお願いします"), ("caller", "ワタナベエミです"),
      ("operator", "復唱いたします 普通3.58241 名義ワタナベエミ様")],
     [(1, "3.58241", "BANK_ACCOUNT", 0.5), (3, "ワタナベエミ", "PERSON", 0.5)],
     {(4, "3.58241", "BANK_ACCOUNT"), (4, "ワタナベエミ", "PERSON")}),
    # ...whole, not word by word: a part is looked for only in the answer just given
    ([ASK, ("caller", "山田太郎です"), ("operator", "ありがとうございます"), ("operator", "やまださまですね")],
     [(1, "山田太郎", "PERSON", 0.5)], set()),
    # ...and no further back than lookback_turns (4)
    ([ASK, ("caller", "山田太郎です"), ("operator", "ありがとうございます"), ("caller", "はい"), ("operator", "では"),
      ("caller", "ええ"), ("operator", "やまだたろうさまですね")], [(1, "山田太郎", "PERSON", 0.5)], set()),
    # an amount is no read-back, whatever it sounds like
    ([("operator", "セキュリティコードをお願いします"), ("caller", "コードは751です"),
      ("operator", "お支払い金額は42,300円でございます")], [(1, "751", "CARD_CVV", 0.5)], set()),
    # the caller repeating what the operator said is no read-back
    ([("operator", "やまだたろうさまですね"), ("caller", "山田太郎です")], [(1, "山田太郎", "PERSON", 0.5)], set()),
    # a number read back is compared by its digits (a digit dropped, 日 heard after it); amounts stay
    ([("operator", "新しいご住所を郵便番号からお願いします"), ("caller", "530の004道 大阪府大阪市北天井橋4丁目"),
      ("operator", "宙をいたします 53004日 大阪府の")],
     [(1, "530の004道", "POSTAL_CODE", 0.5)], {(2, "53004", "POSTAL_CODE")}),
    ([("operator", "口座番号をお願いします"), ("caller", "1490の28815631です"),
      ("operator", "ご請求は1,490円、手数料は2881円です")], [(1, "1490の28815631", "BANK_ACCOUNT", 0.5)], set()),
    # ...digits grouped in thousands with no unit are a number said in one breath, a digit lost
    ([("operator", "口座番号をお願いします"), ("caller", "普通、口座番号は7.0.4.2.8.5です"),
      ("operator", "普通、740,285、ご名義をお願いします")], [(1, "7.0.4.2.8.5", "BANK_ACCOUNT", 0.5)],
     {(2, "740,285", "BANK_ACCOUNT")}),
    ([("operator", "口座番号をお願いします"), ("caller", "7040285です"),
      ("operator", "返金額は704,285円でございます")], [(1, "7040285", "BANK_ACCOUNT", 0.5)], set()),
    # a confirmation frame (ですね, でよろしいでしょうか, でお間違いない…, found by reading) marks the
    # slot of the read-back: where a piece of it matches the answer, the whole slot goes
    ([("operator", "ご住所をお願いします"), ("caller", "愛知県名古屋市中区栄3丁目8の15の21"),
      ("operator", "愛知県なごやしなかくさかえ 産町名一号21でよろしいでしょうか")],
     [(1, "愛知県名古屋市中区栄3丁目8の15の21", "ADDRESS", 0.5)],
     {(2, "愛知県なごやしなかくさかえ 産町名1号21", "ADDRESS")}),
    ([("operator", "メールアドレスをお願いします"), ("caller", "mtakanashi21アットマークエグザンプルドットJPです"),
      ("operator", "確認いたします エムティエケレレネレス1位 2021がとエグザンプルJPでお待ちがいないでしょうか")],
     [(1, "mtakanashi21アットマークエグザンプルドットJP", "EMAIL_ADDRESS", 0.5)],
     {(2, "エムティエケレレネレス1位 2021がとエグザンプルJP", "EMAIL_ADDRESS"),  # the slot, and the pieces that matched
      (2, "2021", "EMAIL_ADDRESS"), (2, "エグザンプル", "EMAIL_ADDRESS"), (2, "JP", "EMAIL_ADDRESS")}),
    # ...however the frame is said or heard (で間違いないですか, で合っていますか, でお間違いございませんか)
    ([("operator", "有効期限をお願いします"), ("caller", "2029年3月までです"), ("operator", "はい 03の29で間違いないですか")],
     [(1, "2029年3月", "CARD_EXPIRY", 0.5)], {(2, "03の29", "CARD_EXPIRY")}),
    ([("operator", "ご住所をお願いします"), ("caller", "せたがやくたいしどう3の18の7です"),
      ("operator", "確認いたします せたがやく対し度3の18の7で合っていますか")],
     [(1, "せたがやくたいしどう3の18の7", "ADDRESS", 0.5)], {(2, "せたがやく対し度3の18の7", "ADDRESS")}),
    # ...a slot whose topic label asks for an item goes as that item, with no answer given (an
    # address on file read out; the label 送付先, heard ソフ先, stays)
    ([("operator", "住民票もあわせてお送りください ソフ先は小御県公別しなどく 6個大まち1 2 2 3 0 5でよろしいですか")], [],
     {(0, "小御県公別しなどく 6個大まち1 2 2 3 0 5", "ADDRESS")}),
    # ...a slot naming a place and a number is an address read out
    ([("operator", "提供可能か確認が必要です ご通証はご登録のみやぎ県 選待し合おばく1番 町に町めきゅう 3でよろしいですか")], [],
     {(0, "ご通証はご登録のみやぎ県 選待し合おばく1番 町に町めきゅう 3", "ADDRESS")}),
    # ...a bare number confirmed right after a number answer is its read-back (digits reordered)
    ([("operator", "有効期限をお願いします"), ("caller", "2029年3月までです"), ("operator", "0-3-29ですね こちらで登録いたしました")],
     [(1, "2029年3月", "CARD_EXPIRY", 0.5)], {(2, "0-3-29", "CARD_EXPIRY")}),
    # ...but a slot of general talk, or one stating an amount, is no read-back; nor is a slot
    # where no answer, no item label and no place with a number says so
    ([("operator", "お名前をお願いします"), ("caller", "森敏子です"),
      ("operator", "ありがとうございます。森敏子様のご契約、1月分のご請求が18,420円でございますね")],
     [(1, "森敏子", "PERSON", 0.5)], {(2, "森敏子", "PERSON")}),
    ([("operator", "お届け日は3月5日でよろしいですか")], [], set()),
    ([("operator", "お支払いは3回払いでよろしいですか")], [], set()),
    ([("operator", "解約のお手続きでございますね")], [], set()),
    ([("operator", "ご契約のプランはプレミアム30でよろしいですか")], [], set()),
    # mono: a turn whose role stays unknown may be the operator reading back (fail closed)
    ([("unknown", "ご住所をお願いします"), ("unknown", "神奈川県横浜市西区戸部本町42の9"),
      ("unknown", "福祥いたします"), ("unknown", "神奈川県横浜市に縮く 都別本街4に9")],
     [(1, "神奈川県横浜市西区戸部本町42の9", "ADDRESS", 0.5)], {(3, "神奈川県横浜市に縮く 都別本街4に9", "ADDRESS")}),
    # a mailing's frame marks where it goes: an address or an item found there, however garbled
    # (宛てに heard 「座に」); what is sent and when stay, and so does a destination with no address
    ([("caller", "はい、お願いします。"),
      ("operator", "承知いたしました。ご登録のご住所、宮城県仙代市泉く賞鑑8丁目13番地の7座に多くりいたします")], [],
     {(1, "ご登録のご住所、宮城県仙代市泉く賞鑑8丁目13番地の7座", "ADDRESS")}),
    ([("caller", "はい。"), ("operator", "送付先は、大阪府大坂市北区梅田2の4の9あてにお送りいたします")], [],
     {(1, "大阪府大坂市北区梅田2の4の9あて", "ADDRESS")}),
    ([("caller", "はい。"), ("operator", "請求書は来月10日に発送いたします。")], [], set()),
    ([("caller", "はい。"), ("operator", "新しいカードをご自宅にお送りいたします。")], [], set()),
    ([("caller", "はい。"), ("operator", "ご登録のメールアドレスにお送りいたします。")], [], set()),
    # ...an address spelled there, its at sign garbled, is an e-mail address; what is sent (the topic) stays
    ([("caller", "はい。"), ("operator", "再設定のご案内は KEIを大臣52圧とエグザンプル ネットあてにお送りしました")], [],
     {(1, "KEIを大臣52圧とエグザンプル ネットあて", "EMAIL_ADDRESS")}),
    ([("caller", "はい。"), ("operator", "新しいSIMカードはご自宅にお送りします")], [], set()),
    # an account read back loses its number, not the bank's and the branch's names
    ([("operator", "口座番号をお願いします"), ("caller", "みなと銀行の本町支店、普通の8063519です"),
      ("operator", "復唱いたします。みなと銀行本町支店、普通8063519でよろしいでしょうか")],
     [(1, "8063519", "BANK_ACCOUNT", 0.5)], {(2, "普通8063519", "BANK_ACCOUNT"), (2, "8063519", "BANK_ACCOUNT")}),
])
def test_read_backs(turns, spans, added):
    assert rule_effect(ReadBacks(), turns, spans, CONFIG) == (added, set())


def test_a_read_back_opening_the_turn_is_muted_from_the_previous_turns_end():
    texts = ["お名前をお願いします", "岡田直樹", "おかださまありがとうございます"]
    times = [(0.0, 2.0), (2.5, 4.0), (4.2, 6.0)]
    timings = []
    for text, (start_s, end_s) in zip(texts, times):
        step = (end_s - start_s) / len(text)
        timings.append((start_s, end_s, tuple(TimedWord(i, i + 1, start_s + i * step, start_s + (i + 1) * step)
                                              for i in range(len(text)))))
    call = CallView.build(["operator", "caller", "operator"], [normalize(t) for t in texts], CONFIG.call_context,
                          timings=timings)
    spans = SpanSet(3, CONFIG.score_threshold)
    spans.add_uncovered(1, "PERSON", 0, 4)
    ReadBacks().apply(call, spans)
    [read_back] = spans.times(2)
    assert (read_back.start, read_back.end) == (0, 3)
    assert (round(read_back.start_s, 2), round(read_back.end_s, 2)) == (4.0, 4.56)  # lead_s 0.4: from 4.0, its turn's end
