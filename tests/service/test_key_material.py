"""Keys from a separate folder or mounted secret files, private key files, a loud warning beside the data."""

from __future__ import annotations

import base64
import io
import logging
import os

import pytest

from redactor.config import Settings
from redactor.key_material import KeyMaterial, KeyMaterialError, KeyName, KeyNotConfiguredError
from redactor.service.runtime import ServiceRuntime

KEY = base64.b64encode(bytes(range(32))).decode()


def secret_file(path, mode: int = 0o600, value: str = KEY):
    path.write_text(value + "\n", encoding="ascii")
    path.chmod(mode)
    return path


def test_keys_dir_outside_the_data_dir_holds_every_key(tmp_path, caplog):
    settings = Settings(data_dir=tmp_path / "data", keys_dir=tmp_path / "keys", work_dir=tmp_path / "work")
    runtime = ServiceRuntime.open(settings)
    with caplog.at_level(logging.WARNING, logger="redactor.key_material"):
        runtime.sweep_leftovers()
    runtime.close()
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["audio.key", "audit.key", "caller.key"]
    assert not (tmp_path / "data" / "keys").exists()
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert "keys_beside_data" not in caplog.text


@pytest.mark.sqlite_only("only the embedded default keeps keys in <data_dir>/keys; in cluster mode they are "
                         "configured (the fixture's lie outside the data dir)")
def test_keys_inside_the_data_dir_are_warned_about_at_start(runtime, caplog):
    with caplog.at_level(logging.WARNING, logger="redactor.key_material"):
        runtime.sweep_leftovers()
    assert "keys_beside_data" in caplog.text and "REDACTOR_KEYS_DIR" in caplog.text
    assert str(runtime.settings.data_dir) in caplog.text and "audio.key" in caplog.text  # which folder, which files
    assert KEY not in caplog.text


def test_the_key_files_in_use_inside_the_data_dir_are_listed(tmp_path):
    """`files_beside` names the file each key is read from: a mounted secret (with or without a
    keys folder), not a key file that is not used; a key given by value has no file."""
    data = tmp_path / "data"
    data.mkdir()
    secret = secret_file(data / "audio-secret")
    settings = Settings(data_dir=data, keys_dir=tmp_path / "keys", audio_key_file=secret)
    assert KeyMaterial.from_settings(settings).files_beside(data) == [secret]
    in_data = Settings(data_dir=data, audio_key=KEY)  # the other keys in <data>/keys
    assert sorted(p.name for p in KeyMaterial.from_settings(in_data).files_beside(data)) == [
        "audit.key", "caller.key", "pseudonym.key"]
    no_folder = KeyMaterial(keys_dir=None, values={name: None for name in KeyName},
                            files={name: secret if name == KeyName.AUDIO else None for name in KeyName},
                            create_missing=False)  # cluster mode: every key configured, no keys folder
    assert no_folder.files_beside(data) == [secret]


def test_rotating_without_an_audio_key_refuses_and_creates_none(tmp_path):
    keys = KeyMaterial.from_settings(Settings(data_dir=tmp_path, keys_dir=tmp_path / "keys"))
    with pytest.raises(KeyNotConfiguredError, match="audio.key does not exist"):
        keys.retire_audio_key()
    assert not (tmp_path / "keys").exists() or not list((tmp_path / "keys").iterdir())


def test_a_mounted_secret_file_is_used_and_never_written(tmp_path, caplog):
    secret = secret_file(tmp_path / "audio-secret", 0o400)
    settings = Settings(data_dir=tmp_path / "data", audio_key_file=secret, work_dir=tmp_path / "work")
    with caplog.at_level(logging.WARNING, logger="redactor.key_material"):
        runtime = ServiceRuntime.open(settings)
    assert "readable by group or others" not in caplog.text  # 0400 is private
    ref = runtime.blobs.put(io.BytesIO(b"recording"))
    runtime.close()
    assert b"".join(runtime.blobs.iter_chunks(ref.key)) == b"recording"
    assert KeyMaterial.from_settings(settings).load(KeyName.AUDIO) == bytes(range(32))
    assert not (tmp_path / "data" / "keys" / "audio.key").exists()
    assert secret.read_text() == KEY + "\n"


