"""Nothing phones home: the models load and run with every network connection refused.

The child process starts WITHOUT the offline variables (HF_HUB_OFFLINE, ORT_DISABLE_TELEMETRY,
TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS) in its environment, so the test also proves that importing
redactor sets them itself, and it replaces socket connects and DNS look-ups with a guard that
records the attempt and refuses it: a library that tries to download or report anything shows
up in the list even when it would have recovered from the failure silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "sample_audio"

OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "ORT_DISABLE_TELEMETRY", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS")

CHILD = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []

    def refuse(what):
        def guard(*args, **kwargs):
            attempts.append(f"{what} {args[1:2] or args[:1]!r}")
            raise OSError(101, "network is unreachable (test guard)")
        return guard

    socket.socket.connect = refuse("connect")
    socket.socket.connect_ex = refuse("connect_ex")
    socket.getaddrinfo = refuse("getaddrinfo")
    socket.create_connection = refuse("create_connection")

    import os
    import redactor
    variables = {name: os.environ.get(name) for name in %(variables)r}

    from redactor.pii import CallRedactor
    result = CallRedactor.load().redact([
        {"speaker": "operator", "text": "ご連絡先のメールアドレスをお願いします。"},
        {"speaker": "caller", "text": "yamada.taro@example.co.jp です。電話は090-1234-5678です。"},
    ])

    from redactor.config import Settings
    from redactor.transcribe import Transcriber
    transcript = Transcriber.from_settings(Settings()).transcribe(sys.argv[1], channels="mono")

    print(json.dumps({"attempts": attempts, "variables": variables,
                      "redacted": [t.text for t in result.turns],
                      "transcribed_chars": sum(len(t.text) for t in transcript.turns)}))
    """
) % {"variables": OFFLINE_VARIABLES}


@pytest.mark.slow
def test_models_load_and_run_without_any_network_attempt(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES}
    env["REDACTOR_DATA_DIR"] = str(tmp_path / "data")
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(SAMPLE_DIR / "call03_mono.ogg")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    assert report["attempts"] == []
    assert report["variables"] == {"HF_HUB_OFFLINE": "1", "ORT_DISABLE_TELEMETRY": "1",
                                   "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    assert "yamada.taro" not in report["redacted"][1] and "090-1234-5678" not in report["redacted"][1]
    assert report["transcribed_chars"] > 50
