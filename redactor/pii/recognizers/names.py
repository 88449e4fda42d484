"""Shared pieces for the PERSON recognizers: name-shaped regexes and the word lists they check."""

from __future__ import annotations

import re

from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS, is_hiragana
from redactor.pii.lexicon.names import NOT_NAME_SUFFIXES, NOT_NAMES, RELATIONS, STOCK_PHRASES, VERB_ENDINGS
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS, HONORIFICS, OPENINGS, SELF_INTRODUCTIONS, alternation
from redactor.pii.readings import allowed_edits, reading_of
from redactor.text_distance import edit_distance

KANJI_NAME = rf"[{KANJI_RANGE}々ヶ]{{1,6}}"
KANA_NAME = rf"[{KATAKANA_RANGE}][{KATAKANA_RANGE}ー]{{0,7}}(?:[ 　・][{KATAKANA_RANGE}][{KATAKANA_RANGE}ー]{{0,7}}){{0,3}}"
_KANA_HONORIFICS = [h for h in HONORIFICS if all(is_hiragana(c) for c in h)]
# Hiragana parts never run into the copula or a self-introduction (村上なお|です).
_HIRA = rf"(?:(?!{alternation(('です', 'でした', 'でござ', *SELF_INTRODUCTIONS, 'って', *_KANA_HONORIFICS))})[{HIRAGANA_RANGE}])"
MIXED_NAME = rf"[{KANJI_RANGE}々]{{1,4}}(?![がはをのにとでもへや]){_HIRA}{{2,4}}"
HIRAGANA_NAME = rf"{_HIRA}{{2,6}}"
# A surname heard in hiragana, the given name in kanji (「あべ組子」 for 阿部久美子)
KANA_KANJI_NAME = rf"{_HIRA}{{2,4}}[{KANJI_RANGE}々]{{1,3}}"
ANY_NAME = rf"(?:{MIXED_NAME}|{KANJI_NAME}|{KANA_NAME})"

_STOCK_READINGS: list[str] = []
_PHRASE_TAIL = re.compile(rf"[^\s{PAUSE_MARKS}]{{0,8}}?(?:{alternation(VERB_ENDINGS)})")
# A name followed by these is a name in a sentence (田中です, 田中が承りました, 田中様), not a phrase's head.
_AFTER_NAME = ("で", "が", "と", "は", "を", "に", "も", "の", "へ", "や", "さ", *HONORIFICS)  # さ: さん, さま garbled
_WORD_BREAK = PAUSE_MARKS + " 　\n"
# What opens an answer (「いや、父の名前で」「いえ」「すみません」) fills a name's slot in no answer
_ANSWER_OPENERS = frozenset((*ACKNOWLEDGEMENTS, *FILLERS, *OPENINGS))


def is_plausible_name(value: str) -> bool:
    """False for words that look like a name slot filler but are common nouns, roles or phrases."""
    value = value.strip(" 　・")
    if not value or value in NOT_NAMES or value in RELATIONS or value in _ANSWER_OPENERS \
            or value.endswith(NOT_NAME_SUFFIXES):
        return False
    if value.endswith(VERB_ENDINGS):
        return False
    return not any(ch.isdigit() or ch.isascii() and ch.isalpha() for ch in value)


def garbled_stock_phrase(text: str, start: int, end: int) -> bool:
    """The span [start, end) is part of a garbled stock operator phrase (「賀子込まりました」 =
    かしこまりました, 「賞味お待ちください」 = 少々お待ちください), judged on readings a few kana off.

    Only where the span runs straight on (no particle, honorific or copula) into a polite verb
    ending; and not where the rest without the span already is the phrase (「森かしこまりました」).
    """
    tail = _PHRASE_TAIL.match(text, end)
    if tail is None or text.startswith(_AFTER_NAME, end):
        return False
    if not _STOCK_READINGS:
        _STOCK_READINGS.extend(reading_of(p) for p in STOCK_PHRASES)
    for lo in range(start, max(-1, start - 7), -1):
        if lo < start and text[lo] in _WORD_BREAK:
            break
        word = reading_of(text[lo:tail.end()])
        rest = reading_of(text[lo:start] + text[end:tail.end()])
        for phrase in _STOCK_READINGS:
            budget = max(allowed_edits(len(phrase)), len(phrase) // 4)
            if rest != phrase and edit_distance(word, phrase) <= budget:
                return True
    return False


def tokens_in(doc, start: int, end: int) -> list:
    """The tokens of `doc` overlapping the character span [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    return [t for t in span if not t.is_space] if span is not None else []


def sudachi_tags(nlp_artifacts, start: int, end: int) -> list[str]:
    """Sudachi part-of-speech tags of the tokens overlapping [start, end)."""
    if nlp_artifacts is None:
        return []
    return [t.tag_ for t in tokens_in(nlp_artifacts.tokens, start, end)]


def has_verb(nlp_artifacts, start: int, end: int) -> bool:
    """True when the span holds a verb or auxiliary (承知しました, 千夏がします): not a name."""
    return any(tag.startswith(("動詞", "助動詞")) for tag in sudachi_tags(nlp_artifacts, start, end))


def has_proper_noun(nlp_artifacts, start: int, end: int) -> bool:
    """True when Sudachi tags a token of the span as a proper noun (人名, 地名, 固有名詞)."""
    return any("固有名詞" in tag for tag in sudachi_tags(nlp_artifacts, start, end))
