"""The data dir is 0700, the database and its WAL 0600; decrypted job audio lives in memory."""

from __future__ import annotations

import os
import sqlite3

import pytest

from redactor.config import Settings
from redactor.private_files import PrivatePathError
from redactor.service.runtime import ServiceRuntime
from redactor.service.work_dir import private_work_dir


def mode(path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_data_dir_is_private(tmp_path, loose_umask):
    settings = Settings(data_dir=tmp_path / "data", work_dir=tmp_path / "work")
    runtime = ServiceRuntime.open(settings)
    data = tmp_path / "data"
    assert mode(data) == 0o700 and mode(data / "redactor.db") == 0o600
    assert mode(data / "redactor.db-wal") == 0o600  # SQLite gives the WAL the database file's mode
    runtime.close()


def test_an_existing_loose_data_dir_is_tightened(tmp_path, loose_umask, caplog):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    sqlite3.connect(data / "redactor.db").close()  # an earlier version's 0644 database
    os.chmod(data / "redactor.db", 0o644)
    runtime = ServiceRuntime.open(Settings(data_dir=data, work_dir=tmp_path / "work"))
    runtime.close()
    assert mode(data) == 0o700 and mode(data / "redactor.db") == 0o600
    assert "tightened to 0700" in caplog.text and "tightened to 0600" in caplog.text


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_loose_data_dir_of_another_user_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chown(data, 12345, 12345)
    with pytest.raises(PrivatePathError, match=r"chmod 700 .* as its owner"):
        ServiceRuntime.open(Settings(data_dir=data, work_dir=tmp_path / "work"))


def test_work_files_go_to_a_private_folder_in_shared_memory(tmp_path):
    shm = tmp_path / "shm"
    shm.mkdir()
    folder = private_work_dir(tmp_path / "data", shared_memory=shm)
    assert folder.parent == shm and folder.name.startswith("redactor-") and mode(folder) == 0o700
    assert private_work_dir(tmp_path / "data", shared_memory=shm) == folder  # stable per data dir
    assert private_work_dir(tmp_path / "other", shared_memory=shm) != folder
    assert private_work_dir(tmp_path / "data", shared_memory=tmp_path / "none") == tmp_path / "data" / "work"


def test_a_prepared_work_folder_is_refused(tmp_path):
    shm = tmp_path / "shm"
    shm.mkdir()
    planted = private_work_dir(tmp_path / "data", shared_memory=shm)
    planted.rmdir()
    planted.symlink_to(tmp_path)  # someone else's link, to read the decrypted audio
    with pytest.raises(PrivatePathError, match="REDACTOR_WORK_DIR"):
        private_work_dir(tmp_path / "data", shared_memory=shm)


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm on this host")
def test_the_default_work_dir_is_in_memory(tmp_path):
    runtime = ServiceRuntime.open(Settings(data_dir=tmp_path / "data"))
    try:
        assert str(runtime.work_root).startswith("/dev/shm/redactor-") and mode(runtime.work_root) == 0o700
        assert runtime.work_dir.parent == runtime.work_root and mode(runtime.work_dir) == 0o700  # this process's
        # Uploads being received are plaintext too: in the same folder, never in the data dir.
        assert runtime.incoming_dir.parent == runtime.work_dir and mode(runtime.incoming_dir) == 0o700
    finally:
        runtime.close()
        runtime.work_root.rmdir()


def test_a_sweep_keeps_folders_of_live_processes_and_ones_being_created(tmp_path):
    """A live process's folder is locked (kept); loose files of the old single-folder layout and
    a creation interrupted long ago go. (The folder of a SIGKILLed process: test_foundation.py.)"""
    import time

    from redactor.service.work_dir import CREATING_PREFIX, ProcessFolder, sweep_work_dir

    live = ProcessFolder(tmp_path)
    (live.path / "upload-1").write_bytes(b"plaintext being received")
    (tmp_path / "upload-from-an-old-version").write_bytes(b"plaintext")
    being_created = tmp_path / f"{CREATING_PREFIX}p1-00000000"
    being_created.mkdir()
    abandoned_creation = tmp_path / f"{CREATING_PREFIX}p2-00000000"
    abandoned_creation.mkdir()
    os.utime(abandoned_creation, (time.time() - 7200, time.time() - 7200))
    assert sweep_work_dir(tmp_path) == 1
    assert (live.path / "upload-1").exists() and being_created.exists() and not abandoned_creation.exists()
    assert not (tmp_path / "upload-from-an-old-version").exists()
    live.remove()
    assert not live.path.exists()
