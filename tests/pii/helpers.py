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
