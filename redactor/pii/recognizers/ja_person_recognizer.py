"""PERSON from call patterns: 「山田と申します」, 「ヤマダタロウ様」, 担当の佐々木, 妻のさやか.

Strong patterns (a self-introduction, an honorific, a name given as 名義) are trusted with a
word-list check; weak ones (「、吉田でございます」) also need Sudachi to call a token a proper noun.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer
from redactor.pii.lexicon.chars import CLOSING_MARKS, KATAKANA_RANGE, SENTENCE_END_MARKS
from redactor.pii.lexicon.names import RELATIONS
from redactor.pii.lexicon.speech import COPULAS, HONORIFICS, SELF_INTRODUCTION, SELF_INTRODUCTIONS, alternation
from redactor.pii.recognizers.names import (ANY_NAME, HIRAGANA_NAME, KANA_KANJI_NAME, KANA_NAME, KANJI_NAME, MIXED_NAME,
                                            garbled_stock_phrase, has_proper_noun, has_verb, is_plausible_name,
                                            sudachi_tags)

_HONORIFIC = f"(?:{alternation(HONORIFICS)})"
_RELATION = "|".join(sorted(RELATIONS, key=len, reverse=True))
_END = r"(?=です|でした|で[、。\s]|で$|でお願|が|は|の|、|。|に|って|も|ね|\s|$|…)"
_ROMAN = r"[A-Z][A-Za-z'\-]+(?:[ 　][A-Z][A-Za-z'\-]+){0,3}"
_OFFICE = r"(?:センター|デスク|窓口|室|課|係|部|サポート|受付)"
# グエン・ティ・ラン, マリア・サントス: katakana words joined by middle dots are how foreign names are written
_DOTTED = rf"[{KATAKANA_RANGE}][{KATAKANA_RANGE}ー]{{0,7}}(?:・[{KATAKANA_RANGE}][{KATAKANA_RANGE}ー]{{0,7}}){{1,3}}"

WEAK = "(weak)"


class JaPersonRecognizer(JaPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [
        JaPattern("self-introduction (strong)",
                  rf"(?P<value>{MIXED_NAME}|{KANJI_NAME}|{KANA_NAME}|{HIRAGANA_NAME})(?:{SELF_INTRODUCTION})", 0.8),
        JaPattern("honorific (medium)", rf"(?P<value>{MIXED_NAME}|{KANJI_NAME}|{KANA_NAME}){_HONORIFIC}", 0.6),
        JaPattern("account holder name (strong)", rf"(?:名義|名前|氏名)(?:は|が)?[\s、]*(?P<value>{KANA_NAME}|{MIXED_NAME}|{KANJI_NAME})(?={_HONORIFIC}|です|で|。|、|$|\s)", 0.6),
        JaPattern("romanized name (medium)",
                  rf"(?:名義|名前|氏名|ローマ字)(?:は|が|で)?[\s、]*(?P<value>{_ROMAN})(?![A-Za-z])", 0.6),
        JaPattern("staff on duty (medium)",
                  rf"(?:担当(?:の|は|者は)?|{_OFFICE}[、の]\s?)(?P<value>{KANJI_NAME})"
                  rf"(?:です|でした|でございま|が(?:承|うけたまわ|お受け|担当|対応|お伺い))", 0.7),
        JaPattern("foreign name with middle dots (medium)",
                  rf"(?:^|[{CLOSING_MARKS}、\s]|は)(?P<value>{_DOTTED})(?={alternation(COPULAS)}|{alternation(SELF_INTRODUCTIONS)}|{_HONORIFIC}|でお願|、|。|$)", 0.6),
        JaPattern("staff taking the call (weak)",
                  rf"(?:^|[、。の\s])(?P<value>{KANJI_NAME})(?:が(?:承|うけたまわ|お受け|担当|対応)|でございます)", 0.5),
        JaPattern("family member (weak)", rf"(?:{_RELATION})(?:の|は)\s?(?P<value>{ANY_NAME}|{HIRAGANA_NAME}){_END}", 0.5),
        JaPattern("name written as (medium)", rf"(?:漢字は|漢字で)(?P<value>{KANJI_NAME})(?:って|と)(?:書|かき)", 0.6),
        JaPattern("answer with a name (very weak)",
                  rf"(?:^|[{SENTENCE_END_MARKS}、\s…]|は)(?P<value>{MIXED_NAME}|{KANA_KANJI_NAME}|{KANJI_NAME}|{KANA_NAME}|{HIRAGANA_NAME})(?=です|。|、|$|でお願|って|ね[。、]|\n)", 0.2),
    ]
    CONTEXT = ["名前", "氏名", "名義", "フルネーム", "名札", "読み", "漢字", "カタカナ", "ひらがな", "旧姓", "宛名", "なまえ"]

    def accept(self, text, start, end, nlp_artifacts) -> bool:
        value = text[start:end]
        if re.fullmatch(_ROMAN, value):
            return value.upper() not in ("ID", "OK", "NG", "IP", "SMS", "PDF")
        if re.fullmatch(KANA_KANJI_NAME, value) and not all(
                tag.startswith("名詞") for tag in sudachi_tags(nlp_artifacts, start, end)):
            return False  # kana then kanji is a name's shape only as nouns: not それで大丈夫, この件, もう一回
        return (is_plausible_name(value) and not has_verb(nlp_artifacts, start, end)
                and not garbled_stock_phrase(text, start, end))

    def analyze(self, text, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        results = []
        for result in super().analyze(text, entities, nlp_artifacts):
            pattern_name = result.analysis_explanation.pattern_name if result.analysis_explanation else ""
            # A weak pattern needs Sudachi's word that this is a proper noun (not 以上, 確認).
            if WEAK in pattern_name and "very weak" not in pattern_name \
                    and not has_proper_noun(nlp_artifacts, result.start, result.end):
                # staff names in a greeting are still lifted by call context; family words less so
                result.score = min(result.score, 0.2 if pattern_name.startswith("family") else 0.3)
            results.append(result)
        return results
