"""The lexicon: character classes and word lists defined once, and the regexes built from them."""

import re
from pathlib import Path

import pytest

from redactor.pii.lexicon.chars import (CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS,
                                        SENTENCE_END_MARKS, is_hiragana, is_kanji, is_katakana)
from redactor.pii.lexicon.speech import SELF_INTRODUCTION, SELF_INTRODUCTIONS, alternation

PACKAGE = Path(__file__).resolve().parents[2] / "redactor"
# A kana or kanji range written out (ぁ-, ァ-, 一-, or the \u escapes of those blocks).
INLINE_RANGE = re.compile(r"ぁ-|ァ-|一-|\\u30|\\u4e")


def test_kana_and_kanji_ranges_are_written_only_in_the_lexicon():
    places = [f"{path.relative_to(PACKAGE.parent)}:{number}"
              for path in sorted(PACKAGE.rglob("*.py")) if "lexicon" not in path.parts
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if INLINE_RANGE.search(line)]
    assert places == [], "use redactor.pii.lexicon.chars (KANJI_RANGE, HIRAGANA_RANGE, KATAKANA_RANGE) instead"


@pytest.mark.parametrize("ch,kanji,hiragana,katakana", [
    ("山", True, False, False), ("ゆ", False, True, False), ("ヤ", False, False, True), ("ー", False, False, True),
    ("々", False, False, False), ("A", False, False, False), ("1", False, False, False),
])
def test_predicates_agree_with_the_ranges(ch, kanji, hiragana, katakana):
    assert (is_kanji(ch), is_hiragana(ch), is_katakana(ch)) == (kanji, hiragana, katakana)
    assert bool(re.fullmatch(f"[{KANJI_RANGE}]", ch)) == kanji
    assert bool(re.fullmatch(f"[{HIRAGANA_RANGE}]", ch)) == hiragana
    assert bool(re.fullmatch(f"[{KATAKANA_RANGE}ー]", ch)) == katakana


def test_the_punctuation_sets_nest():
    assert set(CLOSING_MARKS) < set(SENTENCE_END_MARKS) < set(PAUSE_MARKS)
    assert "." not in CLOSING_MARKS  # taro.yamada, 3.5: the ASCII period is inside words too


def test_alternation_takes_the_whole_word():
    assert re.match(alternation(["えー", "えーっと", "え", "えー"]), "えーっと、").group() == "えーっと"
    assert alternation(["a.b"]) == r"a\.b"


@pytest.mark.parametrize("text,frame", [
    ("山田と申します", "と申し"), ("山田と申す者です", "と申す"), ("ヤマダといいます", "といいます"),
    ("山田と言います", "と言います"), ("山田っていいます", "っていいます"), ("山田って申します", "って申し"),
    ("住所変更と申請", None), ("山田といい天気", None),
])
def test_self_introduction_frames_are_whole_words(text, frame):
    found = re.search(SELF_INTRODUCTION, text)
    assert (found.group() if found else None) == frame
    if frame:
        assert frame.startswith(SELF_INTRODUCTIONS)
