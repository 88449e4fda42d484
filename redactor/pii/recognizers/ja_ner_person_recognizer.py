"""PERSON from GiNZA: its NER's Person entities and Sudachi's 人名 (name) tokens.

GiNZA labels e-mail addresses as Person and misses names written in hiragana; the first is
filtered here, the second is the pattern recognizer's job.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from redactor.pii.recognizers.base import turn_bounds
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.names import RELATIONS
from redactor.pii.lexicon.speech import COPULAS, HONORIFICS, SELF_INTRODUCTIONS
from redactor.pii.recognizers.names import garbled_stock_phrase, is_plausible_name

_NAME_CHARS = re.compile(rf"^[{KANJI_RANGE}々ヶ{HIRAGANA_RANGE}{KATAKANA_RANGE}ー・ 　]+$")
_CONTEXT = ("名前", "氏名", "名義", "名札", "フルネーム", "旧姓", "宛名") + RELATIONS
_CUE_AFTER = (*HONORIFICS, *SELF_INTRODUCTIONS, *COPULAS, "が承", "がお受け")


class JaNerPersonRecognizer(EntityRecognizer):
    """Reads the entities and tokens GiNZA already produced (no model call of its own)."""

    ENTITY = "PERSON"
    NER_LABELS = ("Person",)
    NER_SCORE = 0.6
    COMMON_NOUN_SCORE = 0.3
    FULL_NAME_SCORE = 0.7  # 姓 followed by 名 in Sudachi's dictionary
    SURNAME_WITH_CUE_SCORE = 0.6
    SURNAME_SCORE = 0.35

    def __init__(self, supported_language: str = "ja", name: str | None = None):
        super().__init__(supported_entities=[self.ENTITY], name=name or type(self).__name__,
                         supported_language=supported_language)

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        results = []
        for ent in nlp_artifacts.entities:
            if ent.label_ in self.NER_LABELS and self._name_like(ent.text) \
                    and not garbled_stock_phrase(text, ent.start_char, ent.end_char):
                score = self.NER_SCORE if not self._common_nouns_only(ent) else self.COMMON_NOUN_SCORE
                results.append(self._result(ent.start_char, ent.end_char, score, f"GiNZA NER {ent.label_}"))
        results.extend(self._sudachi_names(text, nlp_artifacts.tokens))
        return results

    def _sudachi_names(self, text: str, doc) -> list[RecognizerResult]:
        results = []
        tokens = list(doc)
        i = 0
        while i < len(tokens):
            if "人名" not in tokens[i].tag_:
                i += 1
                continue
            j = i
            while j + 1 < len(tokens) and "人名" in tokens[j + 1].tag_:
                j += 1
            start, end = tokens[i].idx, tokens[j].idx + len(tokens[j].text)
            value = text[start:end]
            if self._name_like(value) and not garbled_stock_phrase(text, start, end):  # 賀子|込まりました
                if j > i:
                    score, why = self.FULL_NAME_SCORE, "Sudachi surname + given name"
                elif text.startswith(_CUE_AFTER, end):
                    score, why = self.SURNAME_WITH_CUE_SCORE, "Sudachi name + honorific/copula"
                elif self._name_context(text, start, end):
                    score, why = self.SURNAME_WITH_CUE_SCORE, "Sudachi name token + name/family context"
                else:
                    score, why = self.SURNAME_SCORE, "Sudachi name token"
                results.append(self._result(start, end, score, why))
            i = j + 1
        return results

    @staticmethod
    def _name_context(text: str, start: int, end: int) -> bool:
        """A name word or a family relation (息子, 妻) in the same turn near the token."""
        lo, hi = turn_bounds(text, start, end)
        window = text[max(lo, start - 20):start] + " " + text[end:min(hi, end + 10)]
        return any(word in window for word in _CONTEXT)

    @staticmethod
    def _common_nouns_only(ent) -> bool:
        """通知カード: NER said Person, but Sudachi knows every word as a common noun."""
        if re.fullmatch(rf"[{HIRAGANA_RANGE}ー]+", ent.text):
            return False  # hiragana names (かおり, ひとみ) are common nouns to Sudachi too
        return all(t.tag_.startswith(("名詞-普通名詞", "接尾辞", "接頭辞")) for t in ent)

    @staticmethod
    def _name_like(value: str) -> bool:
        return bool(_NAME_CHARS.match(value)) and is_plausible_name(value)

    def _result(self, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=score,
            analysis_explanation=AnalysisExplanation(recognizer=self.name, original_score=score,
                                                     textual_explanation=why),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                  RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True},
        )
