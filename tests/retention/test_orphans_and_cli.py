"""Orphan blob files and the `redactor purge` / `redactor audit verify` commands."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from redactor.retention.purge import purge_expired_artifacts
from redactor.service.retention_commands import purge as purge_command

from .helpers import DAY, T0, add_call, artifacts_of, assert_consistent, command_environment

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_only_unreferenced_blobs_past_the_grace_period_are_swept(runtime, orphan_grace_passed):
    """By the store's own time of each blob: a file's mtime, an S3 object's LastModified."""
    call_id = add_call(runtime, started_at=T0)
    orphan = runtime.blobs.put(io.BytesIO(b"left by a crash between put and commit")).key
    # Within the grace period an unreferenced blob may be an upload committing right now: kept.
    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=T0)
    assert report.orphans == 0 and runtime.blobs.exists(orphan)

    orphan_grace_passed()
    dry = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=T0, dry_run=True)
    assert dry.orphans == 1 and runtime.blobs.exists(orphan)
    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=T0)
    assert report.orphans == 1 and not runtime.blobs.exists(orphan)
    # Referenced blobs are never touched, however old.
    assert artifacts_of(runtime, call_id) == {"raw_audio", "redacted_transcript", "redacted_audio"}


def test_purge_command_dry_run_then_real(runtime):
    call_id = add_call(runtime, started_at=T0 - 400 * DAY)
    data_dir = str(runtime.settings.data_dir)
    env = command_environment(runtime)
    dry = CliRunner().invoke(purge_command, ["--dry-run", "--json", "--data-dir", data_dir], env=env)
    assert dry.exit_code == 0, dry.output
    listed = json.loads(dry.output)
    assert listed["dry_run"] is True and len(listed["items"]) == 3
    assert artifacts_of(runtime, call_id) == {"raw_audio", "redacted_transcript", "redacted_audio"}
    real = CliRunner().invoke(purge_command, ["--data-dir", data_dir], env=env)
    assert real.exit_code == 0, real.output
    assert real.output.count(f"purged\t{call_id}") == 3
    assert artifacts_of(runtime, call_id) == set()
    assert_consistent(runtime)


def test_audit_verify_is_a_redactor_subcommand(runtime):
    """Through the real entry point, as an operator runs it."""
    env = {**os.environ, "REDACTOR_DATA_DIR": str(runtime.settings.data_dir)}
    env.update({name: value for name, value in command_environment(runtime).items() if value is not None})
    ok = subprocess.run([sys.executable, "-m", "redactor", "audit", "verify"], env=env, cwd=REPO_ROOT,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "audit chain intact" in ok.stderr
    with runtime.db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO audit_events (seq, time, type, details, prev_hash, hash) "
                                   "VALUES (1000, 't', 'forged', '{}', 'x', 'y')")
    broken = subprocess.run([sys.executable, "-m", "redactor", "audit", "verify"], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and "seq 1000:" in broken.stdout


def test_purge_refuses_a_data_dir_without_a_database(tmp_path):
    result = CliRunner().invoke(purge_command, ["--data-dir", str(tmp_path / "typo")])
    assert result.exit_code == 2 and "no database" in result.output
    assert not (tmp_path / "typo").exists()
