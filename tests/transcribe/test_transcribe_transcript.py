"""The transcript model and the merge of channel segments into turns (no model needed)."""

from __future__ import annotations

import json

import pytest

from redactor.transcribe import Transcript, TranscriptionOptions, Turn, Word
from redactor.transcribe.transcriber import _merge_turns, _Segment, _split_at_pauses, resolve_channels


def words(*spec):
    """words((0.0, 0.5, "はい"), ...) -> [Word]"""
    return [Word(start, end, text, 0.9) for start, end, text in spec]


def seg(speaker, *spec):
    return _Segment(speaker, words(*spec))


MERGE_CASES = [
    # (id, segments, expected [(speaker, text)])
    (
        "stereo interleaves by time",
        [
            seg("operator", (0.5, 1.0, " お電話"), (1.0, 1.5, "ありがとうございます")),
            seg("operator", (6.0, 6.5, "お名前を"), (6.5, 7.0, "どうぞ")),
            seg("caller", (2.0, 3.0, "もしもし")),
            seg("caller", (7.5, 8.0, "伊藤です")),
        ],
        [("operator", "お電話ありがとうございます"), ("caller", "もしもし"), ("operator", "お名前をどうぞ"), ("caller", "伊藤です")],
    ),
    (
        "same speaker segments merge with a space unless punctuated",
        [seg("caller", (0.0, 1.0, "はい")), seg("caller", (1.2, 2.0, "そうです。")), seg("caller", (2.1, 3.0, "以上"))],
        [("caller", "はい そうです。以上")],
    ),
    (
        "mono segments stay separate turns",
        [seg("unknown", (0.0, 1.0, "はい")), seg("unknown", (1.2, 2.0, "お願いします"))],
        [("unknown", "はい"), ("unknown", "お願いします")],
    ),
    ("whitespace-only text is dropped", [seg("caller", (0.0, 1.0, "  "))], []),
    ("leading blank words are stripped", [seg("caller", (0.0, 0.1, " "), (0.1, 0.5, " はい"))], [("caller", "はい")]),
    ("no segments, no turns", [], []),
]


@pytest.mark.parametrize("segments,expected", [c[1:] for c in MERGE_CASES], ids=[c[0] for c in MERGE_CASES])
def test_merge_turns(segments, expected):
    turns = _merge_turns(segments)
    assert [(t.speaker, t.text) for t in turns] == expected
    for turn in turns:
        assert turn.text == "".join(w.word for w in turn.words)
        assert turn.start == turn.words[0].start and turn.end == turn.words[-1].end


def test_merge_does_not_change_input_words():
    segment = seg("caller", (0.0, 1.0, " はい"))
    _merge_turns([segment])
    assert segment.words[0].word == " はい"


def test_split_at_pauses_cuts_long_gaps_only():
    parts = _split_at_pauses(words((0.0, 0.4, "か"), (0.5, 0.9, "しこまりました"), (6.0, 6.5, "はい")))
    assert ["".join(w.word for w in part) for part in parts] == ["かしこまりました", "はい"]


def test_transcript_round_trips_through_json():
    options = TranscriptionOptions(
        model="faster-whisper-base", device="cpu", compute_type="int8", cpu_threads=1, language="ja", beam_size=1,
        batch_size=0, vad_filter=True, vad_parameters={"min_silence_duration_ms": 500}, temperature=(0.0, 0.2),
        condition_on_previous_text=False, compression_ratio_threshold=2.4, log_prob_threshold=-1.0,
        no_speech_threshold=0.6, hallucination_silence_threshold=2.0,
    )
    transcript = Transcript(
        duration=3.0, language="ja", channels="stereo_operator_left",
        turns=[Turn.from_words("operator", words((0.1, 0.5, "はい")))], options=options,
    )
    data = json.loads(json.dumps(transcript.to_dict(), ensure_ascii=False))
    assert set(data) >= {"duration", "language", "turns", "options"}
    assert set(data["turns"][0]) == {"speaker", "start", "end", "text", "words"}
    assert set(data["turns"][0]["words"][0]) == {"start", "end", "word", "probability"}
    assert Transcript.from_dict(data) == transcript


@pytest.mark.parametrize(
    "requested,channel_count,expected",
    [(None, 2, "stereo_operator_left"), (None, 1, "mono"), (None, 6, "mono"), ("mono", 2, "mono"),
     ("stereo_operator_right", 2, "stereo_operator_right")],
)
def test_resolve_channels(requested, channel_count, expected):
    assert resolve_channels(requested, channel_count) == expected


def test_unknown_layout_lists_valid_ones():
    with pytest.raises(ValueError, match="stereo_operator_left"):
        resolve_channels("left", 2)


@pytest.mark.parametrize(
    "text,dropped",
    [
        ("ご視聴ありがとうございました", True),
        (" ご視聴ありがとうございました。", True),
        ("チャンネル登録よろしくお願いします!", True),
        ("ありがとうございました", False),  # callers do say this
        ("ご視聴ありがとうございました 伊藤です", False),  # real speech in the segment: keep it
    ],
)
def test_known_silence_hallucinations(text, dropped):
    from redactor.transcribe.transcriber import is_silence_hallucination

    assert is_silence_hallucination(text) is dropped


@pytest.mark.parametrize(
    "device,cpu_threads,concurrency,cores,expected",
    [("cpu", 1, 1, 2, 2), ("cpu", 1, 3, 2, 3), ("cpu", 2, 1, 2, 1), ("cpu", 0, 1, 16, 1), ("cuda", 1, 1, 16, 1),
     ("cuda", 1, 4, 16, 4)],
)
def test_decode_workers(monkeypatch, device, cpu_threads, concurrency, cores, expected):
    from redactor.transcribe import transcriber

    monkeypatch.setattr(transcriber.os, "cpu_count", lambda: cores)
    assert transcriber.decode_workers(device, cpu_threads, concurrency) == expected
