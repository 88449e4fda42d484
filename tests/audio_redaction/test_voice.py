"""VoiceActivity: where each speaker's voice is, from the decoded audio; and the ranges that follow it."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from redactor.audio_redaction import redaction_ranges
from redactor.audio_redaction.ranges import DEFAULT_PAUSE_REACH_S
from redactor.audio_redaction.voice import FRAME_S, VoiceActivity, frame_levels, voiced_frames
from redactor.pii import Finding
from redactor.transcribe import Turn, Word

QUIET_DB, VOICE_DB = 20.0, 70.0


def levels(duration: float, *channels: list[tuple[float, float]]) -> np.ndarray:
    """Frame levels (dB) of channels silent except over the given (start, end) seconds."""
    frames = round(duration / FRAME_S)
    out = np.full((len(channels), frames), QUIET_DB)
    for row, spans in enumerate(channels):
        for start, end in spans:
            out[row, round(start / FRAME_S):round(end / FRAME_S)] = VOICE_DB
    return out


def stereo(operator: list[tuple[float, float]], caller: list[tuple[float, float]], duration: float = 10.0):
    return VoiceActivity.from_levels(levels(duration, operator, caller), "stereo_operator_left")


# --- the voice's edges ----------------------------------------------------------------------
# caller: "はい本人です" 1.0-1.8, pause, "長谷川千尋といいます" 2.4-3.8 (a 0.08 s stop closure at 3.0)
CALLER = [(1.0, 1.8), (2.4, 3.0), (3.08, 3.8)]
VOICE = stereo([(4.2, 6.0)], CALLER)


@pytest.mark.parametrize("speaker, t, reach, expected", [
    ("caller", 2.9, 1.0, 2.4),   # back over the whole phrase to the pause before it
    ("caller", 3.3, 1.0, 2.4),   # a stop closure (< a pause) is bridged
    ("caller", 2.9, 0.3, None),  # the pause is further back than reach: continuous speech
    ("caller", 2.1, 1.0, None),  # silent at t: no voice to follow
    ("caller", 1.05, 0.3, 1.0),
    ("operator", 4.3, 0.3, 4.2),  # each speaker reads their own channel
    ("operator", 2.9, 1.0, None),
    ("nobody", 2.9, 1.0, None),
], ids=["to the pause", "across a closure", "beyond reach", "silent", "phrase start", "operator channel",
        "other channel silent", "unknown speaker"])
def test_onset(speaker, t, reach, expected):
    got = VOICE.onset(speaker, t, reach)
    assert got == pytest.approx(expected) if expected else got is None


@pytest.mark.parametrize("t, reach, expected", [
    (3.6, 0.3, 3.8), (2.8, 0.3, None), (2.8, 1.1, 3.8), (1.7, 0.3, 1.8), (2.1, 0.3, None),
], ids=["to the pause", "beyond reach", "across a closure", "phrase end", "silent"])
def test_offset(t, reach, expected):
    got = VOICE.offset("caller", t, reach)
    assert got == pytest.approx(expected) if expected else got is None


@pytest.mark.parametrize("t, reach, expected", [
    (4.3, 1.0, 3.8), (4.3, 0.3, None), (3.5, 1.0, None), (2.2, 1.0, 1.8),
], ids=["back to the voice's end", "voice further back than reach", "voiced at t", "in a pause"])
def test_last_voice_before(t, reach, expected):
    got = VOICE.last_voice_before("caller", t, reach)
    assert got == pytest.approx(expected) if expected else got is None


# the operator says "はい" (1.9-2.3) during the caller's pause
BACKCHANNEL = stereo([(1.9, 2.3), (4.2, 6.0)], CALLER)


@pytest.mark.parametrize("voice, t, reach, expected", [
    (VOICE, 2.4, 1.0, 1.8),         # back to where the caller's voice stopped
    (VOICE, 2.4, 0.2, 2.2),         # no further than reach: the rest of the pause stays
    (VOICE, 2.3, 1.0, 1.8),         # from inside the pause
    (VOICE, 2.5, 1.0, None),        # a voice sounds right before t
    (BACKCHANNEL, 2.4, 1.0, 2.3),   # the other channel's voice ends the shared silence
    (BACKCHANNEL, 2.1, 1.0, None),  # the operator speaks right before t
    (VOICE, 0.0, 1.0, None),        # nothing before the start of the call
    (VOICE, 12.0, 0.5, 11.5),       # past the end of the audio is silence
], ids=["to the last voice", "within reach", "inside the pause", "voiced before", "other channel",
        "other channel speaking", "call start", "past the end"])
def test_quiet_since(voice, t, reach, expected):
    got = voice.quiet_since(t, reach)
    assert got == pytest.approx(expected) if expected else got is None


def test_mono_reads_the_mix_for_every_speaker():
    mono = VoiceActivity.from_levels(levels(5.0, [(1.0, 2.0)]), "mono")
    assert mono.onset("unknown", 1.5, 1.0) == pytest.approx(1.0)
    assert mono.onset("caller", 1.5, 1.0) == pytest.approx(1.0)


def test_stereo_layouts_name_the_channels():
    right = VoiceActivity.from_levels(levels(5.0, [(1.0, 2.0)], []), "stereo_operator_right")
    assert right.onset("caller", 1.5, 1.0) == pytest.approx(1.0)
    assert right.onset("operator", 1.5, 1.0) is None


@pytest.mark.parametrize("layout, rows", [("stereo_operator_left", 1), ("surround", 2)])
def test_bad_layouts_say_what_to_use(layout, rows):
    with pytest.raises(ValueError, match="mono"):
        VoiceActivity.from_levels(levels(1.0, *[[]] * rows), layout)


def test_voiced_frames_follow_the_channels_own_levels():
    # the same call 30 dB quieter over line noise: the same frames are voiced
    loud = levels(6.0, CALLER)[0]
    quiet = np.maximum(loud - 30.0, 25.0) + np.random.default_rng(0).normal(0, 1.0, loud.shape)
    assert (voiced_frames(loud) == voiced_frames(quiet)).all()
    assert not voiced_frames(np.full(500, QUIET_DB)).any()  # a channel nobody spoke on


def test_frame_levels_do_not_depend_on_block_boundaries():
    rng = np.random.default_rng(1)
    samples = rng.integers(-3000, 3000, size=(2, 8000 * 3 + 37)).astype(np.int16)
    whole = frame_levels([samples], 8000)
    split = frame_levels([samples[:, :1001], samples[:, 1001:5003], samples[:, 5003:]], 8000)
    assert whole.shape == split.shape == (2, 301)
    assert np.allclose(whole, split)
    assert frame_levels([samples], 8000, mix=True).shape == (1, 301)


def wav_bytes(left: np.ndarray, right: np.ndarray, rate: int = 8000) -> io.BytesIO:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.stack([left, right], axis=1).astype(np.int16).tobytes())
    buffer.seek(0)
    return buffer


def test_from_audio_decodes_each_speakers_channel():
    rate = 8000
    t = np.arange(rate * 4) / rate
    tone = (8000 * np.sin(2 * np.pi * 300 * t)).astype(np.int16)
    left, right = np.zeros_like(tone), np.zeros_like(tone)
    left[int(0.5 * rate):int(1.5 * rate)] = tone[int(0.5 * rate):int(1.5 * rate)]
    right[int(2.0 * rate):int(3.2 * rate)] = tone[int(2.0 * rate):int(3.2 * rate)]
    voice = VoiceActivity.from_audio(wav_bytes(left, right), layout="stereo_operator_left")
    assert voice.onset("operator", 1.0, 1.0) == pytest.approx(0.5)
    assert voice.offset("caller", 2.5, 1.0) == pytest.approx(3.2)
    assert voice.onset("caller", 1.0, 1.0) is None


# --- ranges that follow the voice: dialogue table ----------------------------------------------
# The caller's turn as Whisper heard it, with times a mora or two off the voice (CALLER above):
#   "はい" 1.0-1.3, "本人です。" 1.3-1.75, "貼成がまち" 2.3-2.95, "広" 2.95-3.15, "と" 3.15-3.3,
#   "言います。" 3.3-3.65
WORDS = [("はい", 1.0, 1.3), ("本人です。", 1.3, 1.75), ("貼成がまち", 2.3, 2.95), ("広", 2.95, 3.15),
         ("と", 3.15, 3.3), ("言います。", 3.3, 3.65)]
TURN = Turn("caller", 1.0, 3.65, "".join(w for w, _, _ in WORDS),
            [Word(start=s, end=e, word=w, probability=0.5) for w, s, e in WORDS])
OFFSETS = {}
_position = 0
for _word, _, _ in WORDS:
    OFFSETS[_word] = (_position, _position + len(_word))
    _position += len(_word)


def finding(entity: str, first: str, last: str | None = None, **seconds) -> Finding:
    return Finding(entity, 0, OFFSETS[first][0], OFFSETS[last or first][1], 0.9, **seconds)


FOLLOW_CASES = [
    # (what, finding, expected (start, end) without padding)
    ("a name's start follows the voice back to the pause before it (its head garbled), "
     "and takes pause_reach_s of that silence (a soft onset)",
     finding("PERSON", "広"), (2.4 - DEFAULT_PAUSE_REACH_S, 3.15)),
    ("other types move a start only a couple of morae: continuous speech keeps Whisper's time",
     finding("PHONE_NUMBER", "広"), (2.95, 3.15)),
    ("an end inside the voice moves on to the pause right after it",
     finding("PHONE_NUMBER", "言います。"), (3.3, 3.8)),
    ("the end of a finding by time in silence moves back to where the voice stopped",
     finding("PERSON", "本人です。", start_s=1.3, end_s=2.3), (1.0 - DEFAULT_PAUSE_REACH_S, 1.8)),
    ("a start in silence stays (a soft onset may not register)",
     finding("PHONE_NUMBER", "貼成がまち"), (2.3, 2.95)),
    ("a name's start in silence takes pause_reach_s more of it",
     finding("PERSON", "貼成がまち"), (2.3 - DEFAULT_PAUSE_REACH_S, 2.95)),
]


@pytest.mark.parametrize("found, expected", [c[1:] for c in FOLLOW_CASES], ids=[c[0] for c in FOLLOW_CASES])
def test_ranges_follow_the_speakers_voice(found, expected):
    ranges = redaction_ranges([TURN], [found], 0.0, duration=10.0, voice=VOICE)
    assert [(round(r.start, 6), round(r.end, 6)) for r in ranges] == [pytest.approx(expected)]


def test_without_voice_the_words_times_stand():
    ranges = redaction_ranges([TURN], [finding("PERSON", "広")], 0.0, duration=10.0)
    assert [(r.start, r.end) for r in ranges] == [(2.95, 3.15)]


def test_silent_channel_leaves_the_words_times():
    # the caller's channel never carries a voice (e.g. the layout is wrong): nothing moves
    silent = stereo([(0.0, 10.0)], [], duration=12.0)
    ranges = redaction_ranges([TURN], [finding("PERSON", "広")], 0.0, duration=10.0, voice=silent)
    assert [(r.start, r.end) for r in ranges] == [(2.95, 3.15)]


def test_a_words_own_end_in_silence_stays_the_time_added_after_it_goes():
    # Whisper ends 「です」 at 2.1 s, in the pause after the voice (1.0-1.8): a soft ending may be
    # there, so the word's end stands; the same end as a finding by time's added time is cut back
    turn = Turn("caller", 1.0, 2.1, "はいです", [Word(1.0, 1.4, "はい", 0.9), Word(1.4, 2.1, "です", 0.9)])
    by_words = redaction_ranges([turn], [Finding("PERSON", 0, 2, 4, 0.9)], 0.0, duration=10.0, voice=VOICE)
    by_time = redaction_ranges([turn], [Finding("PERSON", 0, 2, 4, 0.9, start_s=1.4, end_s=2.3)], 0.0,
                               duration=10.0, voice=VOICE)
    start = 1.0 - DEFAULT_PAUSE_REACH_S  # a name's start takes some of the silence before it
    assert [(r.start, r.end) for r in by_words] == [pytest.approx((start, 2.1))]
    assert [(r.start, r.end) for r in by_time] == [pytest.approx((start, 2.1))]  # its words still reach 2.1
    only_time = redaction_ranges([turn], [Finding("PERSON", 0, 0, 2, 0.9, start_s=1.0, end_s=2.3)], 0.0,
                                 duration=10.0, voice=VOICE)
    assert [(r.start, r.end) for r in only_time] == [pytest.approx((start, 1.8))]


# --- a finding widened to its turn keeps to the speaker's voice -------------------------------
# The operator's turn as Whisper returned it: 「はい」 then one word stretched over 8 s (it lost track
# of the audio) while the caller answered on the other channel (3.0-5.0).
RUN_ON = Turn("operator", 0.5, 9.0, "はい学", [Word(0.5, 1.0, "はい", 0.9), Word(1.0, 9.0, "学", 0.1)])
RUN_ON_VOICE = stereo([(0.5, 2.0), (6.0, 8.8)], [(3.0, 5.0)])


@pytest.mark.parametrize("speaker, start, end, gap, expected", [
    ("operator", 0.5, 9.0, 1.0, [(0.5, 2.0), (6.0, 9.0)]),  # the 4 s gap goes; a short tail stays
    ("operator", 0.5, 9.0, 5.0, [(0.5, 9.0)]),              # no gap that long
    ("operator", 0.0, 9.0, 0.15, [(0.5, 2.0), (6.0, 8.8)]),  # leading and trailing silences that long go too
    ("caller", 6.0, 9.0, 1.0, [(6.0, 9.0)]),                # nothing voiced: no evidence, kept whole
    ("nobody", 0.5, 9.0, 1.0, [(0.5, 9.0)]),
], ids=["gap cut", "gaps shorter", "edge silences", "silent channel", "unknown speaker"])
def test_voiced_parts(speaker, start, end, gap, expected):
    assert RUN_ON_VOICE.voiced_parts(speaker, start, end, gap) == [pytest.approx(p) for p in expected]


def test_a_turn_widened_for_bad_timing_leaves_the_other_partys_reply_audible():
    found = Finding("PHONE_NUMBER", 0, 2, 3, 0.9)  # 「学」: one character timed over 8 s
    ranges = redaction_ranges([RUN_ON], [found], 0.0, duration=10.0, voice=RUN_ON_VOICE)
    assert [(r.start, r.end, r.widened) for r in ranges] == [
        (pytest.approx(0.5), pytest.approx(2.0), True), (pytest.approx(6.0), pytest.approx(9.0), True)]
    without_voice = redaction_ranges([RUN_ON], [found], 0.0, duration=10.0)
    assert [(r.start, r.end) for r in without_voice] == [(0.5, 9.0)]
