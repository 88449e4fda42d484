"""What the service needs from a blob store (`BlobStore`), and what every store shares."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Protocol

from redactor.blobstore.envelope import (HEADER_BYTES, BlobIntegrityError, BlobRef, ChunkStream, SealedStream,
                                         plaintext_ref)


class BlobStore(Protocol):
    """A store of encrypted blobs: `EncryptedFileBlobStore` (local folder) or `S3BlobStore`."""

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

    def sweep_temp_files(self) -> int:
        """Remove partial writes a crash left behind; return how many."""

    def sealed_with(self, key: str) -> str | None:
        """The id of the audio key blob `key` is sealed with (None: sealed before key ids)."""

    def reseal(self, key: str) -> BlobRef:
        """Re-encrypt blob `key` with the current audio key, in place (see EnvelopeStore.reseal)."""


class EnvelopeStore:
    """`put`, `read_to`, `verify`, `sealed_with` and `reseal` of every store, on top of its
    `_put_stream`, `iter_chunks`, `_read_head` and `_replace_verified`."""

    def put(self, source: BinaryIO | Path) -> BlobRef:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as stream:
                return self._put_stream(stream)
        return self._put_stream(source)

    def _put_stream(self, stream: BinaryIO) -> BlobRef:
        raise NotImplementedError

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        raise NotImplementedError

    def _open_stored(self, key: str) -> AbstractContextManager[BinaryIO]:
        """The stored envelope of blob `key` as a stream (BlobNotFoundError if it is gone)."""
        raise NotImplementedError

    def _read_head(self, key: str, size: int) -> bytes:
        """The first `size` stored bytes of blob `key` (BlobNotFoundError if it is gone)."""
        with self._open_stored(key) as stored:
            return stored.read(size)

    def _replace_verified(self, key: str, sealed: SealedStream, check: Callable[[BinaryIO], BlobRef]) -> None:
        """Write `sealed` aside, `check` what was written, then put it in place of blob `key` in one
        step, unless the blob was deleted meanwhile (BlobNotFoundError); nothing is left aside."""
        raise NotImplementedError

    def read_to(self, key: str, destination: Path) -> BlobRef:
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                return plaintext_ref(key, self.iter_chunks(key), out)
        except BaseException:
            Path(destination).unlink(missing_ok=True)
            raise

    def verify(self, key: str) -> BlobRef:
        """Decrypt the whole blob without keeping it: its reference if intact, else raise."""
        return plaintext_ref(key, self.iter_chunks(key))

    def sealed_with(self, key: str) -> str | None:
        """The id of the audio key blob `key` is sealed with (None: sealed before key ids)."""
        return self._envelope.sealed_with(key, self._read_head(key, HEADER_BYTES))

    def reseal(self, key: str) -> BlobRef:
        """Re-encrypt blob `key` with the current audio key, keeping its blob key.

        The new envelope is written aside and read back (it must decrypt to the very plaintext of
        the old one, which was authenticated as it was read) before it replaces the old one in a
        single step: a reader sees the old blob or the new one, never a part, and a crash at any
        point leaves the old blob whole (and at most a temporary copy the start's sweep removes).
        Raises BlobNotFoundError if the blob is gone (deleted before or during the re-encryption).
        """
        with self._open_stored(key) as stored:
            sealed = self._envelope.seal(key, ChunkStream(self._envelope.open(key, stored)))

            def check(written: BinaryIO) -> BlobRef:
                if plaintext_ref(key, self._envelope.open(key, written)) != sealed.ref:
                    raise BlobIntegrityError(f"the re-encrypted copy of blob {key} does not read back as "
                                             "the original; the original is kept")
                return sealed.ref

            self._replace_verified(key, sealed, check)
        return sealed.ref
