"""The caller's answer to a request for a personal item goes by time; what plainly answers nothing stays.

Dialogues are timed as recognition times them: every turn has its start and end, and one word per
character spread evenly over the turn, so a span's seconds can be checked to the word.
"""

import pytest

from redactor.pii.config import PiiConfig, load_config
from redactor.pii.dialogue import CallView, TimedWord
from redactor.pii.normalize import normalize
from redactor.pii.rules.answer_windows import AnswerWindows, answer_parts, expectation, requested_types
from redactor.pii.spans import SpanSet

CONFIG = load_config()
CONF = CONFIG.call_context


def _timed(turns):
    """(speaker, text, start_s, end_s) turns -> a CallView whose words are its characters, evenly timed."""
    texts = [normalize(t) for _, t, _, _ in turns]
    timings = []
    for (_, text, start_s, end_s) in turns:
        step = (end_s - start_s) / len(text)
        words = tuple(TimedWord(i, i + 1, round(start_s + i * step, 3), round(start_s + (i + 1) * step, 3))
                      for i in range(len(text)))
        timings.append((start_s, end_s, words))
    return CallView.build([s for s, _, _, _ in turns], texts, CONF, timings=timings)


def _windows(turns, config=None):
    """(turn, text, type, start_s, end_s) of every span the rule adds by time."""
    call = _timed(turns)
    spans = SpanSet(len(turns), CONFIG.score_threshold)
    AnswerWindows(config).apply(call, spans)
    return [(turn.index, turn.text[t.start:t.end], t.type, round(t.start_s, 2), round(t.end_s, 2))
            for turn in call.turns for t in spans.times(turn.index)]


ASK_NAME = ("operator", "ご契約者様のお名前をお願いします。", 0.0, 3.0)


