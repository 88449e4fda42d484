"""Where each speaker's voice is: the decoded audio, in 10 ms frames, voiced or silent.

Whisper's word timestamps at 8 kHz are off by a mora or more, cut at word boundaries that are
not the voice's, and the end of a turn comes early. The audio itself says where a speaker's voice
starts and stops: in stereo each speaker has a channel of their own (the other one is silent
while they talk), in mono the mix says when anyone talks. `redaction_ranges` moves the edges of a
muted range to those boundaries (see its module docstring).

    voice = VoiceActivity.from_audio("call.wav", layout="stereo_operator_left")
    voice.onset("caller", 12.3, reach_s=0.25)   # where the voice around 12.3 s began, or None

A frame is voiced when its level is clearly above the channel's own floor (its quiet frames) and
within reach of its own speech level (its loud frames): the threshold follows each recording's
gain and line noise, so nothing here depends on absolute levels. Only levels are kept, never
samples; the object holds no audio.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from .codec import PcmReader

FRAME_S = 0.01
# A gap in the voice shorter than this is inside a word or between two words said together
# (a stop consonant's closure, a breath between digits); a longer one is a pause.
DEFAULT_MIN_PAUSE_S = 0.15
# Voiced: above the channel's floor (its 10th percentile frame) by this much ...
FLOOR_MARGIN_DB = 12.0
# ... and no further below its speech level (its 99th percentile frame) than this.
SPEECH_RANGE_DB = 35.0


@dataclass(frozen=True)
class VoiceActivity:
    """Per speaker, one bool per `frame_s` frame: does the speaker's channel carry a voice there.

    `tracks` is keyed by speaker: "operator" and "caller" for a stereo layout, "unknown" for mono
    (every speaker then reads the mix). Times before 0 or past the end read as silence.
    """

    tracks: Mapping[str, np.ndarray]
    frame_s: float = FRAME_S
    min_pause_s: float = DEFAULT_MIN_PAUSE_S
    _pause_frames: int = field(init=False, repr=False, compare=False)
    _anyone: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pause_frames", max(1, round(self.min_pause_s / self.frame_s)))
        tracks = [np.asarray(frames, dtype=bool) for frames in self.tracks.values()]
        length = max((len(frames) for frames in tracks), default=0)
        anyone = np.zeros(length, dtype=bool)
        for frames in tracks:
            anyone[:len(frames)] |= frames
        object.__setattr__(self, "_anyone", anyone)

    @classmethod
    def from_audio(cls, source: str | os.PathLike[str] | IO[bytes], layout: str,
                   min_pause_s: float = DEFAULT_MIN_PAUSE_S) -> "VoiceActivity":
        """Decode `source` (one pass, block by block) and find each speaker's voice.

        `layout` is the transcript's channel layout: "stereo_operator_left",
        "stereo_operator_right" (two channels needed) or "mono" (all channels mixed).
        Raises AudioRedactionError for audio that cannot be decoded, ValueError for a stereo
        layout on audio without two channels.
        """
        with PcmReader(source) as reader:
            info = reader.info
            levels = frame_levels(reader.blocks(), info.sample_rate, mix=layout == "mono")
        return cls.from_levels(levels, layout, min_pause_s=min_pause_s)

    @classmethod
    def from_levels(cls, levels: np.ndarray, layout: str, frame_s: float = FRAME_S,
                    min_pause_s: float = DEFAULT_MIN_PAUSE_S) -> "VoiceActivity":
        """From frame levels in dB shaped (channels, frames) (see `frame_levels`)."""
        levels = np.atleast_2d(np.asarray(levels, dtype=np.float64))
        if layout == "mono":
            names = ("unknown",)
            levels = levels[:1]
        elif layout in ("stereo_operator_left", "stereo_operator_right"):
            if levels.shape[0] < 2:
                raise ValueError(f"layout {layout!r} needs two channels, the audio has {levels.shape[0]}; "
                                 "use layout 'mono' for a one-channel recording")
            names = ("operator", "caller") if layout == "stereo_operator_left" else ("caller", "operator")
        else:
            raise ValueError(f"unknown channel layout {layout!r}; use mono, stereo_operator_left or "
                             "stereo_operator_right")
        tracks = {name: voiced_frames(channel) for name, channel in zip(names, levels)}
        return cls(tracks, frame_s=frame_s, min_pause_s=min_pause_s)

    def track(self, speaker: str) -> np.ndarray | None:
        """The speaker's frames: their own channel, or the mix in mono; None if unknown."""
        if speaker in self.tracks:
            return self.tracks[speaker]
        return self.tracks.get("unknown")

    def onset(self, speaker: str, t: float, reach_s: float) -> float | None:
        """Where the voice that is sounding at `t` began, if a pause precedes it within `reach_s`.

        None when `t` is silent, or when the voice goes back further than `reach_s` without a
        pause (continuous speech: the boundary there is a word boundary the audio cannot show).
        """
        frames = self.track(speaker)
        if frames is None or not self._voiced_near(frames, t):
            return None
        edge = self._run_edge(frames, self._index(t), -1, round(reach_s / self.frame_s))
        return None if edge is None else edge * self.frame_s

    def offset(self, speaker: str, t: float, reach_s: float) -> float | None:
        """Where the voice sounding at `t` stopped, if a pause follows it within `reach_s`."""
        frames = self.track(speaker)
        if frames is None or not self._voiced_near(frames, t):
            return None
        edge = self._run_edge(frames, self._index(t), 1, round(reach_s / self.frame_s))
        return None if edge is None else edge * self.frame_s

    def last_voice_before(self, speaker: str, t: float, reach_s: float) -> float | None:
        """When `t` is silent: where the speaker's voice stopped before it, within `reach_s`."""
        frames = self.track(speaker)
        if frames is None or self._voiced_near(frames, t):
            return None
        index = self._index(t)
        low = max(0, index - round(reach_s / self.frame_s))
        voiced = np.flatnonzero(frames[low:min(index, len(frames))])
        return None if len(voiced) == 0 else (low + int(voiced[-1]) + 1) * self.frame_s

    def voiced_parts(self, speaker: str, start: float, end: float, min_gap_s: float) -> list[tuple[float, float]]:
        """[start, end) without the speaker's silences of at least `min_gap_s`: the stretches where
        the speaker's voice sounds, shorter gaps kept in. The whole stretch when nothing of it is
        voiced or the speaker has no track (no evidence to cut by)."""
        frames = self.track(speaker)
        low, high = max(0, self._index(start)), self._index(end)
        voiced = np.flatnonzero(frames[low:high]) if frames is not None else np.zeros(0, dtype=int)
        if len(voiced) == 0:
            return [(start, end)]
        gaps = np.flatnonzero(np.diff(voiced) > round(min_gap_s / self.frame_s))
        firsts = np.concatenate([voiced[:1], voiced[gaps + 1]])
        lasts = np.concatenate([voiced[gaps], voiced[-1:]])
        parts = [((low + int(a)) * self.frame_s, (low + int(b) + 1) * self.frame_s) for a, b in zip(firsts, lasts)]
        if parts[0][0] - start < min_gap_s:
            parts[0] = (start, parts[0][1])
        if end - parts[-1][1] < min_gap_s:
            parts[-1] = (parts[-1][0], end)
        return parts

    def quiet_since(self, t: float, reach_s: float) -> float | None:
        """When nobody speaks just before `t`: where that shared silence began (the last voice on
        any channel), at most `reach_s` back; None when a voice sounds right before `t`. Past the end
        of the audio is silence."""
        index = self._index(t)
        if index <= 0 or (index <= len(self._anyone) and self._anyone[index - 1]):
            return None  # the start of the call, or somebody speaks right before t
        low = max(0, index - round(reach_s / self.frame_s))
        voiced = np.flatnonzero(self._anyone[low:index])  # past the end of the audio: silence
        return (low if len(voiced) == 0 else low + int(voiced[-1]) + 1) * self.frame_s

    def _index(self, t: float) -> int:
        return int(round(t / self.frame_s))

    def _voiced_near(self, frames: np.ndarray, t: float) -> bool:
        """Voiced at `t`, give or take a frame (times fall between frames)."""
        index = self._index(t)
        window = frames[max(0, index - 1):max(0, index + 2)]
        return bool(window.any())

    def _run_edge(self, frames: np.ndarray, index: int, step: int, reach: int) -> int | None:
        """The frame boundary where the voiced run through `index` ends going `step` (-1: back,
        1: on), gaps shorter than a pause bridged; None if no pause begins within `reach` frames.
        Before the start and past the end of the audio is silence."""
        pause, count = self._pause_frames, len(frames)
        frame = index - 1 if step < 0 else index
        first_silent, silent = 0, 0
        for _ in range(reach + pause):
            if 0 <= frame < count and frames[frame]:
                silent = 0
            else:
                if silent == 0:
                    if abs(frame - index) > reach:
                        return None  # still inside the voice at the limit: continuous speech
                    first_silent = frame
                silent += 1
                if silent >= pause:
                    return first_silent + 1 if step < 0 else first_silent
            frame += step
        return None


