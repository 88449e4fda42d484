"""What the service needs from a blob store (`BlobStore`), and what every store shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from redactor.blobstore.envelope import BlobRef, plaintext_ref


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


class EnvelopeStore:
    """`put`, `read_to` and `verify` of every store, on top of its `_put_stream` and `iter_chunks`."""

    def put(self, source: BinaryIO | Path) -> BlobRef:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as stream:
                return self._put_stream(stream)
        return self._put_stream(source)

    def _put_stream(self, stream: BinaryIO) -> BlobRef:
        raise NotImplementedError

    def iter_chunks(self, key: str) -> Iterator[bytes]:
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
