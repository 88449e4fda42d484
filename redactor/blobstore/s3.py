"""`S3BlobStore`: each blob one object `<prefix><key[:2]>/<key>` in an S3-compatible bucket, holding
the same envelope as a local blob file (`redactor.blobstore.envelope`): the bucket only ever sees
ciphertext and random keys.

Bucket requirements (checked by `check_bucket` when the service opens the store):
- versioning never enabled: in a versioned bucket a delete only adds a delete marker and the
  erased audio stays readable as an older version, so erasure would be a lie;
- no object lock or retention rule, and no replication to a bucket that keeps deleted objects;
- a lifecycle rule that aborts incomplete multipart uploads after a day is recommended
  (`sweep_temp_files` does the same at start, for uploads a killed process left, and removes the
  staging copies under `<prefix>reseal/` a killed re-encryption left: ciphertext only).

Credentials, region and endpoint come from boto3's standard configuration (environment such as
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL_S3, shared config files, or an
instance role), never from redactor's own settings.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from redactor.blobstore.base import EnvelopeStore
from redactor.blobstore.envelope import (DEFAULT_CHUNK_SIZE, AudioKeyring, BlobError, BlobNotFoundError, BlobRef,
                                         Envelope, KeySource, SealedStream, check_blob_key, is_blob_key,
                                         new_blob_key)

# Multipart parts are buffered in memory (the sealed stream cannot seek): 2 x 8 MiB at a time.
_TRANSFER = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024,
                           max_concurrency=2)
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=10,
                        read_timeout=120)
# A multipart upload older than this was left by a killed process (a 200 MB upload takes seconds).
STALE_UPLOAD_SECONDS = 24 * 3600
_MISSING = {"404", "NoSuchKey", "NotFound"}
# Re-encrypted copies wait here while they are checked (`<prefix>reseal/<key>.<random>`).
STAGING_FOLDER = "reseal"


class BlobStoreSetupError(BlobError):
    """The configured blob store cannot be used as it is (unreachable, or a bucket that keeps
    deleted objects)."""

    code = "blob_store_setup"


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix/")."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise BlobStoreSetupError(f"blob store URL {url!r} is not of the form s3://BUCKET/OPTIONAL/PREFIX/")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


class S3BlobStore(EnvelopeStore):
    """Blobs as AES-256-GCM envelopes in objects of an S3-compatible bucket (see the module docstring)."""

    def __init__(self, client, bucket: str, prefix: str, keys: KeySource | AudioKeyring | bytes,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self._envelope = Envelope(keys, chunk_size)
        self.chunk_size = chunk_size

    @classmethod
    def from_url(cls, url: str, keys: KeySource | AudioKeyring | bytes,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> S3BlobStore:
        """The store at `s3://bucket/prefix/`, with boto3's standard credentials and endpoint."""
        bucket, prefix = parse_s3_url(url)
        # A session of its own: boto3's default session keeps the credentials it first found.
        return cls(boto3.session.Session().client("s3", config=_CLIENT_CONFIG), bucket, prefix, keys, chunk_size)

    def object_key(self, key: str) -> str:
        check_blob_key(key)
        return f"{self.prefix}{key[:2]}/{key}"

    def check_bucket(self) -> None:
        """Refuse a bucket where deleted audio would survive (versioning), or that is unreachable."""
        try:
            self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
            status = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        except ClientError as exc:
            raise BlobStoreSetupError(
                f"S3 bucket {self.bucket!r} cannot be used ({_error_code(exc)}): check that it exists "
                "and that the credentials may read, write, list and delete in it") from None
        if status in ("Enabled", "Suspended"):
            raise BlobStoreSetupError(
                f"S3 bucket {self.bucket!r} has versioning {status.lower()}: deleted audio would stay "
                "readable as older versions. Use a bucket where versioning was never enabled")

    # --- writing --------------------------------------------------------------------------
    def _put_stream(self, stream: BinaryIO) -> BlobRef:
        key = new_blob_key()
        sealed = self._envelope.seal(key, stream)
        # One PUT, or a multipart upload that S3 assembles atomically: readers never see a part.
        self.client.upload_fileobj(sealed, self.bucket, self.object_key(key), Config=_TRANSFER)
        return sealed.ref

    def _replace_verified(self, key: str, sealed: SealedStream, check: Callable[[BinaryIO], BlobRef]) -> None:
        # Written aside under a staging name `keys()` never lists, read back, then copied over the
        # blob server-side: a copy is one atomic write, as a PUT is.
        staging = f"{self.prefix}{STAGING_FOLDER}/{key}.{secrets.token_hex(4)}"
        self.client.upload_fileobj(sealed, self.bucket, staging, Config=_TRANSFER)
        try:
            with self.client.get_object(Bucket=self.bucket, Key=staging)["Body"] as written:
                check(written)
            if self._head(key) is None:  # deleted (erased) meanwhile: never bring it back
                raise BlobNotFoundError(f"no blob {key}")
            self.client.copy({"Bucket": self.bucket, "Key": staging}, self.bucket, self.object_key(key),
                             Config=_TRANSFER)
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=staging)

    # --- reading --------------------------------------------------------------------------
    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with self._open_stored(key) as body:
            yield from self._envelope.open(key, body)

    def _open_stored(self, key: str, **extra) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key), **extra)["Body"]
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise BlobNotFoundError(f"no blob {key}") from None
            raise

    def _read_head(self, key: str, size: int) -> bytes:
        with self._open_stored(key, Range=f"bytes=0-{size - 1}") as body:
            return body.read(size)

    # --- housekeeping ---------------------------------------------------------------------
    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                return None
            raise

    def exists(self, key: str) -> bool:
        return is_blob_key(key) and self._head(key) is not None

    def delete(self, key: str) -> bool:
        existed = self._head(key) is not None
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        return existed

    def modified_at(self, key: str) -> float | None:
        head = self._head(key)
        return None if head is None else head["LastModified"].timestamp()

    def keys(self) -> Iterator[str]:
        """Every stored blob key (for orphan checks and purges)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                folder, _, name = item["Key"][len(self.prefix):].partition("/")
                if is_blob_key(name) and folder == name[:2]:
                    yield name

    def sweep_temp_files(self, *, now: float | None = None) -> int:
        """Abort multipart uploads and remove staging copies of re-encryptions a killed process left
        (older than a day: another node's work in progress is never touched); return how many."""
        cutoff = (time.time() if now is None else now) - STALE_UPLOAD_SECONDS
        aborted = 0
        staged = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}{STAGING_FOLDER}/")
        for page in staged:
            for item in page.get("Contents", ()):
                if item["LastModified"].timestamp() < cutoff:
                    self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                    aborted += 1
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for upload in page.get("Uploads", ()):
                if upload["Initiated"].timestamp() < cutoff:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                       UploadId=upload["UploadId"])
                    aborted += 1
        return aborted


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "unknown"))
