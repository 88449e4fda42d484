"""Character ranges for regex classes (`rf"[{KANJI_RANGE}々]"`), the matching predicates, and the
punctuation that ends a sentence."""

KANJI_RANGE = "\u4e00-\u9fff"  # CJK unified ideographs (々 〆 ヶ are added where a name may hold them)
HIRAGANA_RANGE = "ぁ-ゖ"
KATAKANA_RANGE = "ァ-ヺ"  # without the long vowel mark ー, added where words may hold it


def is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def is_hiragana(ch: str) -> bool:
    return "ぁ" <= ch <= "ゖ"


def is_katakana(ch: str) -> bool:
    """Katakana or the long vowel mark (ー)."""
    return "ァ" <= ch <= "ヺ" or ch == "ー"


# Punctuation, full and half width (normalized text holds the half-width forms: NFKC makes
# ！？．， into !?.,). Line breaks, which end a turn, are added where they matter.
CLOSING_MARKS = "。．！!？?"  # end a sentence and are never inside a word
SENTENCE_END_MARKS = CLOSING_MARKS + "."  # the ASCII period too, where no e-mail or decimal (3.5) can hold it
PAUSE_MARKS = SENTENCE_END_MARKS + "、，,"  # a sentence's end or a pause within it
