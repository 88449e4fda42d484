"""The AES-256-GCM envelope every blob is stored in, whatever holds it (a file, an S3 object).

Blobs are encrypted here, in the service, before they leave it: an S3 bucket (or a disk) only ever
holds ciphertext, and its own encryption is a second layer, not the one we rely on. The plaintext
is sealed in independent chunks so that a 200 MB upload never sits whole in memory:

    header  = MAGIC (b"RDBLOB2\\n") + audio key id (8 bytes) + chunk size (4 bytes, big endian)
    chunk i = nonce (12 random bytes) + ciphertext + tag (16 bytes)

Each chunk's associated data binds it to the header, the blob key, its index and whether it is
the last chunk, so swapping blobs, reordering, dropping or truncating chunks all fail
authentication. Every chunk but the last holds exactly `chunk_size` plaintext bytes (the last
may hold 0).

The key id names the audio key that sealed the blob (`audio_key_id`: a one-way digest of the
key, nothing to learn from), so that after a key rotation a blob is opened with the right one of
the keys in the `AudioKeyring`. Blobs written before key ids existed (`MAGIC_V1`, b"RDBLOB1\\n",
no key id) are still read: each key of the ring is tried on their first chunk.

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
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RDBLOB2\n"
MAGIC_V1 = b"RDBLOB1\n"  # before key ids: header = MAGIC_V1 + chunk size
HEADER = struct.Struct(">8sI")  # after MAGIC: key id, chunk size
HEADER_V1 = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + HEADER.size
KEY_ID_BYTES = 8
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


class AudioKeyUnavailableError(BlobIntegrityError):
    """The blob names an audio key this service does not hold (a retired key not installed, or a
    header altered to name another key): it cannot be authenticated, let alone read."""

    code = "audio_key_unavailable"

    def __init__(self, blob_key: str, key_id: str) -> None:
        super().__init__(f"blob {blob_key} is sealed with audio key {key_id}, which this service does not hold; "
                         f"install that retired key as <keys_dir>/audio.{key_id}.key (README: rotating the audio key)")
        self.key_id = key_id


def new_blob_key() -> str:
    return secrets.token_hex(16)


def is_blob_key(key: str) -> bool:
    return bool(_KEY_PATTERN.match(key or ""))


def check_blob_key(key: str) -> str:
    """`key` if it has the shape of a blob key (so it cannot name anything else), else not found."""
    if not is_blob_key(key):
        raise BlobNotFoundError("blob keys are 32 lowercase hex characters")
    return key


def audio_key_id(key: bytes) -> str:
    """The public id of an audio key: 16 hex characters of a domain-separated SHA-256 of it."""
    return hashlib.sha256(b"redactor audio key id\0" + key).digest()[:KEY_ID_BYTES].hex()


@dataclass(frozen=True)
class AudioKeyring:
    """The audio key new blobs are sealed with (`current`) and the retired keys older blobs may
    still be sealed with, each by its `audio_key_id`."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.current, *self.retired):
            if len(key) != 32:
                raise ValueError(f"an audio key must have 32 bytes, got {len(key)}")

    @classmethod
    def of(cls, keys: AudioKeyring | bytes) -> AudioKeyring:
        """`keys` as a keyring (a single key is a keyring without retired keys)."""
        return keys if isinstance(keys, AudioKeyring) else cls(current=keys)

    @property
    def current_id(self) -> str:
        return audio_key_id(self.current)

    def ids(self) -> list[str]:
        """The current key's id, then the retired keys' ids."""
        return [audio_key_id(key) for key in (self.current, *self.retired)]

    def key_for(self, key_id: str) -> bytes | None:
        return next((key for key in (self.current, *self.retired) if audio_key_id(key) == key_id), None)


class KeySource(Protocol):
    """Where a store gets its audio keys: asked at every seal and at every key id it does not know,
    so that keys rotated while the service runs are picked up (`redactor.key_material`)."""

    def keyring(self, *, reload: bool = False) -> AudioKeyring: ...


@dataclass(frozen=True)
class FixedKeys:
    """A `KeySource` that never changes (tests, one-off tools)."""

    ring: AudioKeyring

    def keyring(self, *, reload: bool = False) -> AudioKeyring:
        return self.ring


def key_source(keys: KeySource | AudioKeyring | bytes) -> KeySource:
    """`keys` as a KeySource: a key or a keyring is a fixed one."""
    if isinstance(keys, (AudioKeyring, bytes)):
        return FixedKeys(AudioKeyring.of(keys))
    return keys