@pytest.mark.parametrize("turns, windows", [
    # the answer, however garbled, goes from its first word to trail_s (0.5 s) after its last; it ends
    # its turn, so that may reach past the turn, short of the operator's next turn
    ([ASK_NAME, ("caller", "糸をまさみ", 3.5, 5.5), ("operator", "ありがとうございます", 7.0, 8.0)],
     [(1, "糸をまさみ", "PERSON", 3.5, 6.0)]),
    ([ASK_NAME, ("caller", "糸をまさみ", 3.5, 5.5), ("operator", "ありがとうございます", 6.0, 8.0)],
     [(1, "糸をまさみ", "PERSON", 3.5, 6.0)]),
    ([ASK_NAME, ("caller", "糸をまさみ", 3.5, 5.5), ("operator", "ありがとうございます", 5.8, 8.0)],
     [(1, "糸をまさみ", "PERSON", 3.5, 5.8)]),
    # fillers before it and the sentence's closing stay in the text; the trail within the turn
    # covers a closing whose words were timed early
    ([ASK_NAME, ("caller", "はい、えーと、山田です。", 3.5, 9.5), ("operator", "山田様ですね", 11.0, 12.0)],
     [(1, "山田", "PERSON", 7.0, 8.5)]),
    # the items' labels stay: 「電話番号が」「生年月日は」 (the window's type: the first asked)
    ([("operator", "お電話番号と生年月日をお願いいたします", 0.0, 3.0),
      ("caller", "電話番号が09012345678で、生年月日は平成3年7月22日", 3.0, 14.0), ("operator", "確認いたします", 15.0, 16.0)],
     [(1, "09012345678で", "PHONE_NUMBER", 4.72, 9.34), (1, "平成3年7月22日", "PHONE_NUMBER", 10.91, 14.5)]),
    # a question back, a refusal or a stock reply is no answer; the window goes on past it
    ([ASK_NAME, ("caller", "え、漢字ですか？", 3.5, 5.5), ("caller", "ヤマダタロウです", 6.0, 8.0)],
     [(2, "ヤマダタロウ", "PERSON", 6.0, 8.0)]),
    ([ASK_NAME, ("caller", "すみません、わかりません", 3.5, 5.5)], []),
    ([ASK_NAME, ("caller", "はい、そうです", 3.5, 5.5)], []),
    ([ASK_NAME, ("caller", "ちょっと待ってください", 3.5, 5.5), ("caller", "佐藤です", 8.0, 9.0)],
     [(2, "佐藤", "PERSON", 8.0, 9.0)]),
    # a back-channel 「はい」 does not end the window; the operator's next words do
    ([ASK_NAME, ("caller", "住所は東京都", 3.5, 5.5), ("operator", "はい", 5.6, 6.0), ("caller", "港区芝公園4の2", 6.5, 8.5),
      ("operator", "ありがとうございます", 9.0, 10.0), ("caller", "山田太郎です", 10.5, 12.0)],
     [(1, "東京都", "PERSON", 4.5, 6.0), (3, "港区芝公園4の2", "PERSON", 6.5, 9.0)]),
    # a sentence opening a new topic ends the answer and the window
    ([ASK_NAME, ("caller", "山田です。あと、請求書の件なんですけど", 3.5, 9.0), ("caller", "先月の分です", 9.5, 11.0)],
     [(1, "山田", "PERSON", 3.5, 4.58)]),
    # bounded: a caller turn starting max_window_s after the request, or past max_turns, answers nothing
    ([ASK_NAME, ("caller", "山田です", 30.0, 31.0)], []),
    ([ASK_NAME] + [("caller", f"{name}です", 4.0 + i, 4.8 + i) for i, name in enumerate(["山田", "田中", "佐藤", "鈴木"])],
     [(1, "山田", "PERSON", 4.0, 4.8), (2, "田中", "PERSON", 5.0, 5.8), (3, "佐藤", "PERSON", 6.0, 6.8)]),
    # garbled asking verbs and cues (fuzzy readings) still open the window
    ([("operator", "ご契約者様のお名前をおめがいいたします", 0.0, 3.0), ("caller", "サイトを見こです", 3.5, 5.5)],
     [(1, "サイトを見こ", "PERSON", 3.5, 5.5)]),
    ([("operator", "お客様番号はお手元にございますか", 0.0, 3.0), ("caller", "えーと0047 2231 986", 3.5, 6.5)],
     [(1, "0047 2231 986", "CUSTOMER_ID", 4.06, 7.0)]),
    # card data names the window when asked with other items (it leaves the raw audio too)
    ([("operator", "お名前とカード番号をお願いします", 0.0, 3.0), ("caller", "山田太郎、4111111111111111", 3.5, 8.5)],
     [(1, "山田太郎、4111111111111111", "CREDIT_CARD", 3.5, 9.0)]),
    # 「番号を」 alone: the type the dialogue expects (a card dialogue's expiry)
    ([("operator", "カード番号をお願いします", 0.0, 2.0), ("caller", "4111111111111111", 2.5, 6.5),
      ("operator", "有効期限の番号をお願いします", 7.0, 9.0), ("caller", "29の8です", 9.5, 11.0)],
     [(1, "4111111111111111", "CREDIT_CARD", 2.5, 7.0), (3, "29の8", "CARD_EXPIRY", 9.5, 11.0)]),
    # no window: statements, instructions, read-backs, and requests saying the item is not wanted
    ([("operator", "11月14日午後3時ごろのお電話でお間違いないでしょうか", 0.0, 3.0), ("caller", "そう、田中さんに話したら切られた", 3.5, 6.0)], []),
    ([("operator", "個人番号の部分は必ず隠してお送りください", 0.0, 3.0), ("caller", "わかりました", 3.5, 4.0)], []),
    ([("operator", "セキュリティコードはお伺いしておりませんのでお控えください", 0.0, 3.0), ("caller", "735ですけど", 3.5, 4.5)], []),
    ([("operator", "番号のご案内は不要です。店頭でご提示ください", 0.0, 3.0), ("caller", "1234です", 3.5, 4.5)], []),
    ([("operator", "ヤマダ様でよろしいでしょうか", 0.0, 2.0), ("caller", "はい", 2.5, 3.0)], []),
    # the caller asking first: no request, no window
    ([("caller", "電話番号を変えたいんですけど", 0.0, 2.0), ("operator", "かしこまりました", 2.5, 3.5)], []),
])
def test_answer_windows(turns, windows):
    assert _windows(turns) == windows


