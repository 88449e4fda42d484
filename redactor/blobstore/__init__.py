"""Encrypted storage of audio (and any other binary artifact) behind a small `BlobStore` protocol.

Every blob is sealed in the service with AES-256-GCM (`envelope`), then kept either as a file
under `<data_dir>/blobs/` (`EncryptedFileBlobStore`, the embedded default) or as an object in an
S3-compatible bucket (`redactor.blobstore.s3.S3BlobStore`, for several machines), chosen by
`Settings.blob_store_url` through `open_blob_store`.
"""

from __future__ import annotations

from pathlib import Path

from redactor.blobstore.base import BlobStore
from redactor.blobstore.envelope import (DEFAULT_CHUNK_SIZE, HEADER, HEADER_BYTES, MAGIC, MAGIC_V1, NONCE_BYTES,
                                         TAG_BYTES, AudioKeyring, AudioKeyUnavailableError, BlobError,
                                         BlobIntegrityError, BlobNotFoundError, BlobRef, FixedKeys, KeySource,
                                         audio_key_id)
from redactor.blobstore.local import EncryptedFileBlobStore

__all__ = [
    "AudioKeyUnavailableError", "AudioKeyring", "BlobError", "BlobIntegrityError", "BlobNotFoundError", "BlobRef",
    "BlobStore", "DEFAULT_CHUNK_SIZE", "EncryptedFileBlobStore", "FixedKeys", "HEADER", "HEADER_BYTES", "KeySource",
    "MAGIC", "MAGIC_V1", "NONCE_BYTES", "TAG_BYTES", "audio_key_id", "open_blob_store",
]


def open_blob_store(url: str | None, *, data_dir: Path, keys: KeySource | AudioKeyring | bytes) -> BlobStore:
    """The blob store at `url` (`s3://bucket/prefix/`, bucket checked), or `<data_dir>/blobs` if None."""
    if url is None:
        return EncryptedFileBlobStore(Path(data_dir) / "blobs", keys)
    from redactor.blobstore.s3 import S3BlobStore  # boto3 is imported only when S3 is configured

    store = S3BlobStore.from_url(url, keys)
    store.check_bucket()
    return store
