"""The leak measurements themselves (tests/leaks.py) tell speech from silence and tone, and
covered words from exposed ones."""

from __future__ import annotations

import numpy as np
import pytest

from redactor.transcribe.transcript import Turn, Word

from audio_files import speech_like
from leaks import PiiSpan, audible_spans, speech_level_dbfs, surviving_words

RATE = 16000
SPAN = PiiSpan(type="PHONE_NUMBER", text="090", turn=0, start=1.0, end=2.0)


@pytest.fixture
def speech() -> np.ndarray:
    return speech_like(2, 3.0, RATE).astype(np.float64) / 32768


def test_speech_is_audible(speech):
    assert speech_level_dbfs(speech, RATE, 1.0, 2.0) > -30
    assert [s for s, _ in audible_spans(speech, RATE, [SPAN])] == [SPAN]


@pytest.mark.parametrize("fill", ["silence", "tone", "line noise"])
def test_silence_tone_and_line_noise_are_not(speech, fill):
    t = np.arange(RATE) / RATE
    speech[:, RATE:2 * RATE] = {"silence": 0.0, "tone": 0.1 * np.sin(2 * np.pi * 1000 * t),
                                "line noise": np.random.default_rng(1).normal(0, 10 ** (-62 / 20), RATE)}[fill]
    assert audible_spans(speech, RATE, [SPAN]) == []


def test_a_voice_under_a_tone_is_audible(speech):
    t = np.arange(RATE) / RATE
    speech[:, RATE:2 * RATE] = 0.2 * speech[:, RATE:2 * RATE] + 0.1 * np.sin(2 * np.pi * 1000 * t)
    assert audible_spans(speech, RATE, [SPAN]) != []


def test_one_channel_speaking_is_enough(speech):
    speech[0, RATE:2 * RATE] = 0.0
    assert audible_spans(speech, RATE, [SPAN]) != []


TURN = Turn(speaker="caller", start=0.5, end=2.5, text="番号は090の1234です", words=[
    Word(0.5, 0.9, "番号は", 0.9), Word(1.0, 1.3, "090", 0.9), Word(1.3, 1.5, "の", 0.9),
    Word(1.5, 1.95, "1234", 0.9), Word(1.95, 2.5, "です", 0.9)])


class F:
    def __init__(self, start: int, end: int, turn: int = 0) -> None:
        self.turn, self.start, self.end = turn, start, end


@pytest.mark.parametrize("findings, exposed", [
    ([F(3, 11)], []),                                   # the whole number
    ([F(3, 6)], ["の", "1234"]),                        # only its first group
    ([F(3, 6), F(7, 10)], ["の", "1234"]),             # a digit of the last group left
    ([F(3, 11, turn=1)], ["090", "の", "1234"]),       # a finding in another turn covers nothing here
    ([], ["090", "の", "1234"]),
])
def test_words_heard_over_a_span_must_be_covered(findings, exposed):
    leaks = surviving_words([TURN], findings, [SPAN])
    assert [word.word for _, word in leaks] == exposed  # "番号は" and "です" lie outside the span
