"""probe_audio / decode_audio on what telephony sends, and typed errors on what it should not."""

from __future__ import annotations

import os

import numpy as np
import pytest

from redactor.transcribe import (
    AudioError,
    ChannelLayoutError,
    EmptyAudioError,
    TruncatedAudioError,
    UnreadableAudioError,
    decode_audio,
    probe_audio,
)

from audio_files import pcm16, resample, write_audio, write_wav

from .conftest import SAMPLE_DIR

EXCERPT_S = 10.0

FORMATS = [
    # (id, codec, container, sample rate, channels, file name)
    ("wav-pcm16-16k", "pcm_s16le", "wav", 16000, 1, "a.wav"),
    ("wav-mulaw-8k", "pcm_mulaw", "wav", 8000, 1, "a.wav"),
    ("wav-alaw-8k", "pcm_alaw", "wav", 8000, 1, "a.wav"),
    ("wav-pcm16-8k-stereo", "pcm_s16le", "wav", 8000, 2, "a.wav"),
    ("flac-16k", "flac", "flac", 16000, 1, "a.flac"),
    ("mp3-16k", "libmp3lame", "mp3", 16000, 1, "a.mp3"),
    ("ogg-opus-16k-stereo", "libopus", "ogg", 16000, 2, "a.ogg"),
    ("m4a-aac-16k", "aac", "ipod", 16000, 1, "a.m4a"),
]


@pytest.fixture(scope="module")
def excerpt(call_samples) -> np.ndarray:
    return call_samples[: int(EXCERPT_S * 16000)]


@pytest.mark.parametrize("codec,container,rate,channels,name", [f[1:] for f in FORMATS], ids=[f[0] for f in FORMATS])
def test_telephony_formats_probe_and_decode(tmp_path, excerpt, codec, container, rate, channels, name):
    samples = resample(excerpt, rate) if rate != 16000 else excerpt
    if channels == 2:
        samples = np.stack([samples, np.zeros_like(samples)], axis=1)  # speech left, silence right
    path = write_audio(tmp_path / name, pcm16(samples, channels), rate, container, codec)

    info = probe_audio(path)
    assert info.channels == channels
    assert info.duration == pytest.approx(EXCERPT_S, abs=0.15)  # MP3/AAC add encoder padding

    if channels == 2:
        left, right = decode_audio(path, split_stereo=True)
        assert len(left) == len(right) == pytest.approx(EXCERPT_S * 16000, abs=0.15 * 16000)
        assert np.abs(left).max() > 0.1 and np.abs(right).max() < 0.01
    else:
        mono = decode_audio(path)
        assert mono.dtype == np.float32
        assert len(mono) == pytest.approx(EXCERPT_S * 16000, abs=0.15 * 16000)
        assert np.abs(mono).max() > 0.1


@pytest.mark.parametrize("call_file", sorted(p.name for p in SAMPLE_DIR.glob("call*") if p.suffix != ".json"))
def test_committed_samples_probe(sample_calls, call_file):
    call = next(c for c in sample_calls if c["file"] == call_file)
    info = probe_audio(call["path"])
    assert info.channels == (2 if call["channels"].startswith("stereo") else 1)
    assert info.duration == pytest.approx(call["duration"], abs=0.1)


def _cut(source, fraction):
    def build(tmp_path, _samples):
        data = source.read_bytes() if hasattr(source, "read_bytes") else source(tmp_path, _samples).read_bytes()
        path = tmp_path / f"cut{os.path.splitext(str(source))[1] if hasattr(source, 'read_bytes') else '.flac'}"
        path.write_bytes(data[: int(len(data) * fraction)])
        return path

    return build


def _flac(tmp_path, samples):
    return write_audio(tmp_path / "full.flac", pcm16(samples), 16000, "flac", "flac")


def _write(name, data: bytes):
    def build(tmp_path, _samples):
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    return build


def _header_only_wav(tmp_path, _samples):
    return write_wav(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32))


def _damaged_flac_header(tmp_path, samples):
    data = bytearray(_flac(tmp_path, samples).read_bytes())
    data[:200] = bytes(200)
    (tmp_path / "damaged.flac").write_bytes(bytes(data))
    return tmp_path / "damaged.flac"


def _video_without_audio(tmp_path, _samples):
    import av

    path = tmp_path / "video.mp4"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), dtype=np.uint8), format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