def test_one_source_per_key(tmp_path):
    settings = Settings(data_dir=tmp_path, audio_key=KEY, audio_key_file=secret_file(tmp_path / "s"))
    with pytest.raises(KeyMaterialError, match="REDACTOR_AUDIO_KEY and REDACTOR_AUDIO_KEY_FILE"):
        KeyMaterial.from_settings(settings)


def test_a_key_file_others_can_read_is_refused(tmp_path):
    keys = KeyMaterial.from_settings(Settings(data_dir=tmp_path))
    keys.load(KeyName.CALLER)
    keys.key_file(KeyName.CALLER).chmod(0o644)
    with pytest.raises(KeyMaterialError, match="chmod 600") as refused:
        keys.load(KeyName.CALLER)
    assert keys.key_file(KeyName.CALLER).read_text().strip() not in str(refused.value)


def test_secret_files_others_may_write_are_refused_readable_ones_warned(tmp_path, caplog):
    writable = Settings(data_dir=tmp_path, audit_key_file=secret_file(tmp_path / "w", 0o666))
    with pytest.raises(KeyMaterialError, match="may write"):
        KeyMaterial.from_settings(writable).load(KeyName.AUDIT)
    readable = Settings(data_dir=tmp_path, audit_key_file=secret_file(tmp_path / "r", 0o644))
    with caplog.at_level(logging.WARNING, logger="redactor.key_material"):
        assert KeyMaterial.from_settings(readable).load(KeyName.AUDIT) == bytes(range(32))
    assert "readable by group or others" in caplog.text
    assert f"{tmp_path / 'r'} (REDACTOR_AUDIT_KEY_FILE)" in caplog.text  # names the file and the setting


def test_a_secret_file_that_is_not_a_key_names_the_setting_and_the_file(tmp_path):
    settings = Settings(data_dir=tmp_path, audit_key_file=secret_file(tmp_path / "s", value="not a key!"))
    with pytest.raises(KeyMaterialError, match="not base64") as refused:
        KeyMaterial.from_settings(settings).load(KeyName.AUDIT)
    assert f"REDACTOR_AUDIT_KEY_FILE ({tmp_path / 's'})" in str(refused.value)
    assert "not a key!" not in str(refused.value)


def test_a_missing_secret_file_names_the_setting(tmp_path):
    settings = Settings(data_dir=tmp_path, caller_hash_key_file=tmp_path / "absent")
    with pytest.raises(KeyMaterialError, match="REDACTOR_CALLER_HASH_KEY_FILE names"):
        KeyMaterial.from_settings(settings).load(KeyName.CALLER)


def test_key_files_are_created_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        KeyMaterial.from_settings(Settings(data_dir=tmp_path)).load(KeyName.PSEUDONYM)
    finally:
        os.umask(old)
    assert (tmp_path / "keys" / "pseudonym.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700


def test_a_created_key_is_read_back_and_never_replaced(tmp_path):
    keys = KeyMaterial.from_settings(Settings(data_dir=tmp_path))
    first = keys.load(KeyName.CALLER)
    content = keys.key_file(KeyName.CALLER).read_bytes()
    again = KeyMaterial.from_settings(Settings(data_dir=tmp_path))  # a restart
    assert again.load(KeyName.CALLER) == first
    assert keys.key_file(KeyName.CALLER).read_bytes() == content
    assert base64.b64decode(content.strip()) == first
    assert again.load(KeyName.AUDIO) != first  # each name has its own key


def test_concurrent_first_loads_agree_on_one_key(tmp_path):
    import threading

    keys = KeyMaterial.from_settings(Settings(data_dir=tmp_path))
    loaded: list[bytes] = []
    start = threading.Barrier(16)

    def load() -> None:
        start.wait()
        loaded.append(keys.load(KeyName.AUDIO))

    threads = [threading.Thread(target=load) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loaded) == 16 and len(set(loaded)) == 1
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["audio.key"]  # no temp file left behind