def test_settings_bound_the_window():
    turns = [ASK_NAME, ("caller", "山田です", 3.5, 4.5), ("caller", "田中です", 12.0, 13.0)]
    assert _windows(turns, AnswerWindows.Config(max_window_s=5.0, trail_s=0.0)) == [(1, "山田", "PERSON", 3.5, 4.0)]
    assert _windows(turns, AnswerWindows.Config(enabled=False)) == []


def test_without_times_the_answer_is_redacted_in_the_text():
    texts = [normalize(t) for t in ("お名前をお願いします", "糸をまさみです")]
    call = CallView.build(["operator", "caller"], texts, CONF)
    spans = SpanSet(2, CONFIG.score_threshold)
    AnswerWindows().apply(call, spans)
    assert [call.turns[1].text[s.start:s.end] for s in spans.findings(1)] == ["糸をまさみ"]
    assert spans.times(1) == []


def test_protected_text_refuses_a_window():
    call = _timed([ASK_NAME, ("caller", "ミナト電気です", 3.5, 5.0)])
    spans = SpanSet(2, CONFIG.score_threshold)
    spans.protect(1, 0, 4)
    AnswerWindows().apply(call, spans)
    assert spans.times(1) == []


@pytest.mark.parametrize("text, types", [
    ("ご本人確認のため、お電話番号と生年月日をお願いいたします", {"PHONE_NUMBER", "DATE_OF_BIRTH"}),
    ("お名前を教えていただけますか", {"PERSON"}),
    ("運転免許証などはお持ちでしょうか", {"DRIVERS_LICENSE"}),
    ("返金先の口座をお伺いできますか", {"BANK_ACCOUNT"}),
    # a cue in the sentence before (ended by a polite ending and a pause, no mark) asks for nothing
    ("名義変更の場合お支払いの講座も変更が必要です 新しい講座を追うかがいしてもよろしいですか", {"BANK_ACCOUNT"}),
    ("メイギ変更の場合おしはらいの講座も変更が必要です 新しい講座を追うかがいしてもよろしいですか", {"BANK_ACCOUNT"}),
    ("ご登録のお店は番号もおめがいします", {"<number>"}),
    ("ご本人様でいらっしゃいますか", set()),
    ("お名前は山田様でよろしいでしょうか", set()),
    ("IPアドレスは変わります。工事完了後にご確認ください", set()),
    ("セキュリティコードは今後お伺いすることがございません", set()),
    ("よろしくお願いいたします", set()),
    # a reason given before a request is not what it asks for; お持ち asks only as a question
    ("カード番号は新しくなりますので、お支払い先には変更のご連絡をお願いいたします", set()),
    ("お手数ですので、お名前をお願いいたします", {"PERSON"}),
    ("マイナンバーカードをお持ちでしたら、コンビニで取得できます", set()),
    ("他社へ番号をお持ち運びになる場合、手数料は無料です", set()),
    ("他社へ番号をお持ち 運びになる場合 手数料は無料です", set()),
    ("マイナンバーカードはお持ちですか", {"MY_NUMBER"}),
])
def test_requested_types(text, types):
    assert requested_types(normalize(text).text, CONF) == types


NAME = expectation({"PERSON"}, CONF)
NUMBER = expectation({"PHONE_NUMBER"}, CONF)


