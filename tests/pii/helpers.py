"""Helpers shared by the PII tests (paths to the data sets, recognizer and engine probes)."""

from __future__ import annotations

from pathlib import Path

from redactor.pii.normalize import normalize

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / ".." / "shared"
DEV_SET = SHARED / "data" / "pii-dev.jsonl"
OWN_CALLS = Path(__file__).resolve().parent / "data" / "own_calls.jsonl"
THRESHOLD = 0.5


def recognized(recognizer, text: str, threshold: float = THRESHOLD) -> list[str]:
    """Values (in normalized form) a recognizer reports at or above the threshold in `text`."""
    norm = normalize(text).text
    results = recognizer.analyze(norm, recognizer.supported_entities, None)
    return [norm[r.start:r.end] for r in results if r.score >= threshold]


def redacted_types(call_redactor, text: str, speaker: str = "caller", before=()) -> dict[str, str]:
    """Redact `text` as the last turn of a call (after `before` turns); original value -> type."""
    turns = [{"speaker": s, "text": t} for s, t in before] + [{"speaker": speaker, "text": text}]
    result = call_redactor.redact(turns)
    last = len(turns) - 1
    return {text[f.start:f.end]: f.type for f in result.findings if f.turn == last}


def turn_contexts(speakers, texts, conf):
    """Each turn's TurnContext, its speaker roles and sentence leads inferred as `CallView.build`
    infers them (without times)."""
    from redactor.pii.dialogue import plan_turn_contexts
    from redactor.pii.speaker_roles import infer_roles, sentence_leads

    roles = infer_roles(speakers, texts, conf)
    return plan_turn_contexts(texts, roles, sentence_leads(speakers, roles, texts, conf), conf)


def last_turn_context(turns, conf):
    """Normalize `turns` ((speaker, text) pairs), plan their call context; the last turn's normalized
    text and its TurnContext."""
    speakers = [s for s, _ in turns]
    texts = [normalize(t).text for _, t in turns]
    return texts[-1], turn_contexts(speakers, texts, conf)[-1]


def redact_pairs(call_redactor, turns) -> list[str]:
    """Redact a call given as (speaker, text) pairs; the redacted text of each turn."""
    result = call_redactor.redact([{"speaker": s, "text": t} for s, t in turns])
    return [turn.text for turn in result.turns]


def assert_gone_kept(text: str, gone, kept) -> None:
    """Every value in `gone` was redacted from `text`; every value in `kept` is still there."""
    assert [g for g in gone if g in text] == []
    assert [k for k in kept if k not in text] == []


def rule_effect(rule, turns, spans=(), config=None) -> tuple[set, set]:
    """Run one call rule over a dialogue, without GiNZA (rules then see no Sudachi tags).

    `turns`: (speaker, text) pairs; `spans`: (turn, value, type, score) found before the rule, the
    value located by its first occurrence in the turn's normalized text. Returns the findings the
    rule added and those it dropped, as (turn, value, type).
    """
    from redactor.pii.config import PiiConfig
    from redactor.pii.dialogue import CallView
    from redactor.pii.organisations import OrganisationFinder
    from redactor.pii.spans import Span, SpanSet

    config = config or PiiConfig()
    texts = [normalize(t) for _, t in turns]
    call = CallView.build([s for s, _ in turns], texts, config.call_context,
                          organisation_finder=OrganisationFinder(config.organisations))
    found = SpanSet(len(turns), config.score_threshold)
    for turn, value, etype, score in spans:
        start = call.turns[turn].text.index(value)
        found.add_candidate(turn, Span(etype, start, start + len(value), score))

    def findings() -> set:
        return {(t.index, t.text[s.start:s.end], s.type) for t in call.turns for s in found.findings(t.index)}

    before = findings()
    rule.apply(call, found)
    after = findings()
    return after - before, before - after
