"""Where plaintext audio lives while it is handled: in memory (tmpfs) when the host has it.

Two kinds: uploads being received (`<work_dir>/incoming/`, until they are probed and encrypted
into the blob store) and audio decrypted for the job being processed (`<work_dir>/`).

A process killed mid-job (kill -9, OOM) cannot delete its temporary files; on disk they would
keep the plaintext recording until the next start's sweep, and in the disk's free blocks after
it. `/dev/shm` is memory on Linux: the files vanish with a reboot and never reach the disk.
Each data directory gets its own folder there (named by a hash of its path, so two services
on one host never sweep each other's files), private to this user; one that is a symlink or
belongs to another user is refused (someone prepared it to read the audio).
"""

from __future__ import annotations

import hashlib
import os
import stat
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


def sweep_work_dir(work_dir: Path) -> int:
    """Remove the plaintext a killed process left in `work_dir` (uploads being received in
    `incoming/`, decrypted job audio); return how many files.

    The one sweep of plaintext leftovers: a deployment whose processes share a work dir must give
    each its own (a sweep at one's start would take the files the others are using)."""
    removed = 0
    if Path(work_dir).is_dir():
        for path in sorted(Path(work_dir).rglob("*")):
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
    return removed
