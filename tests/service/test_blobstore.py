"""Blob stores: round trips, and every kind of tampering is detected, for both backends: local
files and S3 (a real SeaweedFS server, scripts/s3-server). Backend-only behaviour follows."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from redactor.blobstore import (MAGIC, NONCE_BYTES, TAG_BYTES, BlobIntegrityError, BlobNotFoundError,
                                EncryptedFileBlobStore, audio_key_id, open_blob_store)

KEY = bytes(range(32))
CHUNK = 1024
HEADER_BYTES = len(MAGIC) + 12  # magic, audio key id, chunk size
RECORD = NONCE_BYTES + CHUNK + TAG_BYTES


@dataclass
class Backend:
    """A store plus raw access to what it keeps, to tamper with it as an attacker with the disk or
    the bucket would."""

    store: object
    read_raw: Callable[[str], bytes]
    write_raw: Callable[[str, bytes], None]
    other_key: Callable[[bytes], object]  # the same place, another audio key


def local_backend(tmp_path) -> Backend:
    store = EncryptedFileBlobStore(tmp_path / "blobs", KEY, chunk_size=CHUNK)
    return Backend(store, lambda key: store.path_of(key).read_bytes(),
                   lambda key, data: store.path_of(key).write_bytes(data),
                   lambda key: EncryptedFileBlobStore(tmp_path / "blobs", key, chunk_size=CHUNK))


def s3_backend(s3_server) -> Backend:
    from servers import environment

    from redactor.blobstore.s3 import S3BlobStore

    with environment(s3_server):
        url = f"{s3_server['REDACTOR_BLOB_STORE_URL']}{uuid.uuid4().hex}/"  # a fresh prefix per test
        store = S3BlobStore.from_url(url, KEY, chunk_size=CHUNK)
    client, bucket = store.client, store.bucket
    return Backend(store, lambda key: client.get_object(Bucket=bucket, Key=store.object_key(key))["Body"].read(),
                   lambda key, data: client.put_object(Bucket=bucket, Key=store.object_key(key), Body=data),
                   lambda key: S3BlobStore(client, bucket, store.prefix, key, chunk_size=CHUNK))


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path) -> Backend:
    if request.param == "local":
        return local_backend(tmp_path)
    return s3_backend(request.getfixturevalue("s3_server"))


@pytest.fixture
def store(backend):
    return backend.store


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_round_trip(store, tmp_path, size):
    payload = os.urandom(size)
    ref = store.put(io.BytesIO(payload))
    assert ref.size == size
    assert b"".join(store.iter_chunks(ref.key)) == payload
    out = tmp_path / "out"
    assert store.read_to(ref.key, out).sha256 == ref.sha256
    assert out.read_bytes() == payload
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_plaintext_never_stored(backend):
    payload = b"090-3821-4467 " * 500
    ref = backend.store.put(io.BytesIO(payload))
    stored = backend.read_raw(ref.key)
    assert b"090-3821-4467" not in stored
    assert len(stored) == HEADER_BYTES + 7 * (NONCE_BYTES + TAG_BYTES) + len(payload)


def _swap_first_two_chunks(data):
    head, first, second = data[:HEADER_BYTES], data[HEADER_BYTES:HEADER_BYTES + RECORD], \
        data[HEADER_BYTES + RECORD:HEADER_BYTES + 2 * RECORD]
    return head + second + first + data[HEADER_BYTES + 2 * RECORD:]


TAMPERING = [
    # name, mutation of the stored bytes
    ("flip a ciphertext bit", lambda d: d[:HEADER_BYTES + 40] + bytes([d[HEADER_BYTES + 40] ^ 1]) + d[HEADER_BYTES + 41:]),
    ("flip a nonce bit", lambda d: d[:HEADER_BYTES] + bytes([d[HEADER_BYTES] ^ 1]) + d[HEADER_BYTES + 1:]),
    ("truncate at a chunk boundary", lambda d: d[:HEADER_BYTES + 2 * RECORD]),
    ("truncate mid chunk", lambda d: d[:-5]),
    ("drop the first chunk", lambda d: d[:HEADER_BYTES] + d[HEADER_BYTES + RECORD:]),
    ("reorder chunks", _swap_first_two_chunks),
    ("append a copied chunk", lambda d: d + d[HEADER_BYTES:HEADER_BYTES + RECORD]),
    ("break the header", lambda d: b"XXXX" + d[4:]),
]


@pytest.mark.parametrize("name,mutate", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampering_is_detected(backend, name, mutate):
    ref = backend.store.put(io.BytesIO(os.urandom(3 * CHUNK + 100)))
    backend.write_raw(ref.key, bytes(mutate(backend.read_raw(ref.key))))
    with pytest.raises(BlobIntegrityError):
        backend.store.verify(ref.key)


def test_blob_moved_to_another_key_is_detected(backend):
    first = backend.store.put(io.BytesIO(b"a" * 100))
    second = backend.store.put(io.BytesIO(b"b" * 100))
    backend.write_raw(second.key, backend.read_raw(first.key))
    with pytest.raises(BlobIntegrityError):
        backend.store.verify(second.key)


def test_wrong_key_is_detected(backend):
    ref = backend.store.put(io.BytesIO(b"audio"))
    with pytest.raises(BlobIntegrityError):
        backend.other_key(bytes(32)).verify(ref.key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "", "ABC", "0" * 31, "0" * 32 + "/x"])
def test_keys_name_nothing_but_blobs(store, key):
    assert not store.exists(key)
    with pytest.raises(BlobNotFoundError):
        list(store.iter_chunks(key))
    with pytest.raises(BlobNotFoundError):
        store.delete(key)


def test_delete_is_idempotent(store):
    ref = store.put(io.BytesIO(b"x"))
    assert store.exists(ref.key) and list(store.keys()) == [ref.key]
    assert store.modified_at(ref.key) == pytest.approx(datetime.now(timezone.utc).timestamp(), abs=60)
    assert store.delete(ref.key) and not store.delete(ref.key)
    assert not store.exists(ref.key) and list(store.keys()) == [] and store.modified_at(ref.key) is None
    with pytest.raises(BlobNotFoundError):
        list(store.iter_chunks(ref.key))


def test_failed_write_leaves_nothing(store):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError("disk gone")

    with pytest.raises(OSError):
        store.put(Broken())
    assert list(store.keys()) == []


# --- local files only -----------------------------------------------------------------------
def test_local_blob_files_are_private(tmp_path):
    store = local_backend(tmp_path).store
    ref = store.put(io.BytesIO(b"audio"))
    assert stat.S_IMODE(store.path_of(ref.key).stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path_of(ref.key).parent.stat().st_mode) == 0o700  # its folder too


@pytest.mark.parametrize("key", ["../../etc/passwd", "0" * 32 + "/x"])
def test_local_paths_cannot_escape_the_root(tmp_path, key):
    with pytest.raises(BlobNotFoundError):
        local_backend(tmp_path).store.path_of(key)


def test_local_temp_files_are_swept(tmp_path):
    store = local_backend(tmp_path).store
    leftover = store.root / "ab" / ("ab" + "0" * 30 + ".1234.tmp")
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"partial")
    assert store.sweep_temp_files() == 0  # a write in progress (another process's) is left alone
    assert store.sweep_temp_files(now=time.time() + 2 * 3600) == 1 and not leftover.exists()
    leftovers = [store.root / "cd" / ("cd" + "0" * 30 + f".{n}.tmp") for n in (1, 2)]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    assert store.sweep_temp_files(now=time.time() + 2 * 3600) == 2  # the count is what the sweep reports


# --- S3 only --------------------------------------------------------------------------------
def test_s3_objects_are_named_by_random_keys_only(s3_server):
    store = s3_backend(s3_server).store
    ref = store.put(io.BytesIO(b"audio"))
    listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)["Contents"]
    assert [item["Key"] for item in listed] == [f"{store.prefix}{ref.key[:2]}/{ref.key}"]


def test_s3_multipart_upload_round_trip(s3_server, tmp_path):
    """Past the multipart threshold the sealed stream is uploaded in parts, never whole in memory."""
    store = s3_backend(s3_server).store
    payload = os.urandom(9 * 1024 * 1024 + 5)
    ref = store.put(io.BytesIO(payload))
    assert store.read_to(ref.key, tmp_path / "out").sha256 == ref.sha256 == hashlib.sha256(payload).hexdigest()


def test_s3_stale_multipart_uploads_are_aborted(s3_server):
    store = s3_backend(s3_server).store
    upload = store.client.create_multipart_upload(Bucket=store.bucket, Key=f"{store.prefix}ab/{'ab' * 16}")
    assert store.sweep_temp_files() == 0  # an upload in progress (another node's) is left alone
    later = (datetime.now(timezone.utc) + timedelta(days=2)).timestamp()
    assert store.sweep_temp_files(now=later) == 1
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix).get("Uploads", [])
    assert upload["UploadId"] not in [u["UploadId"] for u in uploads]


def test_s3_stale_reencryption_copies_are_removed(s3_server):
    """A re-encryption killed between writing its copy aside and swapping it in leaves the copy
    under reseal/ (ciphertext only): listed by no `keys()`, removed by the sweep a day later."""
    store = s3_backend(s3_server).store
    staging = f"{store.prefix}reseal/{'cd' * 16}.0a1b2c3d"
    store.client.put_object(Bucket=store.bucket, Key=staging, Body=b"sealed copy")
    assert list(store.keys()) == [] and store.sweep_temp_files() == 0
    later = (datetime.now(timezone.utc) + timedelta(days=2)).timestamp()
    assert store.sweep_temp_files(now=later) == 1
    assert "Contents" not in store.client.list_objects_v2(Bucket=store.bucket, Prefix=f"{store.prefix}reseal/")


def test_local_reencryption_interrupted_at_the_swap_keeps_the_blob(tmp_path, monkeypatch):
    store = EncryptedFileBlobStore(tmp_path / "blobs", KEY, chunk_size=CHUNK)
    ref = store.put(io.BytesIO(b"recording"))
    copies = []

    def killed(source, destination):
        copies.append(source)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        store.reseal(ref.key)
    monkeypatch.undo()
    assert b"".join(store.iter_chunks(ref.key)) == b"recording"
    # The copy was a temp file beside the blob, of the shape the start's sweep removes after a kill -9.
    [copy] = copies
    assert copy.parent == store.path_of(ref.key).parent and copy.name.endswith(".tmp") and not copy.exists()


def test_s3_store_opens_from_settings_after_checking_the_bucket(s3_server):
    from servers import environment

    with environment(s3_server):
        store = open_blob_store(s3_server["REDACTOR_BLOB_STORE_URL"], data_dir=None, keys=KEY)
    assert (store.bucket, store.prefix) == ("redactor", "blobs/")
    assert b"".join(store.iter_chunks(store.put(io.BytesIO(b"audio")).key)) == b"audio"


def test_s3_versioned_bucket_is_refused(s3_server):
    from servers import environment

    from redactor.blobstore.s3 import BlobStoreSetupError

    store = s3_backend(s3_server).store
    bucket = f"versioned-{uuid.uuid4().hex[:12]}"
    store.client.create_bucket(Bucket=bucket)
    store.client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with environment(s3_server), pytest.raises(BlobStoreSetupError, match="versioning enabled"):
        open_blob_store(f"s3://{bucket}/", data_dir=None, keys=KEY)


@pytest.mark.parametrize("url", ["s3:/bucket", "http://bucket/x", "s3://", "s3://bucket/x?region=y"])
def test_s3_bad_urls_are_refused_with_the_expected_form(url):
    from redactor.blobstore.s3 import BlobStoreSetupError

    with pytest.raises(BlobStoreSetupError, match="s3://BUCKET"):
        open_blob_store(url, data_dir=None, keys=KEY)


def test_s3_wrong_credentials_are_refused(s3_server):
    from servers import environment

    from redactor.blobstore.s3 import BlobStoreSetupError

    with environment({**s3_server, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}), \
            pytest.raises(BlobStoreSetupError, match="credentials"):
        open_blob_store(s3_server["REDACTOR_BLOB_STORE_URL"], data_dir=None, keys=KEY)


@pytest.mark.parametrize("mutate", [lambda d: b"XXXX" + d[4:], lambda d: d[:HEADER_BYTES - 1]],
                         ids=["altered magic", "cut inside the header"])
def test_a_broken_header_names_no_audio_key(tmp_path, mutate):
    """Which key sealed a blob (key rotation asks) is read only from an intact header."""
    backend = local_backend(tmp_path)
    ref = backend.store.put(io.BytesIO(b"audio"))
    assert backend.store.sealed_with(ref.key) == audio_key_id(KEY)
    backend.write_raw(ref.key, mutate(backend.read_raw(ref.key)))
    with pytest.raises(BlobIntegrityError):
        backend.store.sealed_with(ref.key)
