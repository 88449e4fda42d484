"""CallRedactor: a call's turns in, redacted turns and findings out.

Load once per process (GiNZA takes seconds); `redact` may then be called from one worker thread
at a time (a lock enforces it). The whole call is analyzed at once: turns are normalized, joined
with newlines and given to Presidio's AnalyzerEngine; call context, fail-closed digit runs, the
allow-list and name propagation are applied per turn; spans map back to the original text.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from redactor.pii.address_answer import address_answer_spans
from redactor.pii.anonymize import TurnAnonymizer
from redactor.pii.call_context import fail_closed_numbers, may_ask, plan_turn_contexts
from redactor.pii.config import PiiConfig, load_config
from redactor.pii.name_answer import name_answer_spans
from redactor.pii.names_propagation import find_occurrences, name_terms
from redactor.pii.nlp_engine import GinzaNlpEngine
from redactor.pii.normalize import NormalizedText, normalize
from redactor.pii.organisations import CallOrganisations, OrganisationFinder
from redactor.pii.recognizers import RECOGNIZERS
from redactor.pii.recognizers.base import JaPatternRecognizer
from redactor.pii.recognizers.names import sudachi_tags, tokens_in
from redactor.pii.results import Finding, RedactedCall, RedactedTurn

logger = logging.getLogger(__name__)

_PHONE_SHAPE = re.compile(r"(?<![\d\-])0\d{1,4}-?\d{1,4}-?\d{3,4}(?![\d\-])")
VERY_WEAK = 0.25  # below this a candidate is lifted by call context only in a caller's turn
Span = tuple[str, int, int, float]  # (type, start, end, score) in a normalized turn


class TurnError(ValueError):
    """A turn is not {speaker: str, text: str}; the message names the turn index, never its text."""


class CallRedactor:
    """Japanese PII detection and redaction for whole calls."""

    def __init__(self, config: PiiConfig, nlp_engine: GinzaNlpEngine, pseudonym_key: bytes | None = None):
        self.config = config
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
        self._allow = [normalize(item).text for item in config.allow_list]
        self.organisations = OrganisationFinder(config.organisations)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, config_path: Path | str | None = None, pseudonym_key: bytes | None = None) -> "CallRedactor":
        """Read the YAML config (default: bundled pii.yaml) and load GiNZA once."""
        config = load_config(config_path)
        started = time.perf_counter()
        engine = GinzaNlpEngine(model=config.nlp.model, ner=config.nlp.ner,
                                max_chunk_bytes=config.nlp.max_chunk_bytes, batch_size=config.nlp.batch_size)
        engine.load()
        logger.info("PII engine loaded in %.1f s", time.perf_counter() - started)
        return cls(config, engine, pseudonym_key)

    def redact(self, turns: Sequence) -> RedactedCall:
        """Redact a call: `turns` are objects or mappings with `speaker` and `text` strings."""
        speakers, texts = _coerce_turns(turns)
        with self._lock:
            spans_per_turn = self._analyze(speakers, texts)
        findings: list[Finding] = []
        redacted: list[RedactedTurn] = []
        for index, (speaker, norm, spans) in enumerate(zip(speakers, texts, spans_per_turn)):
            original_spans = [(t, *norm.to_original(s, e), sc) for t, s, e, sc in spans]
            original_spans = _merge(original_spans)
            findings.extend(Finding(t, index, s, e, round(sc, 4)) for t, s, e, sc in original_spans)
            redacted.append(RedactedTurn(speaker, self.anonymizer.anonymize(norm.original, original_spans)))
        return RedactedCall(redacted, findings, {"score_threshold": self.config.score_threshold,
                                                 "ner": self.config.nlp.ner})

    # -- analysis --------------------------------------------------------------------------
    def _analyze(self, speakers: list[str], norms: list[NormalizedText]) -> list[list[Span]]:
        conf = self.config
        lines = [n.text.replace("\n", " ").replace("\r", " ") for n in norms]
        joined = "\n".join(lines)
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        artifacts = self.nlp_engine.process_text(joined, "ja")
        results = self.analyzer.analyze(text=joined, language="ja", nlp_artifacts=artifacts, score_threshold=0.01,
                                        allow_list=conf.allow_list or None)
        contexts = plan_turn_contexts(speakers, lines, conf.call_context)
        per_turn: list[list[Span]] = [[] for _ in lines]
        for r in results:
            turn = _turn_of(starts, r.start)
            lo = starts[turn]
            end = min(r.end, lo + len(lines[turn]))
            score = r.score + (conf.call_context.boost if self._lifted(r, contexts[turn]) else 0.0)
            if score >= conf.score_threshold:
                per_turn[turn].append((r.entity_type, r.start - lo, end - lo, min(score, 1.0)))
        for turn, (line, context) in enumerate(zip(lines, contexts)):
            fail_closed = [(run.entity_type, run.start, run.end)
                           for run in fail_closed_numbers(line, context, conf.call_context)]
            # garbled addresses and names in answers go whole
            fail_closed += [("ADDRESS", s, e) for s, e in address_answer_spans(line, context)]
            fail_closed += [("PERSON", s, e) for s, e in name_answer_spans(line, context)]
            self._add_uncovered(per_turn[turn], fail_closed)
        # the organisation's numbers and greetings are said by operators, or by anyone in a mono recording
        asking = [may_ask(speaker, conf.call_context) for speaker in speakers]
        per_turn = [self._drop_allowed(line, spans, operator_turn)
                    for line, spans, operator_turn in zip(lines, per_turn, asking)]
        organisations = self.organisations.for_call(
            lines, asking, lambda turn, s, e: sudachi_tags(artifacts, starts[turn] + s, starts[turn] + e))
        ner_orgs = self._ner_organisations(artifacts, starts, lines)
        for turn, s, e in organisations.staff:  # the operator's name after the organisation's
            self._add_uncovered(per_turn[turn], [("PERSON", s, e)])
        self._drop_organisations(lines, per_turn, contexts, organisations, ner_orgs)
        if conf.propagate_names:
            self._propagate_names(lines, starts, per_turn, artifacts)
            self._drop_organisations(lines, per_turn, contexts, organisations, ner_orgs)
        return per_turn

    def _ner_organisations(self, artifacts, starts: list[int], lines: list[str]) -> list[list[tuple[int, int]]]:
        """GiNZA's organisation/product entities per turn (turn-relative offsets)."""
        labels = set(self.config.organisations.ner_labels)
        per_turn: list[list[tuple[int, int]]] = [[] for _ in lines]
        for ent in artifacts.entities:
            if ent.label_ in labels:
                turn = _turn_of(starts, ent.start_char)
                lo = starts[turn]
                per_turn[turn].append((ent.start_char - lo, min(ent.end_char, lo + len(lines[turn])) - lo))
        return per_turn

    @staticmethod
    def _drop_organisations(lines, per_turn, contexts, organisations: CallOrganisations, ner_orgs) -> None:
        """Organisation and product names said in the call are not people (see organisations.py)."""
        for turn, (line, context) in enumerate(zip(lines, contexts)):
            answering_name = "PERSON" in context.expected and not context.is_operator
            per_turn[turn] = organisations.keep_spans(line, per_turn[turn], ner_orgs[turn], answering_name)

    def _add_uncovered(self, spans: list[Span], found: list[tuple[str, int, int]]) -> None:
        """Add spans the call context says must go (at the threshold score), unless a span already
        covers them; partial overlaps are merged later."""
        for etype, start, end in found:
            if not _covered(spans, start, end):
                spans.append((etype, start, end, self.config.score_threshold))

    @staticmethod
    def _lifted(result, context) -> bool:
        """Call context lifts candidates of the expected types; the faintest ones (a bare name-shaped
        word) only in the caller's answers, since operators also say product and company names."""
        if result.entity_type not in context.expected:
            return False
        return not context.is_operator or result.score >= VERY_WEAK

    def _drop_allowed(self, line: str, spans: list[Span], operator_turn: bool) -> list[Span]:
        """Drop spans touching the allow-list, or (in an operator's turn) the organisation's numbers."""
        allowed = [(i, i + len(item)) for item in self._allow for i in _find_all(line, item)]
        if operator_turn and self.config.organisation_numbers.enabled:
            allowed += self._organisation_numbers(line)
        return [s for s in spans if not any(a < s[2] and s[1] < b for a, b in allowed)]

    def _organisation_numbers(self, line: str) -> list[tuple[int, int]]:
        conf = self.config.organisation_numbers
        found = []
        for match in _PHONE_SHAPE.finditer(line):
            number, rest = match.group(), line[match.end():match.end() + 12]
            if number.startswith(tuple(conf.prefixes)) or rest.lstrip().startswith(tuple(conf.cues_after)):
                found.append(match.span())
        return found

    def _propagate_names(self, lines, starts, per_turn, artifacts) -> None:
        doc = artifacts.tokens
        terms: set[str] = set()
        for turn, spans in enumerate(per_turn):
            for etype, s, e, _ in spans:
                if etype != "PERSON":
                    continue
                lo, hi = starts[turn] + s, starts[turn] + e
                tokens = tokens_in(doc, lo, hi)
                terms |= name_terms(lines[turn][s:e], tokens)
        joined = "\n".join(lines)
        for term in sorted(terms, key=len, reverse=True):
            if term not in joined:
                continue
            for turn, line in enumerate(lines):
                if term not in line:
                    continue
                self._add_uncovered(per_turn[turn], [("PERSON", s, e) for s, e in find_occurrences(line, term)])
        for turn, line in enumerate(lines):
            per_turn[turn] = self._drop_allowed(line, per_turn[turn], False)


def _coerce_turns(turns: Sequence) -> tuple[list[str], list[NormalizedText]]:
    if isinstance(turns, (str, bytes)) or not isinstance(turns, Sequence):
        raise TurnError(f"turns must be a list of {{speaker, text}} objects, got {type(turns).__name__}")
    speakers, norms = [], []
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
    return speakers, norms


def _turn_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _covered(spans: list[Span], start: int, end: int) -> bool:
    return any(s <= start and end <= e for _, s, e, _ in spans)


def _find_all(text: str, item: str) -> list[int]:
    found, i = [], text.find(item)
    while item and i >= 0:
        found.append(i)
        i = text.find(item, i + 1)
    return found


def _merge(spans: list[Span]) -> list[Span]:
    """Union overlapping spans (never leave part of a value behind); the best-scored type names it."""
    merged: list[list] = []
    for etype, s, e, score in sorted(spans, key=lambda x: (x[1], -x[2])):
        if merged and s < merged[-1][2]:
            last = merged[-1]
            last[2] = max(last[2], e)
            if score > last[3]:
                last[0], last[3] = etype, score
        else:
            merged.append([etype, s, e, score])
    return [tuple(m) for m in merged]