class Envelope:
    """Seals plaintext streams into the envelope with the current audio key, and opens envelopes
    sealed with any key of the ring."""

    def __init__(self, keys: KeySource | AudioKeyring | bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self.keys = key_source(keys)
        self.chunk_size = chunk_size

    def seal(self, blob_key: str, source: BinaryIO) -> SealedStream:
        """The envelope of `source` for blob `blob_key`, produced as it is read (current key)."""
        key = self.keys.keyring().current
        return SealedStream(_Sealer(key, audio_key_id(key), self.chunk_size), blob_key, source)

    def open(self, blob_key: str, stored: BinaryIO) -> Iterator[bytes]:
        """Yield the plaintext of the envelope read from `stored`, chunk by chunk, in order;
        raise BlobIntegrityError at the first chunk that fails authentication."""
        magic = _read_full(stored, len(MAGIC))
        if magic == MAGIC:
            header = _read_full(stored, HEADER.size)
            if len(header) != HEADER.size:
                raise BlobIntegrityError(f"blob {blob_key} has no valid header")
            raw_id, chunk_size = HEADER.unpack(header)
            key = self._key_for(blob_key, raw_id.hex())
            openers = [_Opener(AESGCM(key), MAGIC + header)]
        elif magic == MAGIC_V1:
            header = _read_full(stored, HEADER_V1.size)
            if len(header) != HEADER_V1.size:
                raise BlobIntegrityError(f"blob {blob_key} has no valid header")
            (chunk_size,) = HEADER_V1.unpack(header)
            ring = self.keys.keyring()
            openers = [_Opener(AESGCM(key), MAGIC_V1) for key in (ring.current, *ring.retired)]
        else:
            raise BlobIntegrityError(f"blob {blob_key} has no valid header")
        yield from _open_records(blob_key, stored, chunk_size, openers)

    def sealed_with(self, blob_key: str, head: bytes) -> str | None:
        """The key id in the first bytes of a stored envelope (`HEADER_BYTES` of them), or None
        for an envelope from before key ids."""
        if head.startswith(MAGIC_V1):
            return None
        if not head.startswith(MAGIC) or len(head) < HEADER_BYTES:
            raise BlobIntegrityError(f"blob {blob_key} has no valid header")
        return HEADER.unpack(head[len(MAGIC):HEADER_BYTES])[0].hex()

    def _key_for(self, blob_key: str, key_id: str) -> bytes:
        key = self.keys.keyring().key_for(key_id)
        if key is None:  # rotated meanwhile by another process? Look again before giving up.
            key = self.keys.keyring(reload=True).key_for(key_id)
        if key is None:
            raise AudioKeyUnavailableError(blob_key, key_id)
        return key


@dataclass(frozen=True)
class _Sealer:
    key: bytes
    key_id: str
    chunk_size: int

    @property
    def header(self) -> bytes:
        return MAGIC + HEADER.pack(bytes.fromhex(self.key_id), self.chunk_size)

    def seal_chunk(self, aead: AESGCM, blob_key: str, index: int, final: bool, chunk: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + aead.encrypt(nonce, chunk, _associated_data(self.header, blob_key, index, final))


@dataclass(frozen=True)
class _Opener:
    aead: AESGCM
    header: bytes  # what the associated data starts with: the v2 header, or MAGIC_V1

    def open(self, blob_key: str, index: int, final: bool, record: bytes) -> bytes:
        nonce, sealed = record[:NONCE_BYTES], record[NONCE_BYTES:]
        return self.aead.decrypt(nonce, sealed, _associated_data(self.header, blob_key, index, final))


def _open_records(blob_key: str, stored: BinaryIO, chunk_size: int, openers: list[_Opener]) -> Iterator[bytes]:
    """The records of an envelope after its header, authenticated; the first record decides which
    of `openers` (one key, or each key of the ring for a blob without key id) opens them all."""
    record_size = NONCE_BYTES + chunk_size + TAG_BYTES
    index = 0
    record = _read_full(stored, record_size)
    while True:
        # Look one record ahead: whether this one is the last is part of what it authenticates.
        following = _read_full(stored, record_size) if len(record) == record_size else b""
        final = not following
        if len(record) < NONCE_BYTES + TAG_BYTES:
            raise BlobIntegrityError(f"blob {blob_key} is truncated at chunk {index}")
        plaintext = None
        for opener in openers:
            try:
                plaintext = opener.open(blob_key, index, final, record)
            except InvalidTag:
                continue
            openers = [opener]
            break
        if plaintext is None:
            raise BlobIntegrityError(
                f"blob {blob_key} failed authentication at chunk {index}: altered, truncated, "
                "reordered, or encrypted with an audio key this service does not hold"
            ) from None
        yield plaintext
        if final:
            return
        record, index = following, index + 1


class ChunkStream(io.RawIOBase):
    """Byte chunks from an iterator as a readable stream (re-sealing reads one envelope into another)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._offset == len(self._pending):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending, self._offset = chunk, 0
        count = min(len(buffer), len(self._pending) - self._offset)
        buffer[:count] = memoryview(self._pending)[self._offset:self._offset + count]
        self._offset += count
        return count


class SealedStream(ChunkStream):
    """The envelope of a plaintext stream as a readable stream (a file copy and an S3 multipart
    upload both consume it, one chunk in memory at a time); `ref` once it is read to its end."""

    def __init__(self, sealer: _Sealer, blob_key: str, source: BinaryIO) -> None:
        self._digest = hashlib.sha256()
        self._size = 0
        self._done = False
        self.blob_key = blob_key
        super().__init__(self._generate(sealer, blob_key, source))

    def _generate(self, sealer: _Sealer, blob_key: str, source: BinaryIO) -> Iterator[bytes]:
        chunk_size, aead = sealer.chunk_size, AESGCM(sealer.key)
        yield sealer.header
        index = 0
        chunk = _read_full(source, chunk_size)
        while True:
            # Look one chunk ahead: the final flag must be known before encrypting.
            following = _read_full(source, chunk_size) if len(chunk) == chunk_size else b""
            final = not following
            self._digest.update(chunk)
            self._size += len(chunk)
            yield sealer.seal_chunk(aead, blob_key, index, final, chunk)
            if final:
                self._done = True
                return
            chunk, index = following, index + 1

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


def _associated_data(header: bytes, blob_key: str, index: int, final: bool) -> bytes:
    return header + blob_key.encode("ascii") + struct.pack(">Q?", index, final)


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
