"""Where plaintext audio lives while it is handled: in memory (tmpfs) when the host has it, each
process in a folder of its own.

Two kinds: uploads being received (`incoming/`, until they are probed and encrypted into the
blob store) and audio decrypted for the job being processed, both in the process's folder.

A process killed mid-job (kill -9, OOM) cannot delete its temporary files; on disk they would
keep the plaintext recording until the next start's sweep, and in the disk's free blocks after
it. `/dev/shm` is memory on Linux: the files vanish with a reboot and never reach the disk.
Each data directory gets its own folder there (named by a hash of its path, so two services
on one host never sweep each other's files), private to this user; one that is a symlink or
belongs to another user is refused (someone prepared it to read the audio).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import stat
import time
from pathlib import Path

from redactor.private_files import PrivatePathError

SHARED_MEMORY = Path("/dev/shm")


def private_work_dir(data_dir: Path, shared_memory: Path = SHARED_MEMORY) -> Path:
    """`<shared_memory>/redactor-<hash of data_dir>` when `shared_memory` is usable, else `<data_dir>/work`."""
    if not (shared_memory.is_dir() and os.access(shared_memory, os.W_OK | os.X_OK)):
        return Path(data_dir) / "work"
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    folder = shared_memory / f"redactor-{digest}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            raise PrivatePathError(f"{folder} exists but is not a folder of this user (uid {os.geteuid()}); "
                                   "remove it, or set REDACTOR_WORK_DIR to a private folder") from None
    return folder


class ProcessFolder:
    """This process's own private folder in the work dir, held with an exclusive `flock` on the
    folder for as long as the process lives.

    Several processes (API replicas, workers, commands) may share a data dir and a host. Each
    keeps its plaintext files in a folder of its own, so a process starting up removes only the
    folders whose owner is gone (`sweep_work_dir`: the kernel releases a killed process's lock),
    never the upload or job audio another process is working on. The folder is created under a
    dot-name, locked, then renamed into place, so the sweep never sees one that is not locked yet.
    """

    def __init__(self, parent: Path) -> None:
        name = f"p{os.getpid()}-{secrets.token_hex(4)}"
        creating = parent / f"{CREATING_PREFIX}{name}"
        os.mkdir(creating, 0o700)
        self._fd: int | None = os.open(creating, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path = parent / name
        os.rename(creating, self.path)

    def remove(self) -> None:
        """Delete the folder and what is left in it (at the process's orderly end)."""
        if self._fd is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._fd)
        self._fd = None


CREATING_PREFIX = ".creating-"
CREATING_GRACE_S = 3600  # a dot-folder this old was left by a process killed while creating it


def sweep_work_dir(parent: Path, *, now: float | None = None) -> int:
    """Remove the plaintext that processes which are gone left in the work dir `parent` (uploads
    being received, decrypted job audio): their folders (lock free) and loose files or folders
    of the single-folder layout of earlier versions; return how many files were removed. The one
    sweep of plaintext leftovers; the folders of processes still running are never touched."""
    removed = 0
    if not parent.is_dir():
        return 0
    now = time.time() if now is None else now
    for entry in parent.iterdir():
        info = os.lstat(entry)
        if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
            entry.unlink(missing_ok=True)
            removed += 1
        elif not stat.S_ISDIR(info.st_mode):
            continue
        elif entry.name.startswith(CREATING_PREFIX):
            if info.st_mtime < now - CREATING_GRACE_S:
                removed += _remove_tree(entry)
        else:
            removed += _remove_if_abandoned(entry)
    return removed


def _remove_if_abandoned(folder: Path) -> int:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:  # its owner removed it meanwhile
        return 0
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # its process is alive
        os.close(fd)
        return 0
    try:
        return _remove_tree(folder)
    finally:
        os.close(fd)


def _remove_tree(folder: Path) -> int:
    count = sum(1 for path in folder.rglob("*") if not path.is_dir())
    shutil.rmtree(folder, ignore_errors=True)
    return count
