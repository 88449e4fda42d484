"""Which findings the raw-audio card scrub takes (RedactedAudioStep.ranges, the service's own path)."""

from __future__ import annotations

import pytest

from redactor.pii import Finding
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.transcribe import Transcript, Turn, Word


def transcript(text: str) -> Transcript:
    """One caller turn whose words are its characters, 0.1 s each, from 1.0 s."""
    words = [Word(start=1.0 + 0.1 * i, end=1.1 + 0.1 * i, word=c, probability=0.9) for i, c in enumerate(text)]
    turns = [Turn("operator", 0.0, 0.9, "はい", [Word(0.0, 0.9, "はい", 0.9)]),
             Turn("caller", 1.0, 1.0 + 0.1 * len(text), text, words)]
    return Transcript(duration=30.0, language="ja", channels="stereo_operator_left", turns=turns)


# (what, the caller's answer, the finding's type, scrubbed from the raw audio?)
CASES = [
    ("a card number typed CREDIT_CARD", "4111111111111111です", "CREDIT_CARD", True),
    ("a card number typed otherwise (the request garbled): its length says card",
     "3566002036108674です", "CUSTOMER_ID", True),
    ("a card number read in kana digits", "さんごーろくろくぜろぜろにーぜろさんろくいちぜろはちろくななよん", "CUSTOMER_ID", True),
    ("a 15-digit card (Amex) with a digit lost to recognition", "37144963539843です", "BANK_ACCOUNT", True),
    ("a phone number is no card", "09012345678です", "PHONE_NUMBER", False),
    ("My Number (12 digits) is no card", "123456789012です", "MY_NUMBER", False),
    ("a name holding digits is not a number finding", "4111111111111111です", "PERSON", False),
    ("expiry and CVV are card data by type", "12の28です", "CARD_EXPIRY", True),
]


@pytest.mark.parametrize("text, entity, scrubbed", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_card_scrub_takes(text, entity, scrubbed):
    call = transcript(text)
    finding = Finding(entity, 1, 0, len(text), 0.9)
    ranges, card_ranges = RedactedAudioStep().ranges(call, [finding])
    assert len(ranges) == 1
    assert bool(card_ranges) is scrubbed
    if scrubbed:
        assert (card_ranges[0].start, card_ranges[0].end) == (ranges[0].start, ranges[0].end)


def test_card_length_rule_only_when_card_numbers_are_scrubbed():
    call = transcript("3566002036108674です")
    step = RedactedAudioStep(scrub_entities=("CARD_CVV",))
    _, card_ranges = step.ranges(call, [Finding("CUSTOMER_ID", 1, 0, 16, 0.9)])
    assert card_ranges == []


def test_stored_dict_findings_are_read_too():
    call = transcript("3566002036108674です")
    _, card_ranges = RedactedAudioStep().ranges(call, [{"type": "CUSTOMER_ID", "turn": 1, "start": 0, "end": 16,
                                                        "score": 0.9}])
    assert len(card_ranges) == 1
