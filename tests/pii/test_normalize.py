"""Speech-shaped numbers become ASCII digits; every character maps back to the original."""

import pytest

from redactor.pii.normalize import normalize


@pytest.mark.parametrize("original, normalized", [
    # kana readings of digits, with separators kept
    ("ゼロハチゼロ、よんろくにいきゅう", "080、4629"),
    ("ぜろはちぜろ の ななにーさんいち", "080 の 7231"),
    ("にいにいまるのまるまるよんいち", "220の0041"),
    # positional readings and dates
    ("しょうわにじゅうきゅうねん、はちがつとおか", "昭和29年、8月10日"),
    ("せんきゅうひゃくななじゅうきゅうねん、じゅうにがつ、にじゅうよっか", "1979年、12月、24日"),
    # kanji numerals
    ("〇四二の三五八の七七二一", "042の358の7721"),
    ("昭和五十二年十一月三日", "昭和52年11月3日"),
    ("南十二条西七丁目三番二十号", "南12条西7丁目3番20号"),
    # widths and dashes
    ("ＭＴ－３９１８－０６５２", "MT-3918-0652"),
    ("０８０ー１２３４−５６７８", "080-1234-5678"),
    ("ｶﾞｽ", "ガス"),
    # speech recognition mixes digits and readings in one number
    ("ゼロ9ゼロの3318の7726", "090の3318の7726"),
    ("090の33ハチ1です", "090の3381です"),
    ("3よんです", "34です"),
    # a one-kana reading inside a run glued to a digit, once two-kana readings are half of it
    ("6きゅうにです", "692です"),
    # groups of one number apart by ellipses, hesitations and spoken dots
    ("ゼロ…ろく、にー", "0...6、2"),
    ("ぜろきゅうぜろ、えっと、よんよんさんいち", "090、えっと、4431"),
    ("ひゃくななじゅうに てん にじゅうろく てん いち てん ご", "172 てん 26 てん 1 てん 5"),
    ("いちきゅうにードットいちろくはちドットぜろドットじゅう", "192ドット168ドット0ドット10"),
    # a full stop between digit groups is a pause in a number read out, not a sentence end
    ("0-3。681-2。4-4-7-5です。", "0-3、681-2、4-4-7-5です。"),
    ("090。1234。5678", "090、1234、5678"),
    # ... but a reading that runs on into a word, a title or 号 stays
    ("3にいち", "3にいち"),
    ("さんてんセットです", "さんてんセットです"),
    ("いち、あのー、に", "いち、あのー、に"),
    ("3さんです", "3さんです"),
    ("4ごう室", "4ごう室"),
    # names, particles and words stay as they are
    ("五十嵐大輔です", "五十嵐大輔です"),
    ("一ノ瀬葵です", "一ノ瀬葵です"),
    ("田中さんに話したら、しようか", "田中さんに話したら、しようか"),
    ("健二、いちごを", "健二、いちごを"),
    ("3月です。4月からは", "3月です。4月からは"),
])
def test_normalized_form(original, normalized):
    assert normalize(original).text == normalized


@pytest.mark.parametrize("original", ["ｶﾞｽ代は０８０ー１２３４", "ゼロハチゼロ、よんろく", "昭和五十二年", "abc"])
def test_offsets_cover_the_original(original):
    norm = normalize(original)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    assert norm.to_original(0, len(norm.text)) == (0, len(original))


def test_span_maps_back_to_the_spoken_digits():
    original = "電話はゼロハチゼロです"
    norm = normalize(original)
    start = norm.text.index("080")
    s, e = norm.to_original(start, start + 3)
    assert original[s:e] == "ゼロハチゼロ"
