"""`EncryptedFileBlobStore`: each blob one file under `<data_dir>/blobs/<key[:2]>/<key>`, holding the
envelope of `redactor.blobstore.envelope` (the embedded default).

Writes go to a temp file in the same folder, are fsynced, renamed into place and the folder is
fsynced: a crash leaves either the whole blob or nothing (plus a `*.tmp` file `sweep_temp_files`
removes). A re-encryption (`reseal`) writes the same way, over the blob it replaces.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from redactor.blobstore.base import EnvelopeStore
from redactor.blobstore.envelope import (DEFAULT_CHUNK_SIZE, AudioKeyring, BlobNotFoundError, BlobRef, Envelope,
                                         KeySource, SealedStream, check_blob_key, is_blob_key, new_blob_key)
from redactor.private_files import fsync_dir

_COPY_BUFFER = 1024 * 1024
STALE_TEMP_SECONDS = 3600  # a temp file untouched this long belongs to a process that is gone


class EncryptedFileBlobStore(EnvelopeStore):
    """Blobs as AES-256-GCM chunked files under `root` (see the module docstring)."""

    def __init__(self, root: Path, keys: KeySource | AudioKeyring | bytes,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.root = Path(root)
        self._envelope = Envelope(keys, chunk_size)
        self.chunk_size = chunk_size

    def path_of(self, key: str) -> Path:
        """The file holding blob `key` (keys are checked: no path can escape `root`)."""
        check_blob_key(key)
        return self.root / key[:2] / key

    # --- writing --------------------------------------------------------------------------
    def _put_stream(self, stream: BinaryIO) -> BlobRef:
        key = new_blob_key()
        final_path = self.path_of(key)
        final_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        sealed = self._envelope.seal(key, stream)
        temp_path = self._write_aside(final_path, sealed)
        try:
            os.replace(temp_path, final_path)
            fsync_dir(final_path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return sealed.ref

    def _replace_verified(self, key: str, sealed: SealedStream, check: Callable[[BinaryIO], BlobRef]) -> None:
        final_path = self.path_of(key)
        temp_path = self._write_aside(final_path, sealed)
        try:
            with open(temp_path, "rb") as written:
                check(written)
            if not final_path.exists():  # deleted (erased) meanwhile: never bring it back
                raise BlobNotFoundError(f"no blob {key}")
            os.replace(temp_path, final_path)
            fsync_dir(final_path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

    def _write_aside(self, final_path: Path, sealed: SealedStream) -> Path:
        """`sealed` written and fsynced to a temp file beside `final_path` (a `*.tmp` the sweep knows)."""
        temp_path = final_path.with_name(f"{final_path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(sealed, out, _COPY_BUFFER)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return temp_path

    # --- reading --------------------------------------------------------------------------
    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with self._open_stored(key) as stream:
            yield from self._envelope.open(key, stream)

    def _open_stored(self, key: str) -> BinaryIO:
        try:
            return open(self.path_of(key), "rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {key}") from None

    # --- housekeeping ---------------------------------------------------------------------
    def exists(self, key: str) -> bool:
        return is_blob_key(key) and self.path_of(key).is_file()

    def delete(self, key: str) -> bool:
        path = self.path_of(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(path.parent)
        return True

    def modified_at(self, key: str) -> float | None:
        try:
            return self.path_of(key).stat().st_mtime
        except FileNotFoundError:
            return None

    def keys(self) -> Iterator[str]:
        """Every stored blob key (for orphan checks and purges)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if is_blob_key(path.name):
                        yield path.name

    def sweep_temp_files(self, *, now: float | None = None) -> int:
        """Remove temp files a crash left behind (untouched for an hour: another process's write in
        progress on the same blob folder is never taken); return how many."""
        cutoff = (time.time() if now is None else now) - STALE_TEMP_SECONDS
        removed = 0
        if self.root.is_dir():
            for path in self.root.glob("*/*.tmp"):
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:  # renamed into place (or swept) meanwhile
                    continue
        return removed
