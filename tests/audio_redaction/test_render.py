"""render_redacted / scrub_raw_audio on synthetic recordings of every format telephony sends.

The bar: inside every range, only the tone (spectrum) or digital silence, in every channel;
outside, the audio is unchanged sample for sample; rate, layout and length are kept.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from redactor.audio_redaction import (
    AudioRedactionError,
    TimeRange,
    decode_pcm,
    render_redacted,
    scrub_raw_audio,
)

from audio_files import read_pcm, speech_like, write_audio, write_wav

RANGES = [
    TimeRange(0.3004, 0.9, ("PERSON",)),  # starts between two samples: rounded outwards
    TimeRange(1.5, 2.25, ("PHONE_NUMBER", "CREDIT_CARD")),
    TimeRange(2.9, 3.0, ("CARD_CVV",)),  # ends exactly at the end of the audio
]
SECONDS = 3.0
# name -> (container, codec, sample format given to the encoder, sample rate, channels)
FORMATS = {
    "wav_s16_stereo_8k": ("wav", "pcm_s16le", "s16", 8000, 2),
    "wav_mulaw_mono_8k": ("wav", "pcm_mulaw", "s16", 8000, 1),
    "wav_s24_mono_16k": ("wav", "pcm_s24le", "s32", 16000, 1),
    "flac_stereo_16k": ("flac", "flac", "s16", 16000, 2),
    "ogg_opus_mono_16k": ("ogg", "libopus", "s16", 16000, 1),
    "mp3_stereo_16k": ("mp3", "libmp3lame", "s16p", 16000, 2),
}
SUFFIX = {"wav": ".wav", "flac": ".flac", "ogg": ".ogg", "mp3": ".mp3"}
TONE_RMS = 10 ** (-20 / 20) * 32767 / math.sqrt(2)


LOSSLESS_16_BIT = ["flac_stereo_16k", "wav_s16_stereo_8k"]
LOSSY = ["mp3_stereo_16k", "ogg_opus_mono_16k"]


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audio")
    made = {}
    for name, (container, codec, fmt, rate, channels) in FORMATS.items():
        path = folder / f"{name}{SUFFIX[container]}"
        write_audio(path, speech_like(channels, SECONDS, rate), rate, container, codec, fmt)
        made[name] = (name, path, rate, channels)
    return made


@pytest.fixture(params=sorted(FORMATS))
def recording(request, recordings):
    return recordings[request.param]


def masks(n: int, rate: int, ranges=RANGES) -> list[tuple[int, int]]:
    return [(max(0, math.floor(r.start * rate)), min(n, math.ceil(r.end * rate))) for r in ranges]


def outside(n: int, bounds: list[tuple[int, int]]) -> np.ndarray:
    keep = np.ones(n, dtype=bool)
    for lo, hi in bounds:
        keep[lo:hi] = False
    return keep


def assert_tone(segment: np.ndarray, rate: int, scale: float = 1.0) -> None:
    """Energy of a range (fades excluded) is the 1 kHz tone at -20 dBFS, the same in every channel."""
    fade = int(0.005 * rate)
    core = segment[:, fade:-fade].astype(np.float64) / scale
    assert np.array_equal(segment[0], segment[-1]), "every channel carries the same fill"
    rms = np.sqrt(np.mean(core**2))
    assert rms == pytest.approx(TONE_RMS, rel=0.02)
    spectrum = np.abs(np.fft.rfft(core[0] * np.hanning(core.shape[1]))) ** 2
    freqs = np.fft.rfftfreq(core.shape[1], 1 / rate)
    near_1k = spectrum[np.abs(freqs - 1000) <= 30].sum()
    assert near_1k / spectrum.sum() > 0.999, "nothing but the tone in a redacted range"
    # the fades never exceed the tone's peak
    assert np.abs(segment.astype(np.float64) / scale).max() <= 10 ** (-20 / 20) * 32767 + 1


@pytest.mark.parametrize("fill", ["tone", "silence"])
def test_redacted_copy_replaces_only_the_ranges(recording, fill):
    name, path, rate, channels = recording
    info, original = decode_pcm(path)
    rendered = render_redacted(path, RANGES, fill=fill)
    assert (rendered.media_type, rendered.container, rendered.codec) == ("audio/flac", "flac", "flac")
    assert (rendered.sample_rate, rendered.channels) == (rate, channels)
    assert rendered.samples == original.shape[1]

    decoded, out_rate, out_layout, _ = read_pcm(io.BytesIO(rendered.data))
    scale = 1 << 16 if decoded.dtype == np.int32 else 1  # 24-bit in 32-bit samples
    assert (out_rate, out_layout) == (rate, {1: "mono", 2: "stereo"}[channels])
    assert decoded.shape == original.shape
    assert decoded.dtype == original.dtype

    bounds = masks(original.shape[1], rate)
    keep = outside(original.shape[1], bounds)
    np.testing.assert_array_equal(decoded[:, keep], original[:, keep])  # sample for sample
    for lo, hi in bounds:
        if fill == "silence":
            assert not decoded[:, lo:hi].any(), f"{name}: silence must be digital zero"
        else:
            assert_tone(decoded[:, lo:hi], rate, scale)


@pytest.mark.parametrize("name", LOSSLESS_16_BIT)
def test_rest_matches_an_independent_decoding_of_lossless_sources(recordings, name):
    # 16-bit lossless sources decode to the same integers in FFmpeg directly
    _, path, rate, channels = recordings[name]
    source, _, _, _ = read_pcm(str(path))
    decoded, _, _, _ = read_pcm(io.BytesIO(render_redacted(path, RANGES).data))
    keep = outside(source.shape[1], masks(source.shape[1], rate))
    np.testing.assert_array_equal(decoded[:, keep], source[:, keep])


@pytest.mark.parametrize("name", LOSSY)
def test_lossy_sources_come_back_at_the_recording_rate_and_aligned(recordings, name):
    _, path, rate, channels = recordings[name]
    info, pcm = decode_pcm(path)  # Opus decodes at 48 kHz; its header says the call was 16 kHz
    assert (info.sample_rate, info.channels) == (rate, channels)
    original = speech_like(channels, SECONDS, rate).astype(np.float64)
    n = int(0.9 * original.shape[1])
    assert abs(pcm.shape[1] - original.shape[1]) <= 0.05 * rate
    for channel in range(channels):
        assert np.corrcoef(original[channel, rate // 10 : n], pcm[channel, rate // 10 : n])[0, 1] > 0.95


KEEPS_FORMAT = {
    "wav_s16_stereo_8k": ("wav", "pcm_s16le"),
    "wav_mulaw_mono_8k": ("wav", "pcm_mulaw"),
    "wav_s24_mono_16k": ("wav", "pcm_s24le"),
    "flac_stereo_16k": ("flac", "flac"),
    "ogg_opus_mono_16k": ("flac", "flac"),  # lossy: never re-encoded lossily
    "mp3_stereo_16k": ("flac", "flac"),
}


def test_raw_scrub_keeps_lossless_formats_and_silences_every_channel(recording, tmp_path):
    name, path, rate, channels = recording
    card = [r for r in RANGES if {"CREDIT_CARD", "CARD_CVV"} & set(r.entity_types)]
    _, original = decode_pcm(path)
    target = tmp_path / f"scrubbed{SUFFIX[KEEPS_FORMAT[name][0]]}"
    scrubbed = scrub_raw_audio(path, card, output=target)
    assert scrubbed.data is None and scrubbed.path == target
    assert (scrubbed.container, scrubbed.codec) == KEEPS_FORMAT[name]
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name], "no temp file left behind"
    assert scrubbed.size == target.stat().st_size

    assert read_pcm(str(target))[3] == KEEPS_FORMAT[name][1]
    _, after = decode_pcm(target)
    bounds = masks(original.shape[1], rate, card)
    keep = outside(original.shape[1], bounds)
    np.testing.assert_array_equal(after[:, keep], original[:, keep])
    for lo, hi in bounds:
        assert not after[:, lo:hi].any()


def test_samples_in_memory(tmp_path):
    samples = speech_like(2, 1.0, 8000)
    rendered = render_redacted(samples, [TimeRange(0.25, 0.5)], fill="silence", sample_rate=8000)
    decoded, rate, layout, _ = read_pcm(io.BytesIO(rendered.data))
    assert (rate, layout, decoded.shape) == (8000, "stereo", samples.shape)
    assert not decoded[:, 2000:4000].any()
    np.testing.assert_array_equal(decoded[:, :2000], samples[:, :2000])
    np.testing.assert_array_equal(decoded[:, 4000:], samples[:, 4000:])
    floats = render_redacted(samples.astype(np.float32) / 32767, [], sample_rate=8000)
    assert np.abs(read_pcm(io.BytesIO(floats.data))[0].astype(int) - samples).max() <= 1


def test_a_range_to_the_end_and_a_range_past_the_end(tmp_path):
    samples = speech_like(1, 1.0, 8000)
    rendered = render_redacted(
        samples, [TimeRange(0.75, math.inf), TimeRange(5.0, 6.0)], fill="silence", sample_rate=8000
    )
    decoded = read_pcm(io.BytesIO(rendered.data))[0]
    assert decoded.shape == samples.shape
    assert not decoded[:, 6000:].any()
    np.testing.assert_array_equal(decoded[:, :6000], samples[:, :6000])


def test_no_ranges_is_an_identical_copy():
    samples = speech_like(2, 0.5, 16000)
    rendered = render_redacted(samples, [], sample_rate=16000)
    np.testing.assert_array_equal(read_pcm(io.BytesIO(rendered.data))[0], samples)


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "audio_unreadable"),
        (b"this is not audio at all, just text" * 20, "audio_unreadable"),
    ],
    ids=["zero bytes", "text"],
)
def test_unreadable_input_gets_a_typed_error(tmp_path, content, code):
    path = tmp_path / "upload.wav"
    path.write_bytes(content)
    with pytest.raises(AudioRedactionError) as info:
        render_redacted(path, RANGES)
    assert info.value.code == code


def test_audio_without_samples_is_refused(tmp_path):
    path = write_wav(tmp_path / "empty.wav", np.zeros(0), rate=8000)  # a valid WAV header and no samples
    with pytest.raises(AudioRedactionError) as info:
        render_redacted(path, RANGES, output=tmp_path / "out.flac")
    assert info.value.code == "audio_empty"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.wav"], "a failed render leaves nothing"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fill": "beep"}, "fill must be one of tone, silence"),
        ({"tone_dbfs": 3.0}, "tone_dbfs"),
        ({"sample_rate": None}, "sample_rate is required"),
    ],
)
def test_bad_options_are_refused(kwargs, message):
    args = {"sample_rate": 8000, **kwargs}
    with pytest.raises(ValueError, match=message):
        render_redacted(speech_like(1, 0.1, 8000), RANGES, **args)


def test_tone_fades_in_and_out_inside_the_range():
    rate, fade = 16000, 80  # 5 ms at 16 kHz
    zeros = np.zeros((1, rate), dtype=np.int16)
    rendered = render_redacted(zeros, [TimeRange(0.25, 0.75)], fill="tone", sample_rate=rate)
    out = read_pcm(io.BytesIO(rendered.data))[0][0].astype(np.float64)
    lo, hi = 4000, 12000
    assert not out[:lo].any() and not out[hi:].any(), "nothing changes outside the range"
    assert out[lo] == 0 and out[hi - 1] == 0, "the tone starts and ends at zero: no click"
    peak = 10 ** (-20 / 20) * 32767
    envelope = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
    assert np.all(np.abs(out[lo : lo + fade]) <= peak * envelope + 1)
    assert np.all(np.abs(out[hi - fade : hi][::-1]) <= peak * envelope + 1)
    assert np.abs(out[lo + fade : hi - fade]).max() == pytest.approx(peak, abs=2)
