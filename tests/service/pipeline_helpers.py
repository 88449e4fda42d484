"""A committed sample call as the pipeline's in-memory results, without loading any model.

The transcript is the sample's script (one timed word per turn) and the findings its listed
PII, so the real pipeline steps (redacted audio, card-data scrub, store) run on real audio.
"""

from __future__ import annotations

import json
from pathlib import Path

from redactor.pii.results import Finding, RedactedCall, RedactedTurn
from redactor.transcribe.transcript import Transcript as RawTranscript
from redactor.transcribe.transcript import Turn, Word

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"


def sample_with_card_data() -> dict:
    """A committed sample whose caller reads out card data (so the raw audio gets scrubbed)."""
    calls = json.loads((SAMPLES / "calls.json").read_text(encoding="utf-8"))["calls"]
    return next(c for c in calls if any(p["type"] == "CREDIT_CARD" for p in c["pii"]))


def script_results(sample: dict) -> tuple[RawTranscript, RedactedCall]:
    """(the sample's script as a raw transcript, its listed PII as the redactor's findings)."""
    turns = [Turn(speaker=t["speaker"], start=t["start"], end=t["end"], text=t["text"],
                  words=[Word(start=t["start"], end=t["end"], word=t["text"], probability=1.0)])
             for t in sample["turns"]]
    findings = []
    for pii in sample["pii"]:
        offset = sample["turns"][pii["turn"]]["text"].index(pii["text"])
        findings.append(Finding(type=pii["type"], turn=pii["turn"], start=offset, end=offset + len(pii["text"]),
                                score=1.0))
    redacted = RedactedCall(turns=[RedactedTurn(speaker=t.speaker, text="<redacted>") for t in turns],
                            findings=findings)
    transcript = RawTranscript(duration=sample["duration"], language="ja", channels=sample["channels"], turns=turns)
    return transcript, redacted
