"""SpanSet: the one way rules add findings, by characters and by time, and protected text refuses both."""

from redactor.pii.spans import Span, SpanSet, TimedSpan, merge


def test_a_finding_by_time_is_kept_apart_from_the_spans():
    spans = SpanSet(2, 0.5)
    spans.add_uncovered(1, "PERSON", 0, 4)
    assert spans.add_by_time(1, "PERSON", 0, 4, 3.0, 4.5)  # covered by characters, still timed
    assert spans.findings(1) == [Span("PERSON", 0, 4, 0.5)]
    assert spans.times(1) == [TimedSpan("PERSON", 0, 4, 3.0, 4.5)]
    spans.drop(1, lambda s: True)  # a later rule dropping spans leaves the time alone
    assert spans.times(1) == [TimedSpan("PERSON", 0, 4, 3.0, 4.5)]


def test_protected_text_refuses_findings_by_time_and_drops_them():
    spans = SpanSet(1, 0.5)
    assert spans.add_by_time(0, "PHONE_NUMBER", 5, 9, 1.0, 2.0)
    spans.protect(0, 6, 8)
    assert spans.times(0) == []
    assert not spans.add_by_time(0, "PHONE_NUMBER", 7, 12, 1.0, 2.0)


def test_empty_findings_by_time_are_refused():
    spans = SpanSet(1, 0.5)
    assert not spans.add_by_time(0, "PERSON", 3, 3, 1.0, 2.0)
    assert not spans.add_by_time(0, "PERSON", 3, 5, 2.0, 2.0)
    assert spans.times(0) == []


def test_merge_unions_overlaps_and_the_best_score_names_them():
    assert merge([Span("PERSON", 0, 4, 0.5), Span("PHONE_NUMBER", 2, 9, 0.9), Span("PERSON", 12, 14, 0.6)]) == [
        Span("PHONE_NUMBER", 0, 9, 0.9), Span("PERSON", 12, 14, 0.6)]
