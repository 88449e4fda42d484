"""The bar of issue 6 with the real models: transcribe -> redact text -> redact audio ->
transcribe the redacted audio again, and none of the sample's PII is heard any more.

The redaction must hold for what recognition plausibly returns, not for one transcript: Whisper's
temperature fallback samples, so another machine or seed decodes the calls differently (a digit
dropped from the CVV, a name misheard). Each run decodes with a fresh random seed, greedy and with
beam 5; a failure names the beam and the seed to replay it with. Every CI run draws new seeds, so
the samplings seen accumulate across runs instead of costing a third decode in each.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest

from redactor.audio_redaction import redaction_ranges, render_redacted

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"
CALLS = json.loads((SAMPLES / "calls.json").read_text(encoding="utf-8"))["calls"]
# (beam size, seed): greedy is the service's default, beam 5 the other
# setting README documents. Seeds are drawn per test session, never fixed.
_SEEDS = random.SystemRandom()
DECODES = [(1, _SEEDS.randrange(2**31)), (5, _SEEDS.randrange(2**31))]

pytestmark = pytest.mark.slow


def _normal(text: str) -> str:
    """NFKC, without spaces, punctuation and dashes: '０９０ - 3821' and '0903821' compare equal."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] not in "PZS")


def pii_forms(pii: dict) -> set[str]:
    """How a spoken PII value can show up in a transcript: as scripted, digits only, 4+ digit groups."""
    forms = {_normal(pii["text"])}
    digits = re.sub(r"\D", "", pii["text"])
    if len(digits) >= 7:  # phone and card numbers: also each group of 4 or more digits
        forms |= {group for group in re.findall(r"\d+", pii["text"]) if len(group) >= 4}
    return {form for form in forms if form}


def heard_pii(transcript, call: dict) -> list[str]:
    """The types of the sample's PII that appear in the transcript (never the values: no PII in output)."""
    text = _normal("".join(turn.text for turn in transcript.turns))
    return sorted({pii["type"] for pii in call["pii"] if any(form in text for form in pii_forms(pii))})


@pytest.fixture(scope="module")
def call_redactor():
    from redactor.pii import CallRedactor

    return CallRedactor.load(pseudonym_key=b"p" * 32)


@pytest.fixture(scope="module", params=DECODES, ids=["beam1", "beam5"])
def decode(request) -> tuple[int, int]:
    return request.param


@pytest.fixture(scope="module")
def runs(decode, call_redactor):
    """Per sample call: (first transcript, its findings, transcript of the redacted audio)."""
    import ctranslate2

    from redactor.config import Settings
    from redactor.transcribe import Transcriber

    beam, seed = decode
    ctranslate2.set_random_seed(seed)
    transcriber = Transcriber.from_settings(Settings(), beam_size=beam)
    done = {}
    with tempfile.TemporaryDirectory(prefix="redacted-e2e-") as tmp:
        for call in CALLS:
            path = SAMPLES / call["file"]
            transcript = transcriber.transcribe(path, channels=call["channels"])
            findings = call_redactor.redact(transcript.turns).findings
            ranges = redaction_ranges(transcript.turns, findings, 0.15, duration=transcript.duration)
            output = Path(tmp) / f"{call['id']}.redacted.flac"
            render_redacted(path, ranges, fill="tone", output=output)
            done[call["id"]] = (transcript, findings, transcriber.transcribe(output, channels=call["channels"]))
    return done


@pytest.mark.parametrize("call", CALLS, ids=[c["id"] for c in CALLS])
def test_every_detected_entity_is_inaudible_in_the_redacted_audio(runs, decode, call):
    """What the PII engine found in the transcript is gone from the redacted audio."""
    transcript, findings, again = runs[call["id"]]
    assert findings, "the sample holds PII the engine finds"
    heard = _normal("".join(turn.text for turn in again.turns))
    still_heard = []
    for finding in findings:
        value = _normal(transcript.turns[finding.turn].text[finding.start : finding.end])
        if len(value) >= 2 and value in heard:
            still_heard.append(finding.type)
    assert still_heard == [], f"beam {decode[0]}, seed {decode[1]}"
    # QA still hears the call: most of what is not PII survives (the PII itself is gone, so it is
    # left out of the measure: call05 in mono is more PII than not, spelled letter by letter)
    assert len(heard) > 0.5 * len(_outside_findings(transcript, findings)), f"beam {decode[0]}, seed {decode[1]}"


def _outside_findings(transcript, findings) -> str:
    """The transcript's text without the findings' characters, normalized."""
    kept = []
    for index, turn in enumerate(transcript.turns):
        text = list(turn.text)
        for finding in findings:
            if finding.turn == index:
                text[finding.start:finding.end] = [""] * (finding.end - finding.start)
        kept.append("".join(text))
    return _normal("".join(kept))


# call05's operator name, spelled Latin name and read-back address are known leaks (issue 11,
# tests/known_leaks.py, held strictly by time in tests/service/test_leaks_by_time.py); whether a
# second transcription of the redacted copy spells one of them verbatim varies with recognition.
KNOWN_HEARD = {"call05": "issue 11: call05's operator name, spelled name and read-back address leak"}


HEARD_CASES = [pytest.param(c, id=c["id"], marks=[pytest.mark.xfail(strict=False, reason=KNOWN_HEARD[c["id"]])]
                             if c["id"] in KNOWN_HEARD else []) for c in CALLS]


@pytest.mark.parametrize("call", HEARD_CASES)
def test_none_of_the_samples_pii_is_heard_in_the_redacted_audio(runs, decode, call):
    """The issue's bar: transcribing the redacted audio again finds none of the sample's PII.

    Depends on the PII engine finding the entities in the (imperfect) ASR transcript too.
    """
    transcript, _, again = runs[call["id"]]
    assert heard_pii(transcript, call), "the check can fail: the plain transcript holds the sample's PII"
    assert heard_pii(again, call) == [], f"beam {decode[0]}, seed {decode[1]}"
