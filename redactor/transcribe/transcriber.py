"""Transcriber: recording -> Transcript, with faster-whisper on a local CTranslate2 model.

Load once per process (`Transcriber.from_settings`), then call `transcribe()` from any thread:
the CTranslate2 model runs `num_workers` decodes in parallel and the Transcriber holds no
mutable state. faster-whisper is imported here, never by `redactor.transcribe` itself, so the
API can probe uploads without loading CTranslate2.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from redactor.transcribe.audio import decode_audio, probe_audio
from redactor.transcribe.errors import ChannelLayoutError, ModelError
from redactor.transcribe.model_store import bundled_spec_for, check_model_dir, verify_model_dir
from redactor.transcribe.transcript import (
    CHANNEL_LAYOUTS,
    Speaker,
    Transcript,
    TranscriptionOptions,
    Turn,
    Word,
)

logger = logging.getLogger(__name__)

SAMPLING_RATE = 16000
# Whisper falls back to higher temperatures when a decode loops (compression ratio) or is
# unlikely (log prob); temperature 0 alone loops on quiet audio and copies PII around.
TEMPERATURE_FALLBACK = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
VAD_PARAMETERS = {"min_silence_duration_ms": 500, "speech_pad_ms": 400}
# A pause this long (seconds) between two words ends an utterance.
UTTERANCE_PAUSE_S = 0.5
# Text Whisper is known to invent in silence (Japanese video subtitles in its training data);
# never said by anyone on a service call, so a segment that is only this is dropped.
SILENCE_HALLUCINATIONS = frozenset(
    {
        "ご視聴ありがとうございました",
        "ご視聴いただきありがとうございました",
        "最後までご視聴いただきありがとうございました",
        "チャンネル登録よろしくお願いします",
        "チャンネル登録お願いします",
    }
)
_PUNCTUATION = re.compile(r"[\s、。，．,.!?！？「」『』()（）・…]+")
ProgressCallback = Callable[[float, float], None]


@dataclass(frozen=True)
class _Segment:
    speaker: Speaker
    words: list[Word]


def is_silence_hallucination(text: str) -> bool:
    """True for a segment that is only one of Whisper's known inventions for silent audio."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text)) in SILENCE_HALLUCINATIONS


def resolve_channels(channels: str | None, channel_count: int) -> str:
    """The layout to use: `channels` validated, or by default operator-left for 2-channel files."""
    if channels is None:
        return "stereo_operator_left" if channel_count == 2 else "mono"
    if channels not in CHANNEL_LAYOUTS:
        raise ChannelLayoutError(f"unknown channel layout {channels!r}; use one of: {', '.join(CHANNEL_LAYOUTS)}")
    return channels


