"""`scripts/bootstrap --test` installs the Debian packages the tests use: one apt-get call, only
for what is missing. Run with stand-ins for dpkg-query, apt-get and id on PATH (the system's
package manager is the border), so nothing is installed for real.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
PACKAGES = ["chromium", "fonts-ipafont-gothic", "open-jtalk-mecab-naist-jdic", "postgresql-15"]

SHIMS = {
    # installed packages come from $INSTALLED (space-separated)
    "dpkg-query": '#!/bin/sh\nfor last; do :; done\n'
                  'for p in $INSTALLED; do [ "$p" = "$last" ] && printf "install ok installed" && exit 0; done\n'
                  'exit 1\n',
    "apt-get": '#!/bin/sh\necho "$*" >> "$APT_LOG"\n',
    "id": '#!/bin/sh\necho "$UID_FOR_TEST"\n',
}


@pytest.fixture
def shims(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in SHIMS.items():
        (folder / name).write_text(body)
        (folder / name).chmod(0o755)
    return folder


def run(shims, tmp_path, installed, uid="0"):
    log = tmp_path / "apt.log"
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}", "INSTALLED": " ".join(installed),
           "APT_LOG": str(log), "UID_FOR_TEST": uid}
    result = subprocess.run(["bash", str(SCRIPTS / "debian-test-packages")], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines() if log.exists() else []
    return calls, result.stderr


@pytest.mark.parametrize("installed,expected_install", [
    ([], PACKAGES),
    (["chromium", "fonts-ipafont-gothic", "postgresql-15"], ["open-jtalk-mecab-naist-jdic"]),
    (["open-jtalk-mecab-naist-jdic"], ["chromium", "fonts-ipafont-gothic", "postgresql-15"]),
    (PACKAGES, None),
])
def test_one_apt_get_install_of_what_is_missing(shims, tmp_path, installed, expected_install):
    calls, _ = run(shims, tmp_path, installed)
    installs = [c.split() for c in calls if " install " in f" {c} "]
    if expected_install is None:
        assert calls == []  # nothing missing: not even an apt-get update
    else:
        assert len(installs) == 1
        assert [a for a in installs[0] if a != "install" and not a.startswith("-")] == expected_install
        assert calls[0].startswith("update")


def test_without_root_nothing_is_installed_and_the_missing_packages_are_named(shims, tmp_path):
    calls, stderr = run(shims, tmp_path, ["chromium"], uid="1000")
    assert calls == []
    assert "fonts-ipafont-gothic open-jtalk-mecab-naist-jdic postgresql-15" in stderr


def test_bootstrap_test_runs_it():
    bootstrap = (SCRIPTS / "bootstrap").read_text()
    assert "scripts/debian-test-packages" in bootstrap.split('if [ "${1:-}" = "--test" ]; then')[-1]
    assert os.access(SCRIPTS / "debian-test-packages", os.X_OK)
