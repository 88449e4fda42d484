"""The operator's read-back of an answer goes, found by how it SOUNDS, whatever its characters.

Operators confirm what they were told (「オオツカケンジ様ですね」「復唱いたします、神奈川県横浜市…で
よろしいでしょうか」), and recognition spells the repeat its own way: the caller's 「貼成がまち広」
comes back from the operator as 「貼せがわき広さま」, 「小事まこと」 as 「少女様」. Spelling differs;
the sound stays close. So for each operator turn, every finding of the caller's turns within
`lookback_turns` before it (the answer just given, and earlier ones: 「復唱いたします」 repeats all
that was collected over several exchanges) is looked for in the operator's words by reading
(Sudachi kana, soft: ー and ッ ignored): the stretch of whole words whose reading best matches
the finding's (rapidfuzz partial alignment) goes, typed as the finding, when it scores
`min_similarity` or more and covers at least `min_coverage` of the finding's reading, unless it
is an amount (digits before 円, 回: 「42,300円」 sounds like no answer). Single words of an answer
(a surname, a town) are looked for too, nearly verbatim, but only in the answer given since the
operator's previous turn: short readings match too much to search further back. Short readings
(under `min_kana`) are left to the other rules: two or three kana match anything.

The read-back is added by time too (its words' seconds; `SpanSet.add_by_time`), so no later rule
drops it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

from pydantic import Field
from rapidfuzz import fuzz

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.readings import reading_of, soft_reading, tokens_of
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet


# A part of an answer (one word of it: a surname, a town) is looked for nearly verbatim
PART_MIN_KANA = 3
PART_SIMILARITY = 85.0
PART_COVERAGE = 0.9


class ReadBacksConfig(RuleConfig):
    min_similarity: float = Field(70.0, ge=0, le=100, description="Best alignment score (0-100) of a read-back's "
                                                                  "reading against the answer's.")
    min_coverage: float = Field(0.6, gt=0, le=1, description="Share of the answer's reading the read-back's must span.")
    min_kana: int = Field(4, ge=2, description="Answers with shorter readings are not looked for.")
    lead_s: float = Field(0.4, ge=0, description="Seconds a read-back opening the operator's turn is muted before "
                                                 "its first recognized word (never before the previous turn ends).")
    lookback_turns: int = Field(4, ge=1, le=12, description="Caller turns before an operator turn whose answers it "
                                                            "may read back.")


class ReadBacks(CallRule):
    NAME = "read_backs"
    Config = ReadBacksConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            if not turn.may_ask:  # the operator's, or a mono turn of unknown role (fail closed)
                continue
            answers = self._answers(call, spans, turn)
            if not answers:
                continue
            words = _WordReadings(turn.text)
            for entity_type, reading, whole in answers:
                similarity, coverage = ((self.config.min_similarity, self.config.min_coverage) if whole
                                        else (PART_SIMILARITY, PART_COVERAGE))
                found = words.best_match(reading, similarity, coverage)
                if found is None:
                    continue
                start, end = found
                if _amount(turn.text, end, tuple(call.conf.number_units)):
                    continue
                seconds = turn.time_of(start, end)
                if seconds is None:
                    spans.add_uncovered(turn.index, entity_type, start, end)
                    continue
                if not turn.text[:start].strip(" 、。"):
                    # recognition starts a turn's first word late: from the previous turn's end on
                    before = call.turns[turn.index - 1].end_s if turn.index else None
                    seconds = (max(seconds[0] - self.config.lead_s, before if before is not None else 0.0), seconds[1])
                spans.add_by_time(turn.index, entity_type, start, end, *seconds)

    def _answers(self, call: CallView, spans: SpanSet, operator: TurnView) -> list[tuple[str, str, bool]]:
        """(type, reading, whole) of the findings of the caller turns within `lookback_turns`: word by
        word too for those since the operator's previous turn (the answer just given), whole only
        for earlier ones (a read-back of everything collected: 「復唱いたします、…」)."""
        answers, latest = [], True
        for turn in reversed(call.turns[max(0, operator.index - self.config.lookback_turns):operator.index]):
            if turn.is_operator:
                latest = False
                continue
            found = [(s.type, s.start, s.end) for s in spans.findings(turn.index)]
            found += [(t.type, t.start, t.end) for t in spans.times(turn.index)]
            for entity_type, start, end in found:
                said = turn.text[start:end]
                reading = reading_of(said)
                if len(reading) >= self.config.min_kana:
                    answers.append((entity_type, reading, True))
                if not latest:
                    continue
                # a read-back may repeat a part only (the surname of a full name, the town of an address)
                parts = [soft_reading(t.reading) for t in tokens_of(said) if not _silent(t.surface)]
                answers += [(entity_type, part, False) for part in parts
                            if len(part) >= PART_MIN_KANA and part != reading]
        return answers


class _WordReadings:
    """An operator turn's words (Sudachi tokens) with their soft readings laid end to end."""

    def __init__(self, text: str):
        self.bounds: list[tuple[int, int]] = []  # each token's [start, end) in the text
        self.reading_starts: list[int] = []  # where each token's reading starts in `reading`
        parts, offset, position = [], 0, 0
        for token in tokens_of(text):
            spoken = "" if _silent(token.surface) else soft_reading(token.reading)
            self.bounds.append((offset, offset + len(token.surface)))
            self.reading_starts.append(position)
            parts.append(spoken)
            offset += len(token.surface)
            position += len(spoken)
        self.reading = "".join(parts)

    def best_match(self, reading: str, min_similarity: float, min_coverage: float) -> tuple[int, int] | None:
        """[start, end) of the whole words whose reading best matches `reading`, or None."""
        if len(self.reading) < len(reading) * min_coverage:
            return None
        alignment = fuzz.partial_ratio_alignment(reading, self.reading, score_cutoff=min_similarity)
        if alignment is None or alignment.dest_end - alignment.dest_start < len(reading) * min_coverage:
            return None
        first = bisect_right(self.reading_starts, alignment.dest_start) - 1
        last = bisect_right(self.reading_starts, alignment.dest_end - 1) - 1
        return self.bounds[first][0], self.bounds[last][1]


def _silent(surface: str) -> bool:
    """Spaces and punctuation: no reading of their own (Sudachi reads a space as キゴウ)."""
    return all(unicodedata.category(c)[0] in "PSZ" or c.isspace() for c in surface)


def _amount(text: str, end: int, units: tuple[str, ...]) -> bool:
    """Digits followed by a unit (42,300円, 3回): an amount, never a read-back, whatever it sounds like."""
    return bool(units) and text[end:].lstrip().startswith(units) and any(c.isdigit() for c in text[:end][-3:])
