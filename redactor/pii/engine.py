"""CallRedactor: a call's turns in, redacted turns and findings out.

    normalize -> Presidio (recognizers over the whole call) -> for rule in RULES -> merge -> anonymize

Load once per process (GiNZA takes seconds); `redact` may then be called from one worker thread
at a time (a lock enforces it). Turns are normalized (numerals, widths, dashes; normalize.py),
joined with newlines and analyzed at once by Presidio's AnalyzerEngine over GiNZA; the call
rules (redactor/pii/rules/, in their declared order) then add and drop spans with the whole
conversation in view; the findings map back to the original text, overlapping ones merge, and
the configured operator redacts them. A finding holding a span a rule added by time (an answer
window) carries those seconds too (`Finding.start_s`/`end_s`), for the redacted audio.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from redactor.pii.anonymize import TurnAnonymizer
from redactor.pii.config import PiiConfig, load_config
from redactor.pii.dialogue import CallView, timing_of
from redactor.pii.nlp_engine import GinzaNlpEngine
from redactor.pii.normalize import NormalizedText, normalize
from redactor.pii.organisations import OrganisationFinder
from redactor.pii.recognizers import RECOGNIZERS
from redactor.pii.recognizers.base import JaPatternRecognizer
from redactor.pii.results import Finding, RedactedCall, RedactedTurn
from redactor.pii.rules import build_rules
from redactor.pii.spans import Span, SpanSet, merge

logger = logging.getLogger(__name__)
# Presidio reports everything above this; the threshold applies after the rules lift candidates.
CANDIDATE_SCORE = 0.01


class TurnError(ValueError):
    """A turn is not {speaker: str, text: str}; the message names the turn index, never its text."""


class CallRedactor:
    """Japanese PII detection and redaction for whole calls."""

    def __init__(self, config: PiiConfig, nlp_engine: GinzaNlpEngine, pseudonym_key: bytes | None = None):
        self.config = config
        self.rules = build_rules(config)
        self.nlp_engine = nlp_engine
        if not nlp_engine.is_loaded():
            nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=["ja"])
        for name, switch in config.enabled_recognizers().items():
            cls = RECOGNIZERS[name]
            kwargs = {"context": switch.context} if issubclass(cls, JaPatternRecognizer) and switch.context else {}
            registry.add_recognizer(cls(**kwargs))
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["ja"])
        self.anonymizer = TurnAnonymizer(config, pseudonym_key)
        self.organisations = OrganisationFinder(config.organisations)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, config_path: Path | str | None = None, pseudonym_key: bytes | None = None) -> "CallRedactor":
        """Read the YAML config (default: bundled pii.yaml) and load GiNZA once."""
        config = load_config(config_path)
        build_rules(config)  # a bad rule setting fails before the model loads
        started = time.perf_counter()
        engine = GinzaNlpEngine(model=config.nlp.model, ner=config.nlp.ner,
                                max_chunk_bytes=config.nlp.max_chunk_bytes, batch_size=config.nlp.batch_size)
        engine.load()
        logger.info("PII engine loaded in %.1f s", time.perf_counter() - started)
        return cls(config, engine, pseudonym_key)

    def redact(self, turns: Sequence) -> RedactedCall:
        """Redact a call: `turns` are objects or mappings with `speaker` and `text` strings (and,
        from a transcript, `start`, `end` and `words`, which rules may use)."""
        speakers, texts, timings = _coerce_turns(turns)
        with self._lock:
            call, spans = self.analyze(speakers, texts, timings)
        findings: list[Finding] = []
        redacted: list[RedactedTurn] = []
        for turn in call.turns:
            timed = [(Span(t.type, *turn.normalized.to_original(t.start, t.end), spans.threshold), t.start_s, t.end_s)
                     for t in spans.times(turn.index)]
            original = merge([Span(s.type, *turn.normalized.to_original(s.start, s.end), s.score)
                              for s in spans.findings(turn.index)] + [span for span, _, _ in timed])
            for s in original:
                # a finding holding spans added by time is muted over their seconds too
                seconds = [(a, b) for span, a, b in timed if s.covers(span.start, span.end)]
                start_s, end_s = (min(a for a, _ in seconds), max(b for _, b in seconds)) if seconds else (None, None)
                findings.append(Finding(s.type, turn.index, s.start, s.end, round(s.score, 4), start_s, end_s))
            redacted.append(RedactedTurn(turn.speaker, self.anonymizer.anonymize(turn.normalized.original, original)))
        return RedactedCall(redacted, findings, {"score_threshold": self.config.score_threshold,
                                                 "ner": self.config.nlp.ner})

    def tokenize(self, text: str):
        """GiNZA over a call's joined text: Sudachi tokens and tags, and NER where configured."""
        return self.nlp_engine.process_text(text, "ja")

    def analyze(self, speakers: list[str], texts: list[NormalizedText], timings=None) -> tuple[CallView, SpanSet]:
        """The call as the rules saw it and its spans after every rule (normalized offsets)."""
        call = CallView.build(speakers, texts, self.config.call_context, nlp=self.tokenize,
                              organisation_finder=self.organisations, timings=timings)
        results = self.analyzer.analyze(text=call.text, language="ja", nlp_artifacts=call.artifacts,
                                        score_threshold=CANDIDATE_SCORE, allow_list=self.config.allow_list or None)
        spans = SpanSet(len(call.turns), self.config.score_threshold)
        for result in results:
            turn = call.turns[call.turn_at(result.start)]
            end = min(result.end, turn.offset + len(turn.text))
            spans.add_candidate(turn.index, Span(result.entity_type, result.start - turn.offset, end - turn.offset,
                                                 min(result.score, 1.0)))
        for rule in self.rules:
            rule.apply(call, spans)
        return call, spans


def _coerce_turns(turns: Sequence) -> tuple[list[str], list[NormalizedText], list]:
    if isinstance(turns, (str, bytes)) or not isinstance(turns, Sequence):
        raise TurnError(f"turns must be a list of {{speaker, text}} objects, got {type(turns).__name__}")
    speakers, norms, timings = [], [], []
    for index, turn in enumerate(turns):
        if isinstance(turn, Mapping):
            speaker, text = turn.get("speaker"), turn.get("text")
        else:
            speaker, text = getattr(turn, "speaker", None), getattr(turn, "text", None)
        if not isinstance(text, str):
            raise TurnError(f"turn {index}: 'text' must be a string, got {type(text).__name__}")
        if not isinstance(speaker, str):
            raise TurnError(f"turn {index}: 'speaker' must be a string, got {type(speaker).__name__}")
        speakers.append(speaker)
        norms.append(normalize(text))
        timings.append(timing_of(turn, text))
    return speakers, norms, timings
