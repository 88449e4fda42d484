"""redaction_ranges: character offsets -> padded, clamped, merged time ranges; fail closed."""

from __future__ import annotations

import math

import pytest

from redactor.audio_redaction import RedactionRangeError, TimeRange, redaction_ranges
from redactor.pii import Finding
from redactor.transcribe import Turn, Word

# Turn 0 (operator, 0.0-2.0 s): "お名前を" + "お願いします"
# Turn 1 (caller,   2.5-6.0 s): "山田" "太郎" "です" "。" "電話" "は" "09012345678" "です"
CALLER_WORDS = [
    ("山田", 2.5, 2.9), ("太郎", 2.9, 3.3), ("です", 3.3, 3.5), ("。", 3.5, 3.6),
    ("電話", 3.6, 3.9), ("は", 3.9, 4.0), ("09012345678", 4.0, 5.6), ("です", 5.6, 6.0),
]


def make_turn(speaker: str, start: float, end: float, words: list[tuple[str, float | None, float | None]]) -> Turn:
    return Turn(
        speaker=speaker,
        start=start,
        end=end,
        text="".join(w for w, _, _ in words),
        words=[Word(start=s, end=e, word=w, probability=0.9) for w, s, e in words],
    )


def call(caller_words=CALLER_WORDS, caller_start: float = 2.5, caller_end: float = 6.0) -> list[Turn]:
    return [
        make_turn("operator", 0.0, 2.0, [("お名前を", 0.0, 0.8), ("お願いします", 0.8, 2.0)]),
        make_turn("caller", caller_start, caller_end, caller_words),
    ]


def replace_word(index: int, start: float | None, end: float | None):
    words = list(CALLER_WORDS)
    words[index] = (words[index][0], start, end)
    return words


PHONE = Finding(type="PHONE_NUMBER", turn=1, start=10, end=21, score=0.9)  # "09012345678"
NAME = Finding(type="PERSON", turn=1, start=0, end=4, score=0.9)  # "山田太郎"
WHOLE_CALLER_TURN = (2.35, 6.15)

