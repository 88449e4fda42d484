"""The operator's name slot in the opening and the sign-off is muted by time, however it was heard."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.dialogue import CallView, TimedWord
from redactor.pii.normalize import normalize
from redactor.pii.rules.intro_slots import IntroSlots
from redactor.pii.spans import SpanSet

CONFIG = load_config()


def _slots(turns, config=None):
    """(speaker, text, start_s, end_s) turns, one word per character evenly timed -> (turn, slot, start_s, end_s)."""
    timings = []
    for _, text, start_s, end_s in turns:
        step = (end_s - start_s) / len(text)
        timings.append((start_s, end_s, tuple(TimedWord(i, i + 1, round(start_s + i * step, 3),
                                                        round(start_s + (i + 1) * step, 3)) for i in range(len(text)))))
    call = CallView.build([s for s, _, _, _ in turns], [normalize(t) for _, t, _, _ in turns], CONFIG.call_context,
                          timings=timings)
    spans = SpanSet(len(turns), CONFIG.score_threshold)
    IntroSlots(config, CONFIG).apply(call, spans)
    return [(turn.index, turn.text[t.start:t.end], round(t.start_s, 2), round(t.end_s, 2))
            for turn in call.turns for t in spans.times(turn.index)]


CALLER = ("caller", "料金のことで電話しました", 5.0, 7.0)


@pytest.mark.parametrize("opening, slot", [
    # garbled frames: the slot before the ending, back to a pause or the department word
    (("operator", "みなとてでこのお客様相談室 クマバラでございます", 0.0, 4.8), "クマバラ"),
    (("operator", "ソラネットを客様情報など口中に知れございます", 0.0, 4.4), "ど口中に知れ"),  # 1.2 s
    (("operator", "見なとテレコムの次山が受けたまわります", 0.0, 3.8), "次山"),
    (("operator", "ハルカ電力でございます。担当坂本です。", 0.0, 3.8), "坂本"),
    (("operator", "みなとテレコムのみやしたでございます", 0.0, 2.3), "みやした"),      # a name ending in した  # the last ending: the company comes first
    # the ending garbled too: a verb a couple of kana from a humble introduction verb, after が/の/は
    (("operator", "春火電力です。福井の大計いたします。", 0.0, 3.4), "福井"),             # 福井がお受けいたします
    (("operator", "お電話ありがとうございます。ソラネットです。担当のおにしが受けたままります。", 0.0, 6.0), "おにし"),
    (("operator", "ハルカ電力です。福井のオーケーいたします", 0.0, 3.2), "福井"),
    (("operator", "ハルカ電力お客様窓口 古川な受けたまわります", 0.0, 3.4), "古川"),           # が heard as な
    # other verbs in the opening are no introduction
    (("operator", "お電話ありがとうございます。ご用件をお伺いいたします", 0.0, 4.0), None),
    (("operator", "お電話ありがとうございます。料金のご案内いたします", 0.0, 4.0), None),
    (("operator", "お電話ありがとうございます。様々なご案内をいたします", 0.0, 4.0), None),
    # no introduction ending, nothing
    (("operator", "お電話ありがとうございます", 0.0, 2.6), None),
])
def test_the_opening_slot(opening, slot):
    found = _slots([opening, CALLER])
    assert [s for _, s, _, _ in found] == ([slot] if slot else [])


def test_mono_openings_are_the_first_turns():
    # no turn is known to be the operator's: the first turns within opening_s are the opening, and
    # the last of them with an introduction ending holds the name (the company's greeting stays)
    turns = [("unknown", "みなとてでこむでございます", 0.0, 1.7), ("unknown", "担当の井野へです", 2.4, 3.9),
             ("unknown", "支払いをクレジットカードに変えたいんです", 4.4, 8.0),   # a request: no introduction
             ("unknown", "お名前をお願いします", 9.0, 11.0), ("unknown", "山田です", 12.0, 13.0)]
    assert [(t, s) for t, s, _, _ in _slots(turns)] == [(1, "井野へ")]


def test_the_slot_is_bounded_by_time_and_muted_over_its_words():
    # 24 characters over 4.8 s: 0.2 s a character; 「クマバラ」 is characters 14-18
    assert _slots([("operator", "みなとてでこのお客様相談室 クマバラでございます", 0.0, 4.8), CALLER]) == [
        (0, "クマバラ", 2.8, 3.6)]
    # a slot longer than slot_s is cut from its start
    found = _slots([("operator", "みなとてでこのお客様相談室 クマバラでございます", 0.0, 4.8), CALLER],
                   IntroSlots.Config(slot_s=0.4))
    assert found == [(0, "バラ", 3.2, 3.6)]


def test_the_sign_off_slot():
    turns = [("operator", "お電話ありがとうございます", 0.0, 2.6), CALLER,
             ("operator", "本日は担当中島が受けたまわりました", 8.0, 11.4)]
    assert [s for _, s, _, _ in _slots(turns)] == ["中島"]


def test_the_sign_off_slot_with_a_garbled_verb():
    turns = [("operator", "お電話ありがとうございます", 0.0, 2.6), CALLER,
             ("operator", "本日はみなとテレコム早先が受けた まわりました。ご不明点はお問い合わせください。", 106.2, 116.1)]
    assert [s for _, s, _, _ in _slots(turns)] == ["早先"]
    turns[-1] = ("operator", "本日はご確認いただきありがとうございました", 106.2, 110.0)
    assert _slots(turns) == []
    turns[-1] = ("operator", "ありがとうございました。担当の杉の本でした。", 106.2, 110.0)   # 杉本, garbled
    assert [s for _, s, _, _ in _slots(turns)] == ["杉の本"]
    turns[-1] = ("operator", "以上でお手続きは完了でした", 106.2, 110.0)
    assert _slots(turns) == []


@pytest.mark.parametrize("sign_off, slot", [
    # 「担当は/の <NAME> でございました」, the copula garbled a couple of kana (ザ heard as が)
    ("担当は小池でございました", "小池"),
    ("担当は恋ケデゴがいました", "恋ケ"),                                  # 小池でございました
    ("ご確認いただけます 担当の恋けでござりました", "恋け"),
    ("立ち合いが必要です。担当は高木でこざいました。", "高木"),
    ("本日の担当は田中でしたー", "田中"),
    # a sign-off sentence without the role, or a past verb that reads far from でございました
    ("ご案内は以上でございました", None),
    ("担当の者が確認いたしました", None),
    ("担当部署にお伝えしておきます", None),
])
def test_the_sign_off_slot_before_a_past_copula(sign_off, slot):
    turns = [("operator", "お電話ありがとうございます", 0.0, 2.6), CALLER, ("operator", sign_off, 8.0, 10.4)]
    assert [s for _, s, _, _ in _slots(turns)] == ([slot] if slot else [])


@pytest.mark.parametrize("sign_off, name", [
    # the call's last sentence: <NAME> + a past humble verb or でした, without the role before it,
    # the verb and the name garbled by recognition
    ("書類は明日発送します。総務かの北川でした。", "北川"),
    ("書類は明日発送します 総務課のキタガワでした", "キタガワ"),
    ("以上となります。森田がご案内しました。", "森田"),
    ("以上となります 森だなご案内しました", "森だ"),                        # が heard as な
    ("またのお電話お待ちしております。小野田が対応いたしました。", "小野田"),
    ("お待ちしております 菅野が受け玉割ました", "菅野"),                       # 承りました, garbled
    ("お待ちしております。森川な奥たまりました。", "森川"),                    # 承りました, garbled further
    ("ご不明点はお問い合わせください 杉の本がたんとういたしました", "杉の本"),
])
def test_the_closing_sentence_slot(sign_off, name):
    turns = [("operator", "お電話ありがとうございます", 0.0, 2.6), CALLER, ("operator", sign_off, 8.0, 8.0 + 0.12 * len(sign_off))]
    slots = [s for _, s, _, _ in _slots(turns)]
    assert len(slots) == 1 and name in slots[0] and len(slots[0].replace(" ", "")) <= IntroSlots.Config().max_chars, slots
    assert not any(w in slots[0] for w in ("ます", "ください", "ました", "でした")), slots  # the sentence before stays


def test_mono_the_closing_sentence_is_in_the_last_two_turns():
    turns = [("unknown", "みなとてでこむでございます", 0.0, 1.7), ("unknown", "担当の井野へです", 2.4, 3.9),
             ("unknown", "支払いをクレジットカードに変えたいんです", 4.4, 8.0), ("unknown", "かしこまりました 手続きいたします", 9.0, 11.0),
             ("unknown", "お願いします", 12.0, 13.0), ("unknown", "完了しました 森だなご案内しました", 20.0, 22.4),
             ("unknown", "ありがとうございました", 23.0, 24.5)]
    assert [(t, s) for t, s, _, _ in _slots(turns)] == [(1, "井野へ"), (5, "森だな")]


@pytest.mark.parametrize("sign_off", [
    # a closing sentence that names no one: thanks, an apology, a finished task, the end of the
    # explanation, what was sent or told, a count
    "本日はお電話ありがとうございました",
    "お手続きはすべて完了しました",
    "ご案内は以上でした",
    "ご案内は以上でございました",
    "メールで詳細をお送りしました",
    "確かに承りました",
    "ご注文を承りました",
    "お振込みを確認いたしました",
    "先ほどお伝えしました",
    "大変失礼いたしました",
    "お疲れ様でした",
    "今月のご請求は3200円でした",
    "料金プランについてご案内しました",
    "ご迷惑をおかけしました",
    "それはお困りでしたね",
])
def test_a_closing_sentence_without_a_name(sign_off):
    turns = [("operator", "お電話ありがとうございます", 0.0, 2.6), CALLER, ("operator", sign_off, 8.0, 10.4)]
    assert _slots(turns) == []


def test_without_word_times_the_text_frames_decide():
    call = CallView.build(["operator"], [normalize("お客様相談室 クマバラでございます")], CONFIG.call_context)
    spans = SpanSet(1, CONFIG.score_threshold)
    IntroSlots(None, CONFIG).apply(call, spans)
    assert spans.times(0) == [] and spans.findings(0) == []


@pytest.mark.parametrize("opening, slot", [
    # a greeting recognized in parts (mono: each pause cuts a turn): the last introduction ending
    # of the operator's opening turns holds the name
    ([("unknown", "ソラメットサポートですく、", 0.0, 1.8), ("unknown", "いまいでございます。", 2.3, 3.1)], "いまい"),
    ([("unknown", "みなとてでこむでございます", 0.0, 1.7), ("unknown", "担当の井野へです", 2.4, 3.9)], "井野へ"),
    ([("operator", "お電話ありがとうございます", 0.0, 1.6), ("operator", "遥か電力のかとおでございます。", 2.0, 3.8)],
     "かとお"),
    # the caller speaks before any introduction: the opening is over
    ([("unknown", "お電話ありがとうございます", 0.0, 1.6), ("unknown", "もしもし、料金のことなんですけど", 2.0, 4.0),
      ("unknown", "山田でございます", 4.5, 5.5)], None),
])
def test_the_opening_slot_over_several_turns(opening, slot):
    found = _slots([*opening, CALLER])
    assert [s for _, s, _, _ in found] == ([slot] if slot else [])
