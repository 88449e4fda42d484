"""Readings and fuzzy reading search: how garbled cue words are still recognized."""

import pytest

from redactor.pii.readings import allowed_edits, fuzzy_find, reading_of, soft_reading


@pytest.mark.parametrize("text, reading", [
    ("有効期限", "ユウコウキゲン"),
    ("有効機嫌", "ユウコウキゲン"),                 # a homophone speech recognition writes
    ("セキュリティーコード", "セキュリティコド"),    # long vowels and ッ are ignored
    ("せきゅりてぃこーど", "セキュリティコド"),
])
def test_reading_of(text, reading):
    assert reading_of(text) == reading


@pytest.mark.parametrize("haystack, needle, edits, found", [
    ("ユウコウキゲノオネガイイタシマス", "ユウコウキゲン", 2, True),   # 有効きげの
    ("ユウカキゲンヲオネガイシマス", "ユウコウキゲン", 2, True),       # 優香期限
    ("セキュリコドサンカトオネガイ", "セキュリティコド", 2, True),      # セキュリッコード
    ("ケイヤクナイヨウヲオウカガイ", "ケイヤクバンゴウ", 2, False),     # 契約内容 is not 契約番号
    ("オシハライホウホウ", "ユウコウキゲン", 2, False),
    ("デンワ", "デンワ", 0, True),
    ("テンワ", "デンワ", 0, False),                                 # short cues must match exactly
    ("", "デンワ", 1, False),
])
def test_fuzzy_find(haystack, needle, edits, found):
    assert fuzzy_find(haystack, needle, edits) is found


def test_allowed_edits_grow_with_the_cue():
    assert [allowed_edits(n) for n in (3, 4, 5, 6, 7, 9)] == [0, 0, 1, 1, 2, 2]
    assert soft_reading("けーた") == "ケタ"