CASES = [
    # --- words found, padded -------------------------------------------------------------
    ("one entity, exact words", call(), [PHONE], 0.15, None, [(3.85, 5.75, ("PHONE_NUMBER",), False)]),
    ("padding 0", call(), [PHONE], 0.0, None, [(4.0, 5.6, ("PHONE_NUMBER",), False)]),
    ("offsets inside a word take the whole word",
     call(), [Finding("PERSON", 1, 1, 3, 0.9)], 0.0, None, [(2.5, 3.3, ("PERSON",), False)]),
    ("separate entities stay separate", call(), [NAME, PHONE], 0.15, None,
     [(2.35, 3.45, ("PERSON",), False), (3.85, 5.75, ("PHONE_NUMBER",), False)]),
    ("padding makes them touch: merged", call(), [NAME, PHONE], 0.35, None,
     [(2.15, 5.95, ("PERSON", "PHONE_NUMBER"), False)]),
    ("overlapping entities merged (and the '。' after them taken in)",
     call(), [NAME, Finding("PERSON", 1, 2, 6, 0.5)], 0.0, None, [(2.5, 3.6, ("PERSON",), False)]),
    ("clamped to 0 at the start", call(), [Finding("PERSON", 0, 0, 4, 0.9)], 0.15, None,
     [(0.0, 0.95, ("PERSON",), False)]),
    ("clamped to the duration at the end", call(), [Finding("PHONE_NUMBER", 1, 21, 23, 0.9)], 0.15, 6.05,
     [(5.45, 6.05, ("PHONE_NUMBER",), False)]),
    ("no findings, no ranges", call(), [], 0.15, None, []),
    ("dict findings (stored JSON shape)", call(),
     [{"type": "PHONE_NUMBER", "turn": 1, "start": 10, "end": 21, "score": 0.9}], 0.0, None,
     [(4.0, 5.6, ("PHONE_NUMBER",), False)]),
    # --- findings by time: muted over their seconds as well as their words ---------------
    ("a finding by time mutes its seconds too (an answer's end recognition cut short)", call(),
     [Finding("PHONE_NUMBER", 1, 10, 21, 0.9, start_s=4.0, end_s=6.5)], 0.0, None,
     [(4.0, 6.5, ("PHONE_NUMBER",), False)]),
    ("its seconds and its words merge with the other findings'", call(),
     [NAME, Finding("PHONE_NUMBER", 1, 10, 21, 0.9, start_s=3.0, end_s=5.0)], 0.0, None,
     [(2.5, 5.6, ("PERSON", "PHONE_NUMBER"), False)]),
    ("its seconds are padded and clamped to the audio", call(),
     [Finding("PHONE_NUMBER", 1, 10, 21, 0.9, start_s=4.0, end_s=9.0)], 0.15, 7.0,
     [(3.85, 7.0, ("PHONE_NUMBER",), False)]),
    ("seconds that make no stretch of the call are ignored (its words still count)", call(),
     [Finding("PHONE_NUMBER", 1, 10, 21, 0.9, start_s=5.0, end_s=5.0),
      Finding("PHONE_NUMBER", 1, 10, 21, 0.9, start_s=math.nan, end_s=9.0)], 0.0, None,
     [(4.0, 5.6, ("PHONE_NUMBER",), False)]),
    # Whisper times a word as an instant (often the first word after a space): it lies between
    # its neighbours, the previous word's end and the next word's start
    ("zero-length word inside its turn", call(replace_word(6, 4.0, 4.0)), [PHONE], 0.15, None,
     [(3.85, 5.75, ("PHONE_NUMBER",), False)]),
    ("zero-length word with a gap before it", call(replace_word(0, 2.9, 2.9)), [NAME], 0.0, None,
     [(2.5, 3.3, ("PERSON",), False)]),
    ("dict findings by time (Finding.to_dict's shape)", call(),
     [{"type": "CARD_CVV", "turn": 1, "start": 10, "end": 21, "score": 0.5, "start_s": 4.0, "end_s": 6.2}], 0.0, None,
     [(4.0, 6.2, ("CARD_CVV",), False)]),
    # --- fail closed: widen to the whole turn --------------------------------------------
    ("missing word timestamp", call(replace_word(6, None, 5.6)), [PHONE], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("zero-length word outside its turn", call(replace_word(6, 9.0, 9.0)), [PHONE], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("a zero-length punctuation word inside a finding says nothing: its spoken words time it",
     [make_turn("caller", 2.5, 6.0, [("HINA", 2.5, 3.2), ("-", 3.2, 3.2), ("P", 3.2, 3.6), ("です", 3.6, 4.0)])],
     [Finding("EMAIL_ADDRESS", 0, 0, 6, 0.9)], 0.0, None, [(2.5, 3.6, ("EMAIL_ADDRESS",), False)]),
    ("a zero-length word among words that last is a point in time (「リ」 of 「リー」)",
     call(replace_word(0, 2.5, 2.5)), [NAME], 0.0, None, [(2.5, 3.3, ("PERSON",), False)]),
    ("...but a finding of punctuation only still fails closed",
     [make_turn("caller", 2.5, 6.0, [("HINA", 2.5, 3.2), ("-", 3.2, 3.2), ("P", 3.2, 3.6)])],
     [Finding("EMAIL_ADDRESS", 0, 4, 5, 0.9)], 0.0, None, [(2.5, 6.0, ("EMAIL_ADDRESS",), True)]),
    ("reversed word", call(replace_word(6, 5.6, 4.0)), [PHONE], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("NaN word time", call(replace_word(6, math.nan, 5.6)), [PHONE], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("word outside its turn", call(replace_word(6, 0.5, 1.0)), [PHONE], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("word implausibly long for its characters", call(replace_word(0, 2.5, 5.5)), [NAME], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PERSON",), True)]),
    ("finding past the end of the text", call(), [Finding("PHONE_NUMBER", 1, 20, 40, 0.9)], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("empty finding", call(), [Finding("PHONE_NUMBER", 1, 5, 5, 0.9)], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PHONE_NUMBER",), True)]),
    ("words do not spell the text", [call()[0], Turn("caller", 2.5, 6.0, "山田太郎です", [])], [NAME], 0.15, None,
     [(*WHOLE_CALLER_TURN, ("PERSON",), True)]),
    # --- fail closed: a turn whose own times are broken widens to the whole call -----------
    ("reversed turn", call(caller_start=6.0, caller_end=2.5), [PHONE], 0.15, 7.0,
     [(0.0, 7.0, ("PHONE_NUMBER",), True)]),
]


@pytest.mark.parametrize(
    "turns, findings, padding, duration, expected",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_redaction_ranges(turns, findings, padding, duration, expected):
    ranges = redaction_ranges(turns, findings, padding, duration=duration)
    got = [(round(r.start, 6), round(r.end, 6), r.entity_types, r.widened) for r in ranges]
    assert got == [(round(s, 6), round(e, 6), t, w) for s, e, t, w in expected]


def test_span_implausibly_long_for_its_characters_widens():
    # every word is plausible alone, but four characters over 4.5 s are not one spoken entity
    words = [("山田", 2.5, 4.4), ("太郎", 5.1, 7.0)]
    turns = [make_turn("caller", 2.5, 7.0, words)]
    [time_range] = redaction_ranges(turns, [Finding("PERSON", 0, 0, 4, 0.9)], 0.0, max_seconds_per_char=1.0)
    assert (time_range.start, time_range.end, time_range.widened) == (2.5, 7.0, True)
    [relaxed] = redaction_ranges(turns, [Finding("PERSON", 0, 0, 4, 0.9)], 0.0, max_seconds_per_char=2.0)
    assert relaxed.widened is False


def test_entity_type_filter_keeps_only_those_types():
    card = Finding("CREDIT_CARD", 1, 10, 21, 0.9)
    ranges = redaction_ranges(call(), [NAME, card], 0.0, entity_types=["CREDIT_CARD", "CARD_CVV"])
    assert [(r.start, r.end, r.entity_types) for r in ranges] == [(4.0, 5.6, ("CREDIT_CARD",))]


def test_the_card_scrub_takes_card_findings_by_time():
    answer = Finding("CARD_EXPIRY", 1, 10, 21, 0.5, start_s=4.0, end_s=6.5)
    [scrubbed] = redaction_ranges(call(), [NAME, answer], 0.0, entity_types=["CARD_EXPIRY"])
    assert (scrubbed.start, scrubbed.end, scrubbed.entity_types) == (4.0, 6.5, ("CARD_EXPIRY",))


def test_turns_as_dicts_map_the_same_way():
    as_dicts = [
        {"speaker": t.speaker, "start": t.start, "end": t.end, "text": t.text,
         "words": [{"start": w.start, "end": w.end, "word": w.word} for w in t.words]}
        for t in call()
    ]
    assert redaction_ranges(as_dicts, [NAME, PHONE]) == redaction_ranges(call(), [NAME, PHONE])


@pytest.mark.parametrize("turn_index", [2, -1, None, "1"])
def test_finding_for_a_turn_that_does_not_exist_is_an_error(turn_index):
    with pytest.raises(RedactionRangeError) as info:
        redaction_ranges(call(), [{"type": "PERSON", "turn": turn_index, "start": 0, "end": 2}])
    assert info.value.code == "redaction_range_invalid"
    assert "山田" not in str(info.value)


@pytest.mark.parametrize("padding", [-0.1, math.inf, math.nan])
def test_bad_padding_is_refused(padding):
    with pytest.raises(ValueError, match="padding_s"):
        redaction_ranges(call(), [PHONE], padding)


def test_time_range_json_round_trip():
    time_range = TimeRange(1.23456, 2.5, ("CARD_CVV", "CREDIT_CARD"), True)
    data = time_range.to_dict()
    assert data == {"start": 1.235, "end": 2.5, "entity_types": ["CARD_CVV", "CREDIT_CARD"], "widened": True}
    assert TimeRange.from_dict(data) == TimeRange(1.235, 2.5, ("CARD_CVV", "CREDIT_CARD"), True)


def test_punctuation_next_to_an_entity_is_taken_in():
    # Whisper gives the sound of the last digit partly to the "-" token after it
    words = [("電話は", 2.5, 3.0), ("080", 3.0, 3.6), ("-", 3.6, 3.8), ("5512", 3.8, 4.6), ("-", 4.6, 5.1),
             ("です", 5.1, 5.4)]
    turns = [make_turn("caller", 2.5, 5.4, words)]
    [time_range] = redaction_ranges(turns, [Finding("PHONE_NUMBER", 0, 3, 11, 0.9)], 0.0)
    assert (time_range.start, time_range.end, time_range.widened) == (3.0, 5.1, False)


# --- speech recognition could not read: a decoding loop is muted from the word before to the word after
LOOP_CASES = [
    ("a loop between two words", [("確認いたします", 0.0, 1.0)] + [(" 文", 1.0 + 0.3 * i, 1.3 + 0.3 * i) for i in range(6)]
     + [("でご登録の", 4.0, 4.8)], [(1.0, 4.0)]),
    ("a loop opening the turn runs from the turn's start", [(" 文", 0.5 + 0.2 * i, 0.7 + 0.2 * i) for i in range(5)]
     + [("です", 2.0, 2.4)], [(0.0, 2.0)]),
    ("a loop closing the turn runs to the turn's end", [("はい", 0.0, 0.4)] + [("あ", 0.5 + 0.1 * i, 0.6 + 0.1 * i)
                                                                        for i in range(5)], [(0.4, 5.0)]),
    ("four in a row is speech (はいはいはいはい)", [("はい", 0.2 * i, 0.2 * i + 0.2) for i in range(4)], []),
    ("digits read out are a number, not a loop", [(" 0", 0.3 * i, 0.3 * i + 0.3) for i in range(7)], []),
]


@pytest.mark.parametrize("words, expected", [c[1:] for c in LOOP_CASES], ids=[c[0] for c in LOOP_CASES])
def test_speech_recognition_could_not_read_is_muted(words, expected):
    turns = [make_turn("operator", 0.0, 5.0, words)]
    ranges = redaction_ranges(turns, [], 0.0, duration=10.0)
    assert [(round(r.start, 6), round(r.end, 6), r.entity_types, r.widened) for r in ranges] == [
        (start, end, (), True) for start, end in expected]


def test_the_card_scrub_does_not_take_unread_speech():
    words = [("確認", 0.0, 1.0)] + [(" 文", 1.0 + 0.3 * i, 1.3 + 0.3 * i) for i in range(6)]
    turns = [make_turn("operator", 0.0, 5.0, words)]
    assert redaction_ranges(turns, [], 0.0, duration=10.0, entity_types=["CREDIT_CARD"]) == []
