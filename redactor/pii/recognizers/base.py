"""The shape every Japanese pattern recognizer shares.

Presidio's PatternRecognizer looks for context words only before a value, in lemmas of whole
tokens; Japanese puts the cue on either side (「1234567が口座番号です」) and inside compounds
(電話番号), so context here is a character window on both sides, cut at the turn boundary
(turns are joined with newlines), compared in hiragana so ケータイ and けーたい match alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Optional

import jaconv
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from redactor.pii.readings import fuzzy_context_hit


@dataclass(frozen=True)
class JaPattern:
    """A named regex and its base score; a `value` group, if any, is the span reported."""

    name: str
    regex: str
    score: float


# Shared regex fragments (ASCII classes and digit lookarounds: \b fails next to kana/kanji).
SEP = r"(?:\s*(?:-|の、?|、|,)\s*|\s)"
STRONG_CONTEXT_BOOST = 0.4


def digits_of(value: str) -> str:
    """The ASCII digits of a value, in order."""
    return "".join(ch for ch in value if ch.isdigit())


def turn_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The [start, end) of the turn (line) holding the span."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, (len(text) if line_end < 0 else line_end)


class JaPatternRecognizer(EntityRecognizer):
    """Regex candidates + validation hooks + two-sided context words within the turn."""

    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[list[JaPattern]] = []
    CONTEXT: ClassVar[list[str]] = []
    CONTEXT_BEFORE: ClassVar[int] = 30
    CONTEXT_AFTER: ClassVar[int] = 20
    VALIDATED_SCORE: ClassVar[float] = 1.0
    FLAGS: ClassVar[int] = re.MULTILINE  # ^ and $ match at turn boundaries (turns are lines)
    # Also accept context words as speech recognition garbles them (有効きげ, セキュリッコード),
    # matched on their readings: for recognizers whose values carry no checksum of their own.
    FUZZY_CONTEXT: ClassVar[bool] = False

    def __init__(self, patterns: Optional[list[JaPattern]] = None, context: Optional[list[str]] = None,
                 supported_language: str = "ja", name: Optional[str] = None):
        self.patterns = list(patterns if patterns is not None else self.PATTERNS)
        self._compiled = [(p, re.compile(p.regex, self.FLAGS)) for p in self.patterns]
        words = list(context if context is not None else self.CONTEXT)
        super().__init__(supported_entities=[self.ENTITY], name=name or type(self).__name__,
                         supported_language=supported_language, context=words)
        self._context_hira = [jaconv.kata2hira(w.lower()) for w in words]

    def load(self) -> None:  # patterns are compiled in __init__
        pass

    def validate_result(self, value: str) -> Optional[bool]:
        """True: the value checks out (score -> VALIDATED_SCORE); False: drop it; None: no opinion."""
        return None

    def invalidate_result(self, value: str) -> Optional[bool]:
        """True: the value is certainly not this entity (drop it); None/False: no opinion."""
        return None

    def context_hit(self, text: str, start: int, end: int) -> Optional[str]:
        """The first context word found around [start, end) within the same turn, if any."""
        if not self._context_hira:
            return None
        lo, hi = turn_bounds(text, start, end)
        before, after = text[max(lo, start - self.CONTEXT_BEFORE):start], text[end:min(hi, end + self.CONTEXT_AFTER)]
        window = jaconv.kata2hira(f"{before} {after}".lower())
        exact = next((w for w in self._context_hira if w in window), None)
        if exact is not None or not self.FUZZY_CONTEXT:
            return exact
        return fuzzy_context_hit(f"{before}。{after}", self.context)

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pattern, regex in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span("value") if "value" in regex.groupindex else match.span()
                if start < 0 or end <= start:
                    continue
                result = self._score(text, pattern, start, end, nlp_artifacts)
                if result is not None:
                    results.append(result)
        return results

    def _score(self, text: str, pattern: JaPattern, start: int, end: int, nlp_artifacts) -> Optional[RecognizerResult]:
        value = text[start:end]
        score = pattern.score
        validation = self.validate_result(value)
        if validation is False or self.invalidate_result(value) is True:
            return None
        if not self.accept(text, start, end, nlp_artifacts):
            return None
        if validation is True:
            score = max(score, self.VALIDATED_SCORE)
        word = self.context_hit(text, start, end)
        if word is not None:
            score = min(1.0, score + STRONG_CONTEXT_BOOST)
        explanation = AnalysisExplanation(
            recognizer=self.name, original_score=pattern.score, pattern_name=pattern.name,
            pattern=pattern.regex, validation_result=validation,
            textual_explanation=f"context word nearby: {word}" if word else None,
        )
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=score, analysis_explanation=explanation,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                  # our own two-sided context already ran; Presidio's must not add more
                                  RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True},
        )

    def accept(self, text: str, start: int, end: int, nlp_artifacts) -> bool:
        """Hook for checks that need the surrounding text or the NLP tokens; default: accept."""
        return True
