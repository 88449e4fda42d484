"""`redactor eval-audio`: bad input refused before any model loads; with the real models, one
RESULTS line per recording in score_e2e.py's format, written 0600, and nothing but counts printed."""

from __future__ import annotations

import json
import math
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from redactor.audio_redaction import TimeRange
from redactor.cli import main
from redactor.pii.results import Finding, RedactedCall, RedactedTurn
from redactor.service.eval_audio import result_line, transcribe_cached
from redactor.transcribe.transcript import Transcript, TranscriptionOptions, Turn, Word

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACTOR_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("gold_text,message", [
    ("", "names no calls"),
    ("{not json\n", "line 1 is not valid JSON"),
    ('{"id": "c1"}\n[1, 2]\n', "line 2 has no usable \"id\""),
    ('{"turns": []}\n', "line 1 has no usable \"id\""),
    ('{"id": "../c1"}\n', "line 1 has no usable \"id\""),
    ('{"id": "c1"}\n', "none of the 1 calls"),  # no c1.wav in the audio dir
])
def test_bad_input_is_refused_before_the_models_load(cli, tmp_path, gold_text, message):
    gold = _write(tmp_path / "gold.jsonl", gold_text)
    audio_dir = tmp_path / "audio"
    audio_dir.mkdir()
    result = cli.invoke(main, ["eval-audio", str(gold), str(audio_dir), "--out", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "r.jsonl").exists()


def test_help_says_the_results_hold_raw_text(cli):
    result = cli.invoke(main, ["eval-audio", "--help"])
    assert result.exit_code == 0
    assert "RAW" in result.output and "personal data" in result.output and "0600" in result.output


def test_result_line_has_the_scorers_format_and_clamps_open_ranges():
    words = [Word(0.5, 0.9, "佐藤", 0.9), Word(0.9, 1.4, "です", 0.8)]
    transcript = Transcript(duration=3.0, language="ja", channels="mono",
                            turns=[Turn.from_words("caller", words)])
    redacted = RedactedCall(turns=[RedactedTurn("caller", "<PERSON>です")],
                            findings=[Finding("PERSON", 0, 0, 2, 0.9)])
    ranges = [TimeRange(0.35, 1.05, ("PERSON",)), TimeRange(2.0, math.inf, ("PERSON",), widened=True)]
    line = result_line("c1", transcript, redacted, ranges, [])
    assert line == {
        "id": "c1", "duration": 3.0,
        "turns": [{"speaker": "caller", "start": 0.5, "end": 1.4, "text": "佐藤です"}],
        "redacted": [{"speaker": "caller", "text": "<PERSON>です"}],
        "muted": [[0.35, 1.05], [2.0, 3.0]],
        "card_scrubbed": [],
    }
    json.dumps(line)  # JSON-serializable: no inf, no dataclasses


class _CountingTranscriber:
    """Stands in for Whisper only to count decodes: the cache's keying is what is under test."""

    def __init__(self, beam_size: int = 1):
        self.options = TranscriptionOptions(
            model="m", device="cpu", compute_type="int8", cpu_threads=1, language="ja", beam_size=beam_size,
            batch_size=0, vad_filter=True, vad_parameters={}, temperature=(0.0, 0.2),
            condition_on_previous_text=False, compression_ratio_threshold=2.4, log_prob_threshold=-1.0,
            no_speech_threshold=0.6, hallucination_silence_threshold=None)
        self.decodes = 0

    def transcribe(self, path, channels=None):
        self.decodes += 1
        words = [Word(0.5, 0.9, "佐藤", 0.9), Word(0.9, 1.4, "です", 0.8)]
        return Transcript(duration=3.0, language="ja", channels=channels or "mono",
                          turns=[Turn.from_words("caller", words)], options=self.options)


def test_the_recognition_cache_is_reused_only_while_audio_layout_and_options_hold(tmp_path):
    audio = _write(tmp_path / "c1.wav", "RIFF-one")
    cache = tmp_path / "cache"
    cache.mkdir()
    transcriber = _CountingTranscriber()

    first = transcribe_cached(transcriber, audio, "mono", cache, "c1")
    again = transcribe_cached(transcriber, audio, "mono", cache, "c1")
    assert transcriber.decodes == 1 and again == first
    assert stat.S_IMODE((cache / "c1.json").stat().st_mode) == 0o600  # raw text

    transcribe_cached(transcriber, audio, "stereo_operator_left", cache, "c1")   # another layout
    assert transcriber.decodes == 2
    audio.write_text("RIFF-two", encoding="utf-8")                              # other audio
    transcribe_cached(transcriber, audio, "stereo_operator_left", cache, "c1")
    assert transcriber.decodes == 3
    other_beam = _CountingTranscriber(beam_size=5)                               # other options
    transcribe_cached(other_beam, audio, "stereo_operator_left", cache, "c1")
    assert other_beam.decodes == 1
    transcribe_cached(transcriber, audio, "stereo_operator_left", None, "c1")   # no cache: always decodes
    assert transcriber.decodes == 4


@pytest.mark.slow
def test_a_recording_goes_through_the_service_processing(cli, tmp_path):
    call = next(c for c in json.loads((SAMPLES / "calls.json").read_text(encoding="utf-8"))["calls"]
                if c["file"].endswith(".wav"))
    audio_dir = tmp_path / "audio"
    audio_dir.mkdir()
    shutil.copy(SAMPLES / call["file"], audio_dir / f"{call['id']}.wav")
    gold = _write(tmp_path / "gold.jsonl", json.dumps({"id": call["id"]}) + "\n" + json.dumps({"id": "absent"}) + "\n")
    out = _write(tmp_path / "results.jsonl", "stale\n")
    out.chmod(0o644)

    result = cli.invoke(main, ["eval-audio", str(gold), str(audio_dir), "--out", str(out),
                               "--channels", call["channels"]])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == call["id"] and record["duration"] == pytest.approx(call["duration"], abs=0.1)
    assert record["turns"] and len(record["redacted"]) == len(record["turns"])
    assert all(0 <= t["start"] < t["end"] <= record["duration"] + 0.5 for t in record["turns"])
    assert record["muted"], "the sample holds spoken PII: something must be muted"
    assert all(0 <= a < b <= record["duration"] for a, b in record["muted"] + record["card_scrubbed"])
    # the redacted turns differ from the raw ones where PII was found, and only counts are printed
    assert [t["text"] for t in record["redacted"]] != [t["text"] for t in record["turns"]]
    assert result.stdout.strip() == f"calls=1 missing_audio=1 written={out}"
    assert not any(t["text"] in result.output for t in record["turns"] if len(t["text"]) >= 4)
