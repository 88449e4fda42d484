"""The committed sample calls: files, scripts and spoken PII agree; the generator reproduces them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import SAMPLE_DIR

PII_TYPES = {
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "POSTAL_CODE", "ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD",
    "CARD_EXPIRY", "CARD_CVV", "MY_NUMBER", "BANK_ACCOUNT", "DRIVERS_LICENSE", "PASSPORT", "CUSTOMER_ID", "IP_ADDRESS",
}
MAX_FILE_BYTES = 400 * 1024


def test_calls_cover_layouts_and_pii(sample_calls):
    assert 3 <= len(sample_calls) <= 5
    layouts = {call["channels"] for call in sample_calls}
    assert layouts == {"mono", "stereo_operator_left", "stereo_operator_right"}
    assert any(call["channels"].startswith("stereo") and call["duration"] < 40 for call in sample_calls)
    spoken = {entry["type"] for call in sample_calls for entry in call["pii"]}
    assert {"PERSON", "PHONE_NUMBER", "ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD"} <= spoken


@pytest.mark.parametrize("index", range(4))
def test_call_entry_is_consistent(sample_calls, index):
    call = sample_calls[index]
    assert call["path"].is_file() and call["path"].stat().st_size <= MAX_FILE_BYTES
    assert {t["speaker"] for t in call["turns"]} == {"operator", "caller"}
    ends = 0.0
    for turn in call["turns"]:
        assert ends <= turn["start"] < turn["end"] <= call["duration"]
        ends = turn["end"]
    for entry in call["pii"]:
        assert entry["type"] in PII_TYPES
        assert entry["text"] in call["turns"][entry["turn"]]["text"]
        assert entry["value"]


def test_card_number_passes_luhn(sample_calls):
    cards = [e["value"] for call in sample_calls for e in call["pii"] if e["type"] == "CREDIT_CARD"]
    assert cards
    for number in cards:
        digits = [int(d) for d in reversed(number)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
        assert total % 10 == 0, number


def _open_jtalk_available() -> bool:
    try:
        import pyopenjtalk  # noqa: F401
    except ImportError:
        return False
    dict_dir = os.environ.get("OPEN_JTALK_DICT_DIR", "/var/lib/mecab/dic/open-jtalk/naist-jdic")
    return Path(dict_dir, "sys.dic").is_file()


@pytest.mark.slow
@pytest.mark.skipif(
    not _open_jtalk_available(),
    reason="needs pyopenjtalk (pip install -e '.[test]') and Debian's open-jtalk-mecab-naist-jdic",
)
def test_generator_reproduces_calls_json(tmp_path):
    import subprocess
    import sys

    subprocess.run([sys.executable, str(SAMPLE_DIR / "make_samples.py"), "--out", str(tmp_path)], check=True)
    regenerated = json.loads((tmp_path / "calls.json").read_text(encoding="utf-8"))
    committed = json.loads((SAMPLE_DIR / "calls.json").read_text(encoding="utf-8"))
    assert regenerated == committed
    # PCM WAV is bit-exact (the Ogg muxer picks a random stream serial, so Opus files are not)
    for call in committed["calls"]:
        if call["file"].endswith(".wav"):
            assert (tmp_path / call["file"]).read_bytes() == (SAMPLE_DIR / call["file"]).read_bytes()
