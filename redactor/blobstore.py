"""Encrypted storage of audio (and any other binary artifact) behind a small `BlobStore` protocol.

`EncryptedFileBlobStore` keeps each blob as one file under `<data_dir>/blobs/`, encrypted with
AES-256-GCM in independent chunks so that a 200 MB upload never sits whole in memory:

    header  = MAGIC (b"RDBLOB1\\n") + chunk size (4 bytes, big endian)
    chunk i = nonce (12 random bytes) + ciphertext + tag (16 bytes)

Each chunk's associated data binds it to the blob key, its index and whether it is the last
chunk, so swapping blobs, reordering, dropping or truncating chunks all fail authentication.
Every chunk but the last holds exactly `chunk_size` plaintext bytes (the last may hold 0).

Writes go to a temp file in the same folder, are fsynced, renamed into place and the folder is
fsynced: a crash leaves either the whole blob or nothing (plus a `*.tmp` file `sweep_temp_files`
removes). Blob keys are random; names given by uploaders are never used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

MAGIC = b"RDBLOB1\n"
HEADER = struct.Struct(">I")
NONCE_BYTES = 12
TAG_BYTES = 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
_KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class BlobRef:
    """Where a blob is and what it holds: `sha256` and `size` of the plaintext."""

    key: str
    sha256: str
    size: int


class BlobError(Exception):
    """Base class of blob store errors."""

    code = "blob_error"


class BlobNotFoundError(BlobError):
    code = "blob_not_found"


class BlobIntegrityError(BlobError):
    """The stored file was altered, truncated, reordered or encrypted with another key."""

    code = "blob_integrity"


class BlobStore(Protocol):
    """What the service needs from a blob store (a local folder today, S3 tomorrow)."""

    def put(self, source: BinaryIO | Path) -> BlobRef:
        """Store the bytes of a readable binary stream or file; return its reference."""

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        """Yield the plaintext in order; raise BlobIntegrityError if anything was altered."""

    def read_to(self, key: str, destination: Path) -> BlobRef:
        """Decrypt the blob into `destination` (created 0600); return the verified reference."""

    def delete(self, key: str) -> bool:
        """Remove the blob; True if it existed. Idempotent."""

    def exists(self, key: str) -> bool:
        ...

    def keys(self) -> Iterator[str]:
        """Every stored blob key (for orphan checks)."""

    def modified_at(self, key: str) -> float | None:
        """When the blob was written (Unix time), or None if it is gone (for the orphans' grace)."""


class EncryptedFileBlobStore:
    """Blobs as AES-256-GCM chunked files under `root` (see the module docstring)."""

    def __init__(self, root: Path, key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if len(key) != 32:
            raise ValueError(f"the audio key must have 32 bytes, got {len(key)}")
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self.root = Path(root)
        self._aead = AESGCM(key)
        self.chunk_size = chunk_size

    # --- paths ----------------------------------------------------------------------------
    def path_of(self, key: str) -> Path:
        """The file holding blob `key` (keys are checked: no path can escape `root`)."""
        if not _KEY_PATTERN.match(key or ""):
            raise BlobNotFoundError("blob keys are 32 lowercase hex characters")
        return self.root / key[:2] / key

    # --- writing --------------------------------------------------------------------------
    def put(self, source: BinaryIO | Path) -> BlobRef:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as stream:
                return self._put_stream(stream)
        return self._put_stream(source)

    def _put_stream(self, stream: BinaryIO) -> BlobRef:
        key = secrets.token_hex(16)
        final_path = self.path_of(key)
        final_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp_path = final_path.with_name(f"{key}.{secrets.token_hex(4)}.tmp")
        digest = hashlib.sha256()
        size = 0
        fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(MAGIC + HEADER.pack(self.chunk_size))
                index = 0
                chunk = _read_full(stream, self.chunk_size)
                while True:
                    # Look one chunk ahead: the final flag must be known before encrypting.
                    following = _read_full(stream, self.chunk_size) if len(chunk) == self.chunk_size else b""
                    final = not following
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(self._seal(key, index, final, chunk))
                    if final:
                        break
                    chunk, index = following, index + 1
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_path, final_path)
            _fsync_dir(final_path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return BlobRef(key=key, sha256=digest.hexdigest(), size=size)

    def _seal(self, key: str, index: int, final: bool, chunk: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, chunk, _associated_data(key, index, final))

    # --- reading --------------------------------------------------------------------------
    def iter_chunks(self, key: str) -> Iterator[bytes]:
        path = self.path_of(key)
        try:
            stream = open(path, "rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {key}") from None
        with stream:
            header = stream.read(len(MAGIC) + HEADER.size)
            if len(header) != len(MAGIC) + HEADER.size or not header.startswith(MAGIC):
                raise BlobIntegrityError(f"blob {key} has no valid header")
            (chunk_size,) = HEADER.unpack(header[len(MAGIC):])
            record_size = NONCE_BYTES + chunk_size + TAG_BYTES
            index = 0
            record = stream.read(record_size)
            while True:
                following = stream.read(record_size) if len(record) == record_size else b""
                final = not following
                yield self._open_record(key, index, final, record)
                if final:
                    return
                record, index = following, index + 1

    def _open_record(self, key: str, index: int, final: bool, record: bytes) -> bytes:
        if len(record) < NONCE_BYTES + TAG_BYTES:
            raise BlobIntegrityError(f"blob {key} is truncated at chunk {index}")
        nonce, sealed = record[:NONCE_BYTES], record[NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, sealed, _associated_data(key, index, final))
        except InvalidTag:
            raise BlobIntegrityError(
                f"blob {key} failed authentication at chunk {index}: altered, truncated, "
                "reordered, or encrypted with another audio key"
            ) from None

    def read_to(self, key: str, destination: Path) -> BlobRef:
        digest = hashlib.sha256()
        size = 0
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self.iter_chunks(key):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except BaseException:
            Path(destination).unlink(missing_ok=True)
            raise
        return BlobRef(key=key, sha256=digest.hexdigest(), size=size)

    def verify(self, key: str) -> BlobRef:
        """Decrypt the whole blob without keeping it: its reference if intact, else raise."""
        digest = hashlib.sha256()
        size = 0
        for chunk in self.iter_chunks(key):
            digest.update(chunk)
            size += len(chunk)
        return BlobRef(key=key, sha256=digest.hexdigest(), size=size)

    # --- housekeeping ---------------------------------------------------------------------
    def exists(self, key: str) -> bool:
        try:
            return self.path_of(key).is_file()
        except BlobNotFoundError:
            return False

    def delete(self, key: str) -> bool:
        path = self.path_of(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
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
                    if _KEY_PATTERN.match(path.name):
                        yield path.name

    def sweep_temp_files(self) -> int:
        """Remove temp files a crash left behind; return how many."""
        removed = 0
        if self.root.is_dir():
            for path in self.root.glob("*/*.tmp"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _associated_data(key: str, index: int, final: bool) -> bytes:
    return MAGIC + key.encode("ascii") + struct.pack(">Q?", index, final)


def _read_full(stream: BinaryIO, size: int) -> bytes:
    """Read exactly `size` bytes unless the stream ends first (raw streams may return less)."""
    parts: list[bytes] = []
    remaining = size
    while remaining:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