def decode_workers(device: str, cpu_threads: int, worker_concurrency: int) -> int:
    """CTranslate2 workers: on CPU one per core at `cpu_threads` threads each (and at least one
    per call processed at once); on a GPU, or with cpu_threads=0 (CTranslate2 uses every core
    in one worker), one per call processed at once, since each worker holds a model replica."""
    if device != "cpu" or cpu_threads <= 0:
        return max(1, worker_concurrency)
    return max(1, worker_concurrency, (os.cpu_count() or 1) // cpu_threads)


class _ProgressTracker:
    """Sums the progress of the channels (decoded in parallel threads) for one callback."""

    def __init__(self, callback: ProgressCallback | None, tracks: int, duration: float):
        self._callback = callback
        self._done = [0.0] * tracks
        self._total = duration * tracks
        self._lock = threading.Lock()

    def update(self, index: int, seconds: float) -> None:
        if self._callback is None:
            return
        with self._lock:
            self._done[index] = max(self._done[index], min(seconds, self._total / len(self._done)))
            done = sum(self._done)
        self._callback(done, self._total)


class Transcriber:
    """A loaded Whisper model plus the options every transcript records."""

    def __init__(self, model, options: TranscriptionOptions, num_workers: int = 1):
        self._model = model
        self.options = options
        self.num_workers = num_workers
        self._batched = None
        if options.batch_size > 0:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(model)

    @classmethod
    def from_settings(cls, settings=None, **overrides) -> "Transcriber":
        """Load the model named by `settings` (default: `get_settings()`), once.

        `overrides` replace TranscriptionOptions fields that Settings does not expose (e.g.
        `temperature` for an experiment). Raises ModelNotInstalledError when the model directory
        is missing or incomplete, ModelChecksumError when the bundled model does not match its
        pinned sha256, and ModelError when CTranslate2 cannot load it (device, compute type).
        """
        if settings is None:
            from redactor.config import get_settings

            settings = get_settings()
        model_dir = settings.whisper_model_dir
        check_model_dir(model_dir)
        spec = bundled_spec_for(model_dir)
        if spec is not None:
            verify_model_dir(spec, model_dir)  # never load a damaged bundled model silently
        options = TranscriptionOptions(
            model=os.path.basename(os.path.normpath(model_dir)),
            device=settings.whisper_device,
            compute_type=settings.whisper_compute_type,
            cpu_threads=settings.whisper_cpu_threads,
            language="ja",
            beam_size=settings.whisper_beam_size,
            batch_size=settings.whisper_batch_size,
            vad_filter=settings.whisper_vad_filter,
            vad_parameters=dict(VAD_PARAMETERS),
            temperature=TEMPERATURE_FALLBACK,
            condition_on_previous_text=False,  # a loop or a misheard name must not seed the next window
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            hallucination_silence_threshold=2.0,
            max_audio_seconds=settings.max_audio_seconds,
        )
        options = replace(options, **overrides)
        num_workers = decode_workers(options.device, options.cpu_threads, settings.worker_concurrency)
        from faster_whisper import WhisperModel

        try:
            model = WhisperModel(
                str(model_dir),
                device=options.device,
                compute_type=options.compute_type,
                cpu_threads=options.cpu_threads,
                num_workers=num_workers,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"cannot load the Whisper model in {model_dir} ({exc}); check "
                "REDACTOR_WHISPER_MODEL_DIR / _DEVICE / _COMPUTE_TYPE"
            ) from exc
        return cls(model, options, num_workers)

    def transcribe(
        self, path, channels: str | None = None, progress: ProgressCallback | None = None
    ) -> Transcript:
        """Transcribe the recording at `path` into speaker-attributed turns.

        `channels`: "mono" (all channels mixed, speaker "unknown"), "stereo_operator_left" or
        "stereo_operator_right" (each channel transcribed alone, VAD forced on, then merged by
        time); None picks operator-left for a 2-channel file and mono otherwise.
        `progress(done_seconds, total_seconds)` is called as segments complete (from a decode
        thread when the channels run in parallel).
        Raises the AudioError subclasses of probe_audio/decode_audio; ChannelLayoutError (also a
        ValueError) for an unknown layout or a stereo layout on a file without two channels.
        """
        limit = self.options.max_audio_seconds
        info = probe_audio(path, max_seconds=limit)
        layout = resolve_channels(channels, info.channels)
        if layout == "mono":
            audio = decode_audio(path, SAMPLING_RATE, max_seconds=limit)
            tracks = [("unknown", audio)]
        else:
            left, right = decode_audio(path, SAMPLING_RATE, split_stereo=True, max_seconds=limit)
            operator_left = layout == "stereo_operator_left"
            tracks = [("operator", left if operator_left else right), ("caller", right if operator_left else left)]
            audio = left
        duration = round(len(audio) / SAMPLING_RATE, 3)
        tracker = _ProgressTracker(progress, len(tracks), duration)
        force_vad = layout != "mono"

        def run_track(index: int) -> list[_Segment]:
            speaker, samples = tracks[index]
            return self._transcribe_track(samples, speaker, force_vad, lambda done: tracker.update(index, done))

        if len(tracks) > 1 and self.num_workers > 1:
            # The two channels are independent decodes: CTranslate2 runs them on two workers.
            with ThreadPoolExecutor(max_workers=len(tracks), thread_name_prefix="whisper-channel") as pool:
                results = list(pool.map(run_track, range(len(tracks))))
        else:
            results = [run_track(index) for index in range(len(tracks))]
        segments = [segment for result in results for segment in result]
        for index in range(len(tracks)):
            tracker.update(index, duration)
        return Transcript(
            duration=duration,
            language=self.options.language,
            channels=layout,
            turns=_merge_turns(segments),
            options=replace(self.options, vad_filter=self.options.vad_filter or layout != "mono"),
        )

    def _transcribe_track(self, samples: np.ndarray, speaker: Speaker, force_vad: bool, report) -> list[_Segment]:
        opts = self.options
        # Each channel of a stereo call is half silence (the other party talks): without VAD
        # Whisper invents text there.
        vad = opts.vad_filter or force_vad
        common = dict(
            language=opts.language,
            task="transcribe",
            beam_size=opts.beam_size,
            word_timestamps=True,
            condition_on_previous_text=opts.condition_on_previous_text,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            log_prob_threshold=opts.log_prob_threshold,
            no_speech_threshold=opts.no_speech_threshold,
            vad_filter=vad,
            vad_parameters=dict(opts.vad_parameters) if vad else None,
        )
        if self._batched is not None:
            clips = None if vad else _fixed_clips(len(samples))
            iterator, _ = self._batched.transcribe(
                samples, batch_size=opts.batch_size, temperature=list(opts.temperature),
                clip_timestamps=clips, **common,
            )
        else:
            iterator, _ = self._model.transcribe(
                samples, temperature=list(opts.temperature),
                hallucination_silence_threshold=opts.hallucination_silence_threshold, **common,
            )
        segments = []
        dropped = 0
        for segment in iterator:
            report(segment.end)
            if is_silence_hallucination(segment.text):
                dropped += 1
                continue
            words = [
                Word(_seconds(w.start), _seconds(w.end), w.word, round(float(w.probability), 4))
                for w in segment.words or []
            ]
            if not words and segment.text.strip():
                words = [Word(_seconds(segment.start), _seconds(segment.end), segment.text, 0.0)]
            segments += [_Segment(speaker, part) for part in _split_at_pauses(words)]
        if dropped:
            logger.info("dropped %d segment(s) of known silence hallucination", dropped)
        return segments


def _split_at_pauses(words: list[Word]) -> list[list[Word]]:
    """Cut a segment's words where the speaker pauses.

    With VAD, faster-whisper decodes the speech of one channel with the silences cut out, so a
    single segment can span two utterances between which the other party spoke; cutting at
    pauses lets the merge interleave the two channels correctly.
    """
    parts: list[list[Word]] = []
    for word in words:
        if parts and word.start - parts[-1][-1].end < UTTERANCE_PAUSE_S:
            parts[-1].append(word)
        else:
            parts.append([word])
    return parts


def _seconds(value) -> float:
    # faster-whisper hands out numpy floats; a Transcript holds plain Python floats.
    return round(float(value), 3)


def _fixed_clips(length: int) -> list[dict]:
    """30 s windows for the batched pipeline when VAD is off (it needs clip timestamps)."""
    step = 30 * SAMPLING_RATE
    return [{"start": s / SAMPLING_RATE, "end": min(length, s + step) / SAMPLING_RATE} for s in range(0, length, step)]


def _merge_turns(segments: list[_Segment]) -> list[Turn]:
    """Order segments by time and merge neighbours of the same known speaker into turns.

    Mono segments (speaker "unknown") stay separate: two unknown segments may be two people.
    Words are copied, with the first word of a turn stripped of leading whitespace and a space
    put between merged segments, so that `turn.text == "".join(words)` still holds.
    """
    turns: list[Turn] = []
    current: list[Word] = []
    current_speaker: Speaker | None = None
    for segment in sorted(segments, key=lambda s: (s.words[0].start, s.speaker)):
        words = [replace(w) for w in segment.words]
        if current and segment.speaker == current_speaker and segment.speaker != "unknown":
            if not current[-1].word.endswith((" ", "。", "、", "？", "?", "！", "!")):
                words[0].word = " " + words[0].word.lstrip()
            current.extend(words)
            continue
        if current:
            turns.append(Turn.from_words(current_speaker, current))
        for word in words:  # a turn starts with its first visible character
            word.word = word.word.lstrip()
            if word.word:
                break
        current, current_speaker = words, segment.speaker
    if current:
        turns.append(Turn.from_words(current_speaker, current))
    return [turn for turn in turns if turn.text.strip()]
