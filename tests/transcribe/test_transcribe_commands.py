"""`redactor transcribe`: output formats, progress, and clean errors (real model)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from redactor.transcribe.commands import transcribe

from .conftest import SAMPLE_DIR

SHORT_STEREO = SAMPLE_DIR / "call01_stereo_operator_left.ogg"


@pytest.mark.slow
def test_json_output(transcriber):
    result = CliRunner().invoke(transcribe, [str(SHORT_STEREO), "--json", "--channels", "stereo_operator_left"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"duration", "language", "turns"} <= set(data)
    assert data["language"] == "ja"
    assert {turn["speaker"] for turn in data["turns"]} == {"operator", "caller"}
    turn = data["turns"][0]
    assert set(turn) == {"speaker", "start", "end", "text", "words"}
    assert turn["text"] == "".join(w["word"] for w in turn["words"])


@pytest.mark.slow
def test_text_output_with_progress_on_stderr(transcriber):
    result = CliRunner().invoke(transcribe, [str(SHORT_STEREO), "--progress"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(" operator " in line or " caller " in line for line in lines)
    assert "transcribing" in result.stderr  # tqdm bar, never on stdout


@pytest.mark.parametrize(
    "content,code",
    [(b"", "audio_empty"), (b"<html>not a recording</html>" * 20, "audio_unreadable")],
    ids=["zero-length", "not-audio"],
)
def test_bad_file_is_a_clean_error(tmp_path, content, code):
    path = tmp_path / "upload.wav"
    path.write_bytes(content)
    result = CliRunner().invoke(transcribe, [str(path)])
    assert result.exit_code == 1
    assert f"[{code}]" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""


def test_unknown_channel_layout_is_a_usage_error():
    result = CliRunner().invoke(transcribe, [str(SHORT_STEREO), "--channels", "left"])
    assert result.exit_code == 2
    assert "stereo_operator_left" in result.stderr