def frame_levels(blocks: Iterable[np.ndarray], sample_rate: int, frame_s: float = FRAME_S,
                 mix: bool = False) -> np.ndarray:
    """Level in dB (re 1, of the integer samples) of each `frame_s` frame, shaped (channels, frames);
    with `mix`, of the channels' mean (one row). Blocks are integer PCM (channels, n) in order."""
    hop = max(1, round(sample_rate * frame_s))
    rows: list[np.ndarray] = []
    carry: np.ndarray | None = None
    for block in blocks:
        samples = block.astype(np.float64)
        if mix:
            samples = samples.mean(axis=0, keepdims=True)
        if carry is not None:
            samples = np.concatenate([carry, samples], axis=1)
        whole = samples.shape[1] // hop * hop
        if whole:
            power = (samples[:, :whole].reshape(samples.shape[0], -1, hop) ** 2).mean(axis=2)
            rows.append(10 * np.log10(power + 1e-3))
        carry = samples[:, whole:]
    if carry is not None and carry.shape[1]:
        rows.append(10 * np.log10((carry ** 2).mean(axis=1, keepdims=True) + 1e-3))
    if not rows:
        return np.zeros((1, 0))
    return np.concatenate(rows, axis=1)


def voiced_frames(levels: np.ndarray) -> np.ndarray:
    """Which frames of one channel's levels (dB) carry a voice: relative to that channel's floor
    and speech level, so gain and line noise do not matter; a channel that never rises clearly
    above its floor (the other party never spoke on it) has no voiced frames."""
    if len(levels) == 0:
        return np.zeros(0, dtype=bool)
    floor, speech = np.percentile(levels, [10, 99])
    threshold = max(floor + FLOOR_MARGIN_DB, speech - SPEECH_RANGE_DB)
    return levels > threshold
