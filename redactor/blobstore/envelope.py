"""The AES-256-GCM envelope every blob is stored in, whatever holds it (a file, an S3 object).

Blobs are encrypted here, in the service, before they leave it: an S3 bucket (or a disk) only ever
holds ciphertext, and its own encryption is a second layer, not the one we rely on. The plaintext
is sealed in independent chunks so that a 200 MB upload never sits whole in memory:

    header  = MAGIC (b"RDBLOB1\\n") + chunk size (4 bytes, big endian)
    chunk i = nonce (12 random bytes) + ciphertext + tag (16 bytes)

Each chunk's associated data binds it to the blob key, its index and whether it is the last
chunk, so swapping blobs, reordering, dropping or truncating chunks all fail authentication.
Every chunk but the last holds exactly `chunk_size` plaintext bytes (the last may hold 0).

Blob keys are 32 random hex characters: never a name an uploader gave, never personal data.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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
    """The stored bytes were altered, truncated, reordered or encrypted with another key."""

    code = "blob_integrity"


def new_blob_key() -> str:
    return secrets.token_hex(16)


def is_blob_key(key: str) -> bool:
    return bool(_KEY_PATTERN.match(key or ""))


def check_blob_key(key: str) -> str:
    """`key` if it has the shape of a blob key (so it cannot name anything else), else not found."""
    if not is_blob_key(key):
        raise BlobNotFoundError("blob keys are 32 lowercase hex characters")
    return key


class Envelope:
    """Seals plaintext streams into the envelope and opens them again, with one audio key."""

    def __init__(self, key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if len(key) != 32:
            raise ValueError(f"the audio key must have 32 bytes, got {len(key)}")
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self._aead = AESGCM(key)
        self.chunk_size = chunk_size

    def seal(self, blob_key: str, source: BinaryIO) -> SealedStream:
        """The envelope of `source` for blob `blob_key`, produced as it is read."""
        return SealedStream(self, blob_key, source)

    def _seal_chunk(self, blob_key: str, index: int, final: bool, chunk: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, chunk, _associated_data(blob_key, index, final))

    def open(self, blob_key: str, stored: BinaryIO) -> Iterator[bytes]:
        """Yield the plaintext of the envelope read from `stored`, chunk by chunk, in order;
        raise BlobIntegrityError at the first chunk that fails authentication."""
        header = _read_full(stored, len(MAGIC) + HEADER.size)
        if len(header) != len(MAGIC) + HEADER.size or not header.startswith(MAGIC):
            raise BlobIntegrityError(f"blob {blob_key} has no valid header")
        (chunk_size,) = HEADER.unpack(header[len(MAGIC):])
        record_size = NONCE_BYTES + chunk_size + TAG_BYTES
        index = 0
        record = _read_full(stored, record_size)
        while True:
            # Look one record ahead: whether this one is the last is part of what it authenticates.
            following = _read_full(stored, record_size) if len(record) == record_size else b""
            final = not following
            yield self._open_record(blob_key, index, final, record)
            if final:
                return
            record, index = following, index + 1

    def _open_record(self, blob_key: str, index: int, final: bool, record: bytes) -> bytes:
        if len(record) < NONCE_BYTES + TAG_BYTES:
            raise BlobIntegrityError(f"blob {blob_key} is truncated at chunk {index}")
        nonce, sealed = record[:NONCE_BYTES], record[NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, sealed, _associated_data(blob_key, index, final))
        except InvalidTag:
            raise BlobIntegrityError(
                f"blob {blob_key} failed authentication at chunk {index}: altered, truncated, "
                "reordered, or encrypted with another audio key"
            ) from None


class SealedStream(io.RawIOBase):
    """The envelope of a plaintext stream as a readable stream (a file copy and an S3 multipart
    upload both consume it, one chunk in memory at a time); `ref` once it is read to its end."""

    def __init__(self, envelope: Envelope, blob_key: str, source: BinaryIO) -> None:
        super().__init__()
        self._pieces = self._generate(envelope, blob_key, source)
        self._pending = b""
        self._offset = 0
        self._digest = hashlib.sha256()
        self._size = 0
        self._done = False
        self.blob_key = blob_key

    def _generate(self, envelope: Envelope, blob_key: str, source: BinaryIO) -> Iterator[bytes]:
        chunk_size = envelope.chunk_size
        yield MAGIC + HEADER.pack(chunk_size)
        index = 0
        chunk = _read_full(source, chunk_size)
        while True:
            # Look one chunk ahead: the final flag must be known before encrypting.
            following = _read_full(source, chunk_size) if len(chunk) == chunk_size else b""
            final = not following
            self._digest.update(chunk)
            self._size += len(chunk)
            yield envelope._seal_chunk(blob_key, index, final, chunk)
            if final:
                self._done = True
                return
            chunk, index = following, index + 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._offset == len(self._pending):
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending, self._offset = piece, 0
        count = min(len(buffer), len(self._pending) - self._offset)
        buffer[:count] = memoryview(self._pending)[self._offset:self._offset + count]
        self._offset += count
        return count

    @property
    def ref(self) -> BlobRef:
        if not self._done:
            raise RuntimeError("the sealed stream has not been read to its end")
        return BlobRef(key=self.blob_key, sha256=self._digest.hexdigest(), size=self._size)


def plaintext_ref(blob_key: str, chunks: Iterator[bytes], sink: BinaryIO | None = None) -> BlobRef:
    """Digest and size of the plaintext `chunks` (written to `sink` as they come, if given)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return BlobRef(key=blob_key, sha256=digest.hexdigest(), size=size)


def _associated_data(blob_key: str, index: int, final: bool) -> bytes:
    return MAGIC + blob_key.encode("ascii") + struct.pack(">Q?", index, final)


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
