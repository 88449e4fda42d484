"""PERSON written in Latin letters: passport style, either order (「TANAKA TARO」「Taro Tanaka」).

Callers spell their name for a passport, a card or a booking, and speech recognition writes a
spelled name in Latin letters. A name is two or three words, all in capitals or each capitalised,
every word romanized Japanese (Hepburn or kunrei syllables, passport long vowels: OHNO, SATOH).
Product and company names fail the syllable check (Galaxy, Chrome, Mobile, DOCOMO) and acronyms
are single words. Sudachi's dictionary knows too few names in katakana (モリカワ, アヤカ are not in
it) to ask it; a Latin name in a name frame (「名義はJohn Smith」), romanized or not, is ja_person's.
"""

from __future__ import annotations

import re
from typing import Optional

from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer

_CAPS_WORD = r"[A-Z]{2,}"
_CAPITALISED_WORD = r"[A-Z][a-z]+"
# A romanized syllable: consonant (+ y) + vowel, the moraic n, the first of a doubled consonant
# (Hattori, Matchida), and the long-vowel h of passports (OHNO, SATOH).
_SYLLABLE = (r"(?:(?:sh|ch|ts|[kgsztdnhbpmrjfwyv]y?)?[aiueo]|n(?![aiueoy])|[kstpgdbcm](?=[kstpgdbcjm])"
             r"|(?<=o)h(?![aiueoy]))")
_ROMAJI_WORD = re.compile(rf"{_SYLLABLE}+")
_NOT_NAMES = {"ID", "OK", "NG", "IP", "SMS", "PDF"}


class JaLatinNameRecognizer(JaPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [
        JaPattern("romanized full name (medium)",
                  rf"(?<![A-Za-z])(?P<value>{_CAPS_WORD}(?:[ 　,、]+{_CAPS_WORD}){{1,2}}"
                  rf"|{_CAPITALISED_WORD}(?:[ 　]+{_CAPITALISED_WORD}){{1,2}})(?![A-Za-z])", 0.5),
    ]
    CONTEXT = ["名前", "氏名", "名義", "フルネーム", "ローマ字", "アルファベット", "パスポート", "旅券", "スペル"]

    def validate_result(self, value: str) -> Optional[bool]:
        """False unless every word is romanized Japanese; else no opinion (the pattern's score)."""
        words = _words(value)
        if not words or any(w.upper() in _NOT_NAMES or not _ROMAJI_WORD.fullmatch(w.lower()) for w in words):
            return False
        return None


def _words(value: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", value)
