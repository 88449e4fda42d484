"""EncryptedFileBlobStore: round trips, and every kind of tampering is detected."""

from __future__ import annotations

import io
import os
import stat

import pytest

from redactor.blobstore import (MAGIC, NONCE_BYTES, TAG_BYTES, BlobIntegrityError, BlobNotFoundError,
                                EncryptedFileBlobStore)

KEY = bytes(range(32))
CHUNK = 1024
HEADER_BYTES = len(MAGIC) + 4
RECORD = NONCE_BYTES + CHUNK + TAG_BYTES


@pytest.fixture
def store(tmp_path):
    return EncryptedFileBlobStore(tmp_path / "blobs", KEY, chunk_size=CHUNK)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_round_trip(store, tmp_path, size):
    payload = os.urandom(size)
    ref = store.put(io.BytesIO(payload))
    assert ref.size == size
    assert b"".join(store.iter_chunks(ref.key)) == payload
    out = tmp_path / "out"
    assert store.read_to(ref.key, out).sha256 == ref.sha256
    assert out.read_bytes() == payload
    assert stat.S_IMODE(store.path_of(ref.key).stat().st_mode) == 0o600


def test_plaintext_never_on_disk(store):
    payload = b"090-3821-4467 " * 500
    ref = store.put(io.BytesIO(payload))
    stored = store.path_of(ref.key).read_bytes()
    assert b"090-3821-4467" not in stored
    assert len(stored) == HEADER_BYTES + 7 * (NONCE_BYTES + TAG_BYTES) + len(payload)


def _tamper(path, mutate):
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(mutate(data)))


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
def test_tampering_is_detected(store, name, mutate):
    ref = store.put(io.BytesIO(os.urandom(3 * CHUNK + 100)))
    _tamper(store.path_of(ref.key), mutate)
    with pytest.raises(BlobIntegrityError):
        store.verify(ref.key)


def test_blob_moved_to_another_key_is_detected(store):
    first = store.put(io.BytesIO(b"a" * 100))
    second = store.put(io.BytesIO(b"b" * 100))
    store.path_of(second.key).write_bytes(store.path_of(first.key).read_bytes())
    with pytest.raises(BlobIntegrityError):
        store.verify(second.key)


def test_wrong_key_is_detected(store, tmp_path):
    ref = store.put(io.BytesIO(b"audio"))
    other = EncryptedFileBlobStore(tmp_path / "blobs", bytes(32), chunk_size=CHUNK)
    with pytest.raises(BlobIntegrityError):
        other.verify(ref.key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "", "ABC", "0" * 31, "0" * 32 + "/x"])
def test_keys_cannot_escape_the_root(store, key):
    with pytest.raises(BlobNotFoundError):
        store.path_of(key)
    assert not store.exists(key)


def test_delete_is_idempotent_and_temp_files_are_swept(store):
    ref = store.put(io.BytesIO(b"x"))
    assert store.exists(ref.key) and list(store.keys()) == [ref.key]
    assert store.delete(ref.key) and not store.delete(ref.key)
    with pytest.raises(BlobNotFoundError):
        list(store.iter_chunks(ref.key))
    leftover = store.root / "ab" / ("ab" + "0" * 30 + ".1234.tmp")
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"partial")
    assert store.sweep_temp_files() == 1 and not leftover.exists()


def test_failed_write_leaves_nothing(store):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError("disk gone")

    with pytest.raises(OSError):
        store.put(Broken())
    assert list(store.root.rglob("*.tmp")) == [] and list(store.keys()) == []