@pytest.mark.parametrize("text, expected, parts", [
    ("はい、えーと、0901234567です", NUMBER, ["0901234567です"]),   # a number's closing goes with it
    ("75です", NUMBER, ["75です"]),                                # (a dropped digit is timed to it)
    ("はい、山田です", NAME, ["山田"]),
    ("長男の阿部浩之です。父のマイナンバーとかも必要ですか？通知カードに2606って書いてあるんですけど", NAME,
     ["長男の阿部浩之", "通知カードに2606って書いてあるんですけど"]),
    # ...as recognition writes it, with no marks: a polite ending before a pause and a question's
    # ending still close their sentences
    ("長南の上記録行です 父の前南バラとかも必要ですか通知カードに2666って書いてあるんですけど", NAME,
     ["長南の上記録行", "通知カードに2666って書いてあるんですけど"]),
    ("長男の上記録勇気です 父親の前南バラとかも必要ですか 通知カードに266605865161って書いてあるんですけど", NAME,
     ["長男の上記録勇気", "通知カードに266605865161って書いてあるんですけど"]),   # a question's ending before a pause
    ("オオツカケンジです 大きいに塚で大塚", NAME, ["オオツカケンジ", "大きいに塚で大塚"]),
    ("山田ですから", NAME, ["山田ですから"]),      # ですから, ですかね go on
    ("田中ですかね 田中です", NAME, ["田中ですかね 田中"]),
    ("IDはSN4882073、名前は中村です", NAME, ["SN4882073", "中村"]),
    ("携帯で、070の8812の3345", NUMBER, ["070の8812の3345"]),
    ("石井さやかです", NAME, ["石井さやか"]),          # a name ending in か is no question back
    # a new topic ends the answer: 「あと」 opening a sentence, not 「あと3日」
    ("1999年12月31日です。あ、あと引っ越し予定日は4月15日です", NAME, ["1999年12月31日"]),
    ("山田です。あと3日で引っ越します", NAME, ["山田", "あと3日で引っ越します"]),
    # no identifier digits where a number was asked: a time or a count with its unit
    ("午後3時以降なら家にいます", NUMBER, []),
    ("あ、ちょっと待ってください。2分ほど", NUMBER, []),
    ("午後0時9時7時", NUMBER, ["午後0時9時7時"]),    # garbled digits, three runs: an answer
    ("午後3時以降なら家にいます", NAME, ["午後3時以降なら家にいます"]),
    ("B、数Aです", NUMBER, ["B、数Aです"]),              # no digits at all: a number garbled into letters
    # where only a number was asked, the clauses of words before its digits stay audible (the bank,
    # the branch); a clause without kanji may be the digits heard as kana, and goes
    ("母の口座で、しらかば銀行の札幌駅前支店、普通の7 2 4 1 0 5 9です。", NUMBER, ["普通の7 2 4 1 0 5 9です"]),
    ("母の講座で、しらかば銀行のサッポロへ決まえ 視点、普通の7、2、4、1、0、5、9です", NUMBER,
     ["普通の7、2、4、1、0、5、9です"]),
    ("えーと、れいはち、1234の5678です", NUMBER, ["れいはち、1234の5678です"]),
    # who, not the name; questions back; refusals
    ("はい、本人です", NAME, []),
    ("はい、そうです。夫です", NAME, []),
    ("番号言えばいいですか？", NUMBER, []),
    ("ないです", NAME, []),
    ("はい", NAME, []),
])
def test_answer_parts(text, expected, parts):
    found, _ = answer_parts(normalize(text).text, expected)
    assert [normalize(text).text[s:e] for s, e in found] == parts


def test_a_site_may_add_cues_and_labels_follow():
    conf = PiiConfig.model_validate({"call_context": {"questions": {"CUSTOMER_ID": ["会員コード"]}}}).call_context
    found, _ = answer_parts("会員コードはAB1234です", expectation({"CUSTOMER_ID"}, conf))
    assert found == [(6, 14)]


def test_garbled_labels_stay_but_not_a_name_heard_before_a_cue():
    found, _ = answer_parts("糸をまさみです。青年学期は1985年3月2日です。", expectation({"PERSON", "DATE_OF_BIRTH"}, CONF))
    assert found == [(0, 5), (13, 22)]  # 糸をまさみ, 1985年3月2日
    text = "締密書電話は0800519"
    found, _ = answer_parts(text, expectation({"PERSON", "PHONE_NUMBER"}, CONF))
    assert [text[s:e] for s, e in found] == [text]


GREETING = ("unknown", "お電話ありがとうございます", 0.0, 1.5)


