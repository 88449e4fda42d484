"""Directories and files only this service's user may open: 0700 folders, 0600 files.

Everything under the data directory is either personal data or protects it (the database, its
WAL, decrypted audio while a job runs, key files), so it is created private whatever the umask,
and an existing folder or file a looser earlier version (or a default umask) left open is
tightened when the service's own user owns it. One owned by someone else is refused: this
process cannot fix it, and running over it would keep the data readable.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

_OTHERS = stat.S_IRWXG | stat.S_IRWXO


class PrivatePathError(RuntimeError):
    """A folder or file that must be private is not, and this process cannot make it so."""

    code = "path_not_private"


def private_dir(path: Path, *, what: str) -> Path:
    """Create `path` (and parents) 0700, or tighten an existing folder to 0700; return it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(path, 0o700, what)
    return path


def private_file(path: Path, *, what: str) -> None:
    """Tighten an existing file to 0600 (a missing one is fine: create it with `create_private`)."""
    if Path(path).exists():
        _tighten(Path(path), 0o600, what)


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists (whatever the umask)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def open_to_others(path: Path) -> bool:
    """Whether group or others have any permission on `path`."""
    return bool(Path(path).stat().st_mode & _OTHERS)


def _tighten(path: Path, mode: int, what: str) -> None:
    info = path.stat()
    if not info.st_mode & _OTHERS:
        return
    if info.st_uid != os.geteuid():
        raise PrivatePathError(
            f"{what} {path} has mode {stat.S_IMODE(info.st_mode):04o} and belongs to uid {info.st_uid}, "
            f"not this process (uid {os.geteuid()}); run `chmod {mode:o} {path}` as its owner, or run "
            "the service as that user")
    path.chmod(mode)
    logger.warning("%s %s was mode %04o; tightened to %04o", what, path, stat.S_IMODE(info.st_mode), mode)


def fsync_dir(path: Path) -> None:
    """Make a rename or link inside the folder `path` durable: fsync the folder itself."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
