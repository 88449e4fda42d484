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
    (("operator", "ハルカ電力でございます。担当坂本です。", 0.0, 3.8), "坂本"),  # the last ending: the company comes first
    # no introduction ending, nothing
    (("operator", "お電話ありがとうございます", 0.0, 2.6), None),
])
def test_the_opening_slot(opening, slot):
    found = _slots([opening, CALLER])
    assert [s for _, s, _, _ in found] == ([slot] if slot else [])


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
