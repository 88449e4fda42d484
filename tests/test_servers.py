"""The test servers never outlive the test process, even one killed without its teardown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

TESTS = Path(__file__).resolve().parent

# A test process that starts a PostgreSQL server, says where, and waits to be killed.
OWNER = f"""
import sys, time
sys.path.insert(0, {str(TESTS)!r})
from servers import ServerUnavailable, script_server
try:
    with script_server("postgres-server") as settings:
        print(settings["REDACTOR_DATABASE_URL"], flush=True)
        time.sleep(600)
except ServerUnavailable as exc:
    print("unavailable:", exc, flush=True)
"""


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, exited but not yet reaped by init, counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_test_process_leaves_no_server_running():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    try:
        line = owner.stdout.readline().strip()
        if line.startswith("unavailable:") or not line:
            pytest.skip(line or "the server process printed nothing")
        folder = parse_qs(urlsplit(line).query)["host"][0]
        postmaster = int((Path(folder) / "data" / "postmaster.pid").read_text().split()[0])
        assert _alive(postmaster)
        os.kill(owner.pid, signal.SIGKILL)  # no finally, no fixture teardown runs
        owner.wait(timeout=10)
        deadline = time.monotonic() + 60
        while (Path(folder).exists() or _alive(postmaster)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not Path(folder).exists(), "the server's folder outlived its test process"
        assert not _alive(postmaster), "the server outlived its test process"
    finally:
        owner.kill()
        owner.wait(timeout=10)
