"""Character ranges for regex classes (`rf"[{KANJI_RANGE}々]"`) and the matching predicates."""

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
