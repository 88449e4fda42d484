"""Shapes shared by the address recognizer and the address-answer rule (redactor/pii/address_answer.py).

Speech recognition garbles the ward and town of an address (世田谷区太子堂 -> 接たがいやく対し度を) far
more often than its block number (3丁目18番7号): digits and the units after them survive. So an
address is found from its two ends: a MARKER (prefecture, or a kanji name ending in 市/区/町/村/郡)
and a block number (丁目/番地/番/号, or 3-18-7: STRONG_BLOCK outside any address question,
ANSWER_BLOCK in an answer to one), whatever lies between.

A block number must not be a count or a place in general talk: 「3番の窓口」「2丁目のコンビニ」
「1号機」「3番目」 are no block numbers (the unit is followed by a word that is not an address).
"""

from __future__ import annotations

import re

from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.recognizers.prefectures import PREFECTURES

# Words glued to 番/号/丁目 that make them a count, a line or a machine, never a block number.
_NOT_BLOCK_AFTER = (r"目|線|組|号|機|車|館|店|台|手|席|街|口|窓|札|勝|打|艦|棟目|以内|以降|以上|まで|くらい|ぐらい|ほど"
                    r"|を|が|と")  # 「2番を押して」「1番と2番」
# 「の」 goes on an address only with digits, a pause or a building (2丁目の3, 2丁目の、えー); 「2丁目のコンビニ」 stops.
_NO_AFTER_NO = rf"の(?![\s、,]|\s?\d|[{KANJI_RANGE}{KATAKANA_RANGE}]{{1,10}}\s?の?\s?\d)"
_KANJI_UNITS = r"丁目|番地|番|号室|号"
_KANA_UNITS = r"ちょうめ|ばんち|ばん|ごうしつ|ごう"

# digit-hyphen-digit (3-18-7, 12-3): not a phone number (leading 0), not a postal code (123-4567),
# not a date (2026-11-27), not a range of a count (3-5営業日), not a model number (SR-2400AX).
_RANGE_UNITS = r"営業日|日|時|分|秒|週|か月|ヶ月|カ月|月|年|回|件|個|人|名|円|%|％|歳|倍|本|枚|台|点|GB|ギガ|万|千|億"
_HYPHEN_BLOCK = (r"(?<![\dA-Za-z\-.])(?!\d{3}-\d{4}(?![\d\-])|\d{4}-\d{1,2}-\d{1,2}(?!\d))"
                 r"[1-9]\d{0,3}(?:-\d{1,4}){1,2}(?![\dA-Za-z\-]|\s?(?:" + _RANGE_UNITS + "))")


def _unit_block(units: str) -> str:
    return rf"(?<![\d.第何])\d{{1,4}}\s?(?:{units})(?!{_NOT_BLOCK_AFTER}|{_NO_AFTER_NO})"


# After a garbled middle, outside any address question, only unmistakable block numbers count:
# 丁目, 番地, 18番7(号), 3-18-7 — a lone 2番 or 1号 is too often a menu choice or a route.
STRONG_BLOCK = re.compile(rf"(?<![\d.第何])\d{{1,4}}\s?(?:丁目|番地)(?!{_NOT_BLOCK_AFTER}|{_NO_AFTER_NO})"
                          rf"|(?<![\d.第何])\d{{1,4}}\s?番\s?(?:の\s?)?\d|{_HYPHEN_BLOCK}")
# In an answer to an address question the units may come back in kana (18ばん), and 42の9 is a block.
ANSWER_BLOCK = re.compile(f"{_unit_block(_KANJI_UNITS + '|' + _KANA_UNITS)}|{_HYPHEN_BLOCK}"
                          r"|(?<![\d.])[1-9]\d{0,3}(?:\s?の\s?\d{1,4})+(?![\d\-]|\s?(?:" + _NOT_BLOCK_AFTER + "))")
# A prefecture, or kanji ending in 市/区/町/村/郡 (not 都内, 県内, 市民, 区役所, 町内会: no address follows).
_NOT_PLACE_AFTER = r"内|外|民|長|役所|議|営|立|場|境|政|制|販|警"
MARKER = re.compile(
    "(?:(?:" + "|".join(PREFECTURES) + rf")|(?![市区町村郡]{{2}})[{KANJI_RANGE}々ヶ]{{1,4}}[市区町村郡])(?!"
    + _NOT_PLACE_AFTER + ")"
)
PREFECTURE_START = tuple(PREFECTURES)
# A garbled middle may be any kana or kanji, but not a sentence: these end one (or are general talk).
SENTENCE_ENDS = CLOSING_MARKS + "\n「」（）()"
GENERAL_TALK = re.compile(r"です|ます|でした|ました|ません|けど|ので|たら|ている|でいる|という")
# How far a garbled middle may run between a marker and a block number (characters).
GARBLED_MIDDLE_MAX = 25


# A room or floor after the block number, its building name garbled (コーポわかばやし201号室).
_ROOM_AFTER = re.compile(rf"[\s・ー{HIRAGANA_RANGE}{KATAKANA_RANGE}{KANJI_RANGE}A-Za-z]{{0,15}}?(?<![\d.])\d{{1,4}}\s?(?:号室|号|階)(?!"
                         + _NOT_BLOCK_AFTER + ")")


def has_block(value: str) -> bool:
    """A block number in the value, or a value ending in a number (a room: 高砂502)."""
    return ANSWER_BLOCK.search(value) is not None or re.search(r"\d\s?(?:号室|号|階)?$", value) is not None


def room_end(text: str, end: int) -> int:
    """`end`, or past a room number said right after it (with a garbled building name)."""
    match = _ROOM_AFTER.match(text, end)
    if match is None or GENERAL_TALK.search(match.group()):
        return end
    return match.end()


def garbled_block_after(text: str, pos: int, limit: int = GARBLED_MIDDLE_MAX, pattern: re.Pattern = STRONG_BLOCK):
    """The first block number starting within `limit` characters after `pos`, when the text in
    between is one garbled phrase (no sentence end, no general-talk word); else None."""
    # endpos leaves room past the window: the lookaheads after a block number must see what follows it
    match = pattern.search(text, pos, min(len(text), pos + limit + 40))
    if match is not None and match.start() <= pos + limit:
        middle = text[pos:match.start()]
        if not any(ch in SENTENCE_ENDS for ch in middle) and not GENERAL_TALK.search(middle):
            return match
    return None
