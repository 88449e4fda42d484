"""The served access log never carries a query string (search terms may be personal data)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_access_log_has_paths_but_no_query_strings(tmp_path):
    port = free_port()
    env = {**os.environ, "REDACTOR_DATA_DIR": str(tmp_path / "data"),
           "REDACTOR_WHISPER_MODEL_DIR": str(tmp_path / "no-model")}  # the API alone is enough here
    server = subprocess.Popen([sys.executable, "-m", "redactor", "serve", "--port", str(port)],
                              cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        response = httpx.get(f"http://127.0.0.1:{port}/v1/search", params={"q": "山田太郎 09012345678"})
        assert response.status_code == 401
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0]

    assert re.search(r'"GET /v1/search\?… HTTP/1.1" 401', output), output[-2000:]
    assert "山田" not in output and "09012345678" not in output and "%E5%B1%B1" not in output