@pytest.mark.parametrize("turns, windows", [
    # mono: the roles are inferred (speaker_roles.py), then the window is the stereo one
    ([GREETING, ("unknown", "お名前をお願いします", 2.0, 3.5), ("unknown", "山田太郎です", 4.0, 5.5),
      ("unknown", "山田様ですね", 6.0, 7.0)], [(2, "山田太郎", "PERSON", 4.0, 5.5)]),
    # a request cut in two by a short pause is read whole (「…おめが」「いたします」)...
    ([GREETING, ("unknown", "ご契約者様のお名前をおめが", 2.0, 4.0), ("unknown", "いたします", 4.1, 5.0),
      ("unknown", "ハットリマサトです", 5.5, 7.0), ("unknown", "ハットリ様ですね", 7.5, 8.5)],
     [(3, "ハットリマサト", "PERSON", 5.5, 7.0)]),
    # ...not across a long one
    ([GREETING, ("unknown", "ご契約者様のお名前をおめが", 2.0, 4.0), ("unknown", "いたします", 7.0, 8.0),
      ("unknown", "ハットリマサトです", 8.5, 10.0)], []),
    # a turn of unknown role after a request may be its answer: it goes, whole (fail closed), and
    # the window goes on past it, to the operator's next turn
    ([GREETING, ("unknown", "お名前をお願いします", 2.0, 3.5), ("unknown", "山田太郎です。かしこまりました", 4.0, 7.0),
      ("unknown", "ご住所は東京都ですね", 7.5, 9.0)],
     [(2, "山田太郎", "PERSON", 4.0, 5.3), (2, "かしこまりました", "PERSON", 5.4, 7.5)]),
    # a number said in parts, each part its own mono turn of unknown role: all of them answer
    # (they do not count towards max_turns: recognition cut one answer at its pauses)
    ([GREETING, ("unknown", "口座番号をお願いいたします", 2.0, 4.0), ("unknown", "みずなみ銀行の錦糸町支店で普通です", 4.5, 7.0),
      ("unknown", "7、2、", 7.5, 8.5), ("unknown", "4、1、", 9.0, 10.0), ("unknown", "0、5、9です。", 10.5, 12.0),
      ("unknown", "かしこまりました", 12.5, 13.5)],
     [(2, "みずなみ銀行の錦糸町支店で普通です", "BANK_ACCOUNT", 4.5, 7.5), (3, "7、2", "BANK_ACCOUNT", 7.5, 8.75),
      (4, "4、1", "BANK_ACCOUNT", 9.0, 10.25), (5, "0、5、9です", "BANK_ACCOUNT", 10.5, 12.31)]),
    # a turn of unknown role asking for another item ends the window (it is in it: it may open with
    # an answer) and opens its own
    ([GREETING, ("unknown", "お名前をお願いします", 2.0, 3.5), ("unknown", "山田太郎です ご住所もお願いいたします", 4.0, 8.0),
      ("unknown", "東京都港区芝5の7の1です", 8.5, 11.0)],
     [(2, "山田太郎", "PERSON", 4.0, 5.34), (2, "ご住所もお願いいたします", "PERSON", 5.47, 8.0),
      (3, "東京都港区芝5の7の1", "ADDRESS", 8.5, 11.0)]),
    # the end of a request's verb cut off at a pause answers nothing
    ([GREETING, ("unknown", "口座番号をお願いいた", 2.0, 3.5), ("unknown", "します", 3.6, 4.0),
      ("unknown", "1234567です", 4.5, 6.0)], [(3, "1234567です", "BANK_ACCOUNT", 4.5, 6.5)]),
    # a turn of unknown role holding a request and, after it, its answer: the answer goes
    ([GREETING, ("unknown", "青年学期をお願いいたします 平成3年7月22日です", 2.0, 8.0),
      ("unknown", "ありがとうございます", 8.5, 9.5)], [(1, "平成3年7月22日", "DATE_OF_BIRTH", 5.36, 8.0)]),
])
def test_mono_windows(turns, windows):
    assert _windows(turns) == windows