BAD_INPUTS = [
    # (id, builder(tmp_path, samples) -> path, error class, code)
    ("zero-length", _write("zero.wav", b""), EmptyAudioError, "audio_empty"),
    ("wav-header-without-samples", _header_only_wav, EmptyAudioError, "audio_empty"),
    ("text-file", _write("notes.wav", "これは音声ではありません\n".encode() * 40), UnreadableAudioError, "audio_unreadable"),
    ("json-file", _write("meta.ogg", b'{"consent": "granted"}'), UnreadableAudioError, "audio_unreadable"),
    ("random-bytes", _write("noise.mp3", np.random.default_rng(7).bytes(8000)), UnreadableAudioError, "audio_unreadable"),
    ("png-image", _write("image.wav", b"\x89PNG\r\n\x1a\n" + bytes(2000)), UnreadableAudioError, "audio_unreadable"),
    ("video-without-audio", _video_without_audio, UnreadableAudioError, "audio_unreadable"),
    ("wav-truncated", _cut(SAMPLE_DIR / "call04_mono_8k_mulaw.wav", 0.5), TruncatedAudioError, "audio_truncated"),
    ("ogg-truncated", _cut(SAMPLE_DIR / "call01_stereo_operator_left.ogg", 0.5), TruncatedAudioError, "audio_truncated"),
    ("ogg-first-page-only", _cut(SAMPLE_DIR / "call01_stereo_operator_left.ogg", 0.005), UnreadableAudioError, "audio_unreadable"),
    ("flac-truncated", _cut(_flac, 0.5), TruncatedAudioError, "audio_truncated"),
    ("flac-damaged-header", _damaged_flac_header, UnreadableAudioError, "audio_unreadable"),
]


@pytest.mark.parametrize("build,error,code", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_typed_error(tmp_path, excerpt, build, error, code):
    path = build(tmp_path, excerpt)
    with pytest.raises(error) as raised:
        probe_audio(path)
    assert raised.value.code == code
    assert isinstance(raised.value, AudioError)
    assert str(path) in str(raised.value)  # names the bad file, so an operator can find it


# Files with no usable audio at all; damaged or cut files still decode (probe_audio refuses them
# first), because a glitch inside a long call should not lose the rest of it.
NOTHING_TO_DECODE = [b for b in BAD_INPUTS if b[2] is not TruncatedAudioError and b[0] != "flac-damaged-header"]


@pytest.mark.parametrize("build,error", [b[1:3] for b in NOTHING_TO_DECODE], ids=[b[0] for b in NOTHING_TO_DECODE])
def test_decode_raises_typed_error_too(tmp_path, excerpt, build, error):
    path = build(tmp_path, excerpt)
    with pytest.raises(error):
        decode_audio(path)


def test_stereo_split_of_mono_file_is_a_layout_error(tmp_path, excerpt):
    path = write_wav(tmp_path / "mono.wav", excerpt)
    with pytest.raises(ChannelLayoutError) as raised:
        decode_audio(path, split_stereo=True)
    assert raised.value.code == "audio_channel_layout"
    assert "channels='mono'" in str(raised.value)


def test_missing_file_is_not_an_audio_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        probe_audio(tmp_path / "absent.wav")


# --- the length limit (REDACTOR_MAX_AUDIO_SECONDS) ------------------------------------------------

def silent_flac(path, seconds: int, rate: int = 8000):
    """Seconds of digital silence as FLAC: tiny on disk, huge once decoded (the review's bomb)."""
    return write_audio(path, np.zeros((1, seconds * rate), dtype=np.int16), rate, "flac", "flac", "s16")


def test_probe_refuses_a_recording_past_the_limit(tmp_path):
    path = silent_flac(tmp_path / "long.flac", 20 * 60)
    assert probe_audio(path).duration == pytest.approx(1200, abs=1)
    with pytest.raises(AudioError) as refused:
        probe_audio(path, max_seconds=600)
    assert refused.value.code == "audio_too_long" and "REDACTOR_MAX_AUDIO_SECONDS" in str(refused.value)
    assert probe_audio(path, max_seconds=1300).duration == pytest.approx(1200, abs=1)


@pytest.mark.parametrize("split_stereo", [False, True])
def test_decoding_stops_at_the_limit_in_bounded_memory(tmp_path, split_stereo):
    import tracemalloc

    channels = 2 if split_stereo else 1
    path = write_audio(tmp_path / "long.flac", np.zeros((channels, 20 * 60 * 8000), dtype=np.int16), 8000,
                       "flac", "flac", "s16")
    tracemalloc.start()
    try:
        with pytest.raises(AudioError) as refused:
            decode_audio(path, 16000, split_stereo=split_stereo, max_seconds=30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "audio_too_long"
    # 30 s at 16 kHz in float32 is 1.9 MB a channel; the whole 20 minutes would be 77 MB a channel.
    assert peak < channels * 30 * 16000 * 4 + 8 * 2**20


def test_decoding_within_the_limit_is_unchanged(tmp_path):
    speech = np.sin(np.linspace(0, 2000, 16000 * 3)).astype(np.float32) * 0.5
    path = write_wav(tmp_path / "a.wav", speech)
    limited = decode_audio(path, 16000, max_seconds=4)
    assert np.array_equal(limited, decode_audio(path, 16000))
    assert limited.dtype == np.float32 and limited.size == speech.size
    assert np.allclose(limited, pcm16(speech)[0] / 32768.0)
