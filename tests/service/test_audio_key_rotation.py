"""Audio key rotation (`redactor keys rotate-audio`), on both blob stores: local files and S3 (a real
SeaweedFS server). Blobs from before key ids (v1) and blobs of the old key are re-encrypted in
place; a rotation killed between its steps resumes; reads and uploads go on during it; an erased
blob is never brought back; a retired key that is missing or wrong is named in the error."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import struct
import uuid
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from redactor.blobstore import MAGIC_V1, NONCE_BYTES, AudioKeyUnavailableError, BlobIntegrityError, audio_key_id
from redactor.blobstore.envelope import new_blob_key
from redactor.key_material import AudioKeyFiles, KeyMaterial, KeyMaterialError
from redactor.service import audio_key_rotation
from redactor.service.audio_key_rotation import blobs_by_key, rotate_audio_blobs
from redactor.service.commands import keys as keys_command
from redactor.service.runtime import ServiceRuntime
from redactor.store.models import AuditEvent, Call

CHUNK = 1024
# On PostgreSQL the service runs in cluster mode, where keys come from the configuration only: the
# command never makes one there (test_in_cluster_mode_the_operator_installs_the_keys).
MAKES_THE_KEY = pytest.mark.sqlite_only("the command makes the new audio key only outside cluster mode")


@pytest.fixture(params=["local", "s3"])
def settings(request, service_settings, tmp_path, monkeypatch):
    """Settings of a service on local blob files or on a fresh prefix of the S3 test bucket; the
    environment the CLI reads them from is set too."""
    updates = {"keys_dir": tmp_path / "keys"}
    if request.param == "s3":
        s3_server = request.getfixturevalue("s3_server")
        for name, value in s3_server.items():
            monkeypatch.setenv(name, value)
        updates["blob_store_url"] = f"{s3_server['REDACTOR_BLOB_STORE_URL']}{uuid.uuid4().hex}/"
    settings = service_settings.model_copy(update=updates)
    for name in ("data_dir", "database_url", "work_dir", "keys_dir", "blob_store_url"):
        if getattr(settings, name) is not None:
            monkeypatch.setenv(f"REDACTOR_{name.upper()}", str(getattr(settings, name)))
    return settings


@pytest.fixture
def runtime(settings):
    runtime = ServiceRuntime.open(settings)
    yield runtime
    runtime.close()


def put_v1(runtime, key: bytes, payload: bytes) -> str:
    """A blob as the service wrote it before key ids: MAGIC_V1 + chunk size, no key id."""
    blob_key = new_blob_key()
    chunks = [payload[i:i + CHUNK] for i in range(0, len(payload), CHUNK)]
    if len(payload) % CHUNK == 0:
        chunks.append(b"")  # every chunk but the last is full; the last may be empty
    aead, records = AESGCM(key), [MAGIC_V1 + struct.pack(">I", CHUNK)]
    for index, chunk in enumerate(chunks):
        nonce = os.urandom(NONCE_BYTES)
        associated = MAGIC_V1 + blob_key.encode() + struct.pack(">Q?", index, index == len(chunks) - 1)
        records.append(nonce + aead.encrypt(nonce, chunk, associated))
    write_raw(runtime.blobs, blob_key, b"".join(records))
    return blob_key


def write_raw(store, blob_key: str, data: bytes) -> None:
    if hasattr(store, "path_of"):
        store.path_of(blob_key).parent.mkdir(parents=True, exist_ok=True)
        store.path_of(blob_key).write_bytes(data)
    else:
        store.client.put_object(Bucket=store.bucket, Key=store.object_key(blob_key), Body=data)


def add_call(runtime, blob_key: str, payload: bytes) -> str:
    call_id = str(uuid.uuid4())
    with runtime.db.session() as session:
        session.add(Call(id=call_id, external_id=f"ext-{call_id[:8]}", started_at=datetime.now(timezone.utc),
                         operator_id="op", direction="inbound", channels="mono", consent_state="granted",
                         status="done", audio_blob_key=blob_key, audio_sha256=hashlib.sha256(payload).hexdigest(),
                         audio_bytes=len(payload)))
        session.commit()
    return call_id


def stored_calls(runtime, count: int = 4) -> dict[str, bytes]:
    """`count` calls under the first audio key: half from before key ids (v1), half sealed with it."""
    key = runtime.keys.load("audio")
    blobs = {}
    for n in range(count):
        payload = f"recording {n} ".encode() * (150 * (n + 1))  # 2 to 9 chunks
        blob_key = put_v1(runtime, key, payload) if n % 2 == 0 else runtime.blobs.put(io.BytesIO(payload)).key
        add_call(runtime, blob_key, payload)
        blobs[blob_key] = payload
    return blobs


def assert_all_readable(store, blobs: dict[str, bytes]) -> None:
    for blob_key, payload in blobs.items():
        assert b"".join(store.iter_chunks(blob_key)) == payload


def rotate(*args: str):
    return CliRunner().invoke(keys_command, ["rotate-audio", *args], catch_exceptions=False)


def audit_types(runtime) -> list[str]:
    with runtime.db.read_session() as session:
        return list(session.execute(select(AuditEvent.type).where(AuditEvent.type.like("audio_key.%"))
                                    .order_by(AuditEvent.seq)).scalars())


@MAKES_THE_KEY
def test_rotation_reencrypts_v1_and_old_key_blobs_with_a_new_key(runtime):
    blobs = stored_calls(runtime)
    old_id = audio_key_id(runtime.keys.load("audio"))
    assert blobs_by_key(runtime.blobs) == {"v1": 2, old_id: 2}

    result = rotate()

    assert result.exit_code == 0, result.output
    new_key = runtime.keys.load("audio")
    new_id = audio_key_id(new_key)
    assert new_id != old_id and runtime.keys.retired_audio_key_file(old_id).exists()
    assert blobs_by_key(runtime.blobs) == {new_id: 4}
    assert_all_readable(runtime.blobs, blobs)  # the service's own store follows the new key
    assert audit_types(runtime) == ["audio_key.rotation_started", "audio_key.rotation_finished"]
    with runtime.db.read_session() as session:
        finished = json.loads(session.execute(select(AuditEvent.details).where(
            AuditEvent.type == "audio_key.rotation_finished")).scalar_one())
    assert finished["key_id"] == new_id and finished["resealed"] == 4 and finished["failed"] == 0
    assert finished["old_key_ids"] == sorted([old_id, "v1"])
    assert f"{new_id}\t4\tcurrent" in rotate("--status").output
    # Once finished, the old key is no longer needed by any blob: a store without it reads them all.
    runtime.keys.retired_audio_key_file(old_id).unlink()
    assert_all_readable(runtime.blobs, blobs)


@MAKES_THE_KEY
def test_a_rotation_killed_between_its_steps_resumes(runtime, monkeypatch):
    blobs = stored_calls(runtime)
    store_type = type(runtime.blobs)
    real_replace = store_type._replace_verified
    swaps = []

    real_audit = audio_key_rotation._audit

    def killed_before_the_second_swap(self, key, sealed, check):
        if len(swaps) == 1:
            # The new envelope is written aside, not yet swapped in: the process dies here (a killed
            # process writes no outcome to the audit log either).
            monkeypatch.setattr(audio_key_rotation, "_audit", lambda *args: None)
            raise KeyboardInterrupt
        swaps.append(key)
        return real_replace(self, key, sealed, check)

    monkeypatch.setattr(store_type, "_replace_verified", killed_before_the_second_swap)
    assert rotate().exit_code != 0
    monkeypatch.setattr(store_type, "_replace_verified", real_replace)
    monkeypatch.setattr(audio_key_rotation, "_audit", real_audit)
    new_id = audio_key_id(runtime.keys.load("audio"))
    assert blobs_by_key(runtime.blobs)[new_id] == 1
    assert_all_readable(runtime.blobs, blobs)  # one blob under the new key, the others under the old one

    result = rotate()  # the rerun resumes: no further key

    assert result.exit_code == 0, result.output
    assert "resuming" in result.output and audio_key_id(runtime.keys.load("audio")) == new_id
    assert blobs_by_key(runtime.blobs) == {new_id: 4}
    assert_all_readable(runtime.blobs, blobs)
    assert audit_types(runtime) == ["audio_key.rotation_started", "audio_key.rotation_started",
                                    "audio_key.rotation_finished"]


@MAKES_THE_KEY
def test_a_process_killed_between_retiring_and_replacing_the_key_loses_nothing(runtime, monkeypatch):
    """`retire_audio_key` first writes the retired copy, then replaces audio.key: a kill between
    the two leaves the old key current (and a copy of it), and the next run rotates normally."""
    blobs = stored_calls(runtime, count=2)
    old = runtime.keys.load("audio")
    from redactor import key_material

    real_write = key_material._write_key_file

    def killed_at_the_replacement(path, key, *, replace):
        if replace:
            raise KeyboardInterrupt
        real_write(path, key, replace=replace)

    monkeypatch.setattr(key_material, "_write_key_file", killed_at_the_replacement)
    assert rotate().exit_code != 0
    monkeypatch.setattr(key_material, "_write_key_file", real_write)
    assert runtime.keys.load("audio") == old and runtime.keys.retired_audio_key_file(audio_key_id(old)).exists()
    assert rotate().exit_code == 0
    assert blobs_by_key(runtime.blobs) == {audio_key_id(runtime.keys.load("audio")): 2}
    assert_all_readable(runtime.blobs, blobs)


@MAKES_THE_KEY
def test_reads_and_uploads_go_on_during_a_rotation(runtime, settings):
    """Another process (its keyring loaded before the rotation) reads every blob at every step, and
    its uploads during the rotation are sealed with the new key as soon as the key file changes."""
    blobs = stored_calls(runtime)
    other = ServiceRuntime.open(settings)  # e.g. the server, started before the rotation
    try:
        old_id, new_id = runtime.keys.retire_audio_key()
        seen = []

        def read_everything(progress) -> None:
            assert_all_readable(other.blobs, blobs)
            payload = f"uploaded during pass {progress.passes}, blob {progress.scanned}".encode()
            ref = other.blobs.put(io.BytesIO(payload))
            add_call(other, ref.key, payload)
            seen.append(other.blobs.sealed_with(ref.key))
            blobs[ref.key] = payload

        progress = rotate_audio_blobs(db=runtime.db, blobs=runtime.blobs, key_id=new_id,
                                      on_progress=read_everything, progress_every=1)
        assert progress.finished and progress.resealed == 4
        assert set(seen) == {new_id}
        assert blobs_by_key(runtime.blobs) == {new_id: len(blobs)}
        assert_all_readable(other.blobs, blobs)
    finally:
        other.close()


@MAKES_THE_KEY
def test_a_blob_erased_during_its_reencryption_is_not_brought_back(runtime, monkeypatch):
    blobs = stored_calls(runtime, count=2)
    victim = next(iter(blobs))
    store_type = type(runtime.blobs)
    real_reseal = store_type.reseal

    def erased_meanwhile(self, key):
        ref = real_reseal(self, key)
        if key == victim:  # the erasure detached the call while the new envelope was swapped in
            with runtime.db.session() as session:
                session.execute(Call.__table__.update().where(Call.audio_blob_key == key).values(audio_blob_key=None))
                session.commit()
        return ref

    _, new_id = runtime.keys.retire_audio_key()
    monkeypatch.setattr(store_type, "reseal", erased_meanwhile)
    progress = rotate_audio_blobs(db=runtime.db, blobs=runtime.blobs, key_id=new_id)
    assert progress.gone == 1 and progress.resealed == 1
    assert not runtime.blobs.exists(victim)


@MAKES_THE_KEY
def test_a_missing_retired_key_is_named_and_stops_the_rotation(runtime, settings):
    blobs = stored_calls(runtime, count=2)
    old_id, _ = runtime.keys.retire_audio_key()
    runtime.keys.retired_audio_key_file(old_id).unlink()  # the operator removed it too early
    fresh = ServiceRuntime.open(settings)
    try:
        sealed_with_old = next(k for k in blobs if fresh.blobs.sealed_with(k) == old_id)
        with pytest.raises(AudioKeyUnavailableError) as missing:
            b"".join(fresh.blobs.iter_chunks(sealed_with_old))
        assert missing.value.code == "audio_key_unavailable"
        assert f"audio.{old_id}.key" in str(missing.value) and old_id in str(missing.value)
        with pytest.raises(BlobIntegrityError):  # a v1 blob: no key id, no key of the ring opens it
            b"".join(fresh.blobs.iter_chunks(next(k for k in blobs if k != sealed_with_old)))
    finally:
        fresh.close()
    result = CliRunner().invoke(keys_command, ["rotate-audio"])
    assert result.exit_code == 1 and "could not be re-encrypted" in result.output
    assert audit_types(runtime)[-1] == "audio_key.rotation_stopped"
    assert f"{old_id}\t1\tNOT INSTALLED" in rotate("--status").output


@MAKES_THE_KEY
def test_a_retired_key_file_holding_another_key_is_refused_by_name(runtime):
    old_id, _ = runtime.keys.retire_audio_key()
    path = runtime.keys.retired_audio_key_file(old_id)
    wrong = runtime.keys.key_file("caller").read_text()
    path.write_text(wrong)
    with pytest.raises(KeyMaterialError) as refused:
        AudioKeyFiles(runtime.keys).keyring()
    message = str(refused.value)
    assert path.name in message and "holds audio key" in message and wrong.strip() not in message


def test_a_configured_audio_key_is_not_rotated_by_the_command(service_settings, tmp_path):
    """With REDACTOR_AUDIO_KEY(_FILE) the new key is installed in the configuration, not made here."""
    settings = service_settings.model_copy(update={"audio_key_file": tmp_path / "audio.secret"})
    (tmp_path / "audio.secret").write_text("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n")
    (tmp_path / "audio.secret").chmod(0o400)
    with pytest.raises(KeyMaterialError, match="from the configuration"):
        KeyMaterial.from_settings(settings).retire_audio_key()


def test_audio_key_id_prints_the_name_a_retired_key_file_takes():
    key = bytes(range(32))
    result = CliRunner().invoke(keys_command, ["audio-key-id"], input=base64.b64encode(key).decode() + "\n")
    assert result.exit_code == 0 and result.output.strip() == audio_key_id(key)
    refused = CliRunner().invoke(keys_command, ["audio-key-id"], input="not a key\n")
    assert refused.exit_code == 2 and "not base64" in refused.output


def test_in_cluster_mode_the_operator_installs_the_keys(runtime, settings):
    """README's cluster procedure: both keys installed in the keys folder, the new one made current
    by the operator; the command makes no key and re-encrypts everything with the new one."""
    if not settings.cluster_mode:
        pytest.skip("cluster mode needs a database server: run with --database=postgresql")
    blobs = stored_calls(runtime)
    old, new = runtime.keys.load("audio"), os.urandom(32)
    for path, key in ((runtime.keys.retired_audio_key_file(audio_key_id(old)), old),
                      (runtime.keys.key_file("audio"), new)):
        path.write_text(base64.b64encode(key).decode() + "\n")
        path.chmod(0o600)

    result = rotate()

    assert result.exit_code == 0, result.output
    assert "new audio key" not in result.output and runtime.keys.load("audio") == new
    assert blobs_by_key(runtime.blobs) == {audio_key_id(new): 4}
    assert_all_readable(runtime.blobs, blobs)
