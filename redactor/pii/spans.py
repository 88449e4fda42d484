"""Spans found in a call, and the one way rules add, drop and rescore them.

Offsets are into a turn's normalized text (`TurnView.text`). Presidio's results enter as
candidates with their own scores; a span is a finding once its score reaches the threshold.
Rules add what the call says must go (`add_uncovered`, at the threshold score), drop what the
call explains away (`drop`, `replace`), and `protect` text that is never redacted (the site's
allow-list, the organisation's own numbers): a protected region drops the spans touching it
and refuses any added later, so no rule has to run twice to honour it.

A rule that knows WHEN an item was spoken (an answer window: the caller's speech after the
operator's request) adds it `by_time`: a finding over its characters that also carries the
seconds the redacted audio must mute, however recognition spelled or timed the words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple


class Span(NamedTuple):
    """An entity type over [start, end) of one turn's normalized text, with its score (a tuple:
    `etype, start, end, score = span` reads it)."""

    type: str
    start: int
    end: int
    score: float

    def covers(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def with_score(self, score: float) -> "Span":
        return self._replace(score=min(score, 1.0))


class TimedSpan(NamedTuple):
    """An entity type over characters [start, end) of a turn's normalized text, spoken over
    [start_s, end_s) seconds of the call."""

    type: str
    start: int
    end: int
    start_s: float
    end_s: float


class SpanSet:
    """The spans of every turn of one call."""

    def __init__(self, turns: int, threshold: float):
        self.threshold = threshold
        self._spans: list[list[Span]] = [[] for _ in range(turns)]
        self._protected: list[list[tuple[int, int]]] = [[] for _ in range(turns)]
        self._times: list[list[TimedSpan]] = [[] for _ in range(turns)]

    def __len__(self) -> int:
        return len(self._spans)

    def findings(self, turn: int) -> list[Span]:
        """The spans of a turn scoring at or above the threshold (what will be redacted)."""
        return [s for s in self._spans[turn] if s.score >= self.threshold]

    def candidates(self, turn: int) -> list[Span]:
        """Every span of a turn, below the threshold too (for rules that rescore)."""
        return list(self._spans[turn])

    def add_candidate(self, turn: int, span: Span) -> None:
        """A recognizer's result, at its own score (it is a finding only at the threshold)."""
        if not self._is_protected(turn, span.start, span.end):
            self._spans[turn].append(span)

    def add_uncovered(self, turn: int, entity_type: str, start: int, end: int) -> bool:
        """Add a finding (at the threshold score) unless a finding already covers it or it touches
        protected text; partial overlaps are merged at the end. True if it was added."""
        if end <= start or self._is_protected(turn, start, end):
            return False
        if any(s.covers(start, end) for s in self.findings(turn)):
            return False
        self._spans[turn].append(Span(entity_type, start, end, self.threshold))
        return True

    def add_by_time(self, turn: int, entity_type: str, start: int, end: int, start_s: float, end_s: float) -> bool:
        """A finding over [start, end) whose audio is muted over [start_s, end_s) as well. It is
        kept apart from the spans (`times`): later rules neither learn names from it nor drop it;
        protected text refuses it whole. True if it was added."""
        if end <= start or end_s <= start_s or self._is_protected(turn, start, end):
            return False
        self._times[turn].append(TimedSpan(entity_type, start, end, start_s, end_s))
        return True

    def times(self, turn: int) -> list[TimedSpan]:
        """The findings of a turn added by time."""
        return list(self._times[turn])

    def drop(self, turn: int, predicate: Callable[[Span], bool]) -> None:
        """Remove the spans of a turn for which `predicate` is true."""
        self._spans[turn] = [s for s in self._spans[turn] if not predicate(s)]

    def replace(self, turn: int, spans: Iterable[Span]) -> None:
        """Set a turn's spans (a rule that trims spans returns the kept, trimmed ones)."""
        self._spans[turn] = [s for s in spans if not self._is_protected(turn, s.start, s.end)]

    def rescore(self, turn: int, score_of: Callable[[Span], float]) -> None:
        """Give every span of a turn a new score (capped at 1.0)."""
        self._spans[turn] = [s.with_score(score_of(s)) for s in self._spans[turn]]

    def protect(self, turn: int, start: int, end: int) -> None:
        """Text that is never redacted: drop the spans touching it now and refuse them later."""
        self._protected[turn].append((start, end))
        self.drop(turn, lambda s: s.overlaps(start, end))
        self._times[turn] = [t for t in self._times[turn] if not (t.start < end and start < t.end)]

    def is_protected(self, turn: int, start: int, end: int) -> bool:
        return self._is_protected(turn, start, end)

    def _is_protected(self, turn: int, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self._protected[turn])


def merge(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping spans (never leave part of a value behind); the best-scored type names it."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = span if span.score > last.score else last
            merged[-1] = Span(best.type, last.start, max(last.end, span.end), best.score)
        else:
            merged.append(span)
    return merged
