"""`redactor models install`: assemble the bundled model from its packages, verify, refuse damage."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from redactor.config import Settings
from redactor.transcribe import ModelChecksumError, ModelNotInstalledError, Transcriber
from redactor.transcribe.commands import models
from redactor.transcribe.model_store import (
    DEFAULT_MODEL_NAME,
    MANIFEST_PATH,
    MODELS_DIR,
    check_model_dir,
    get_spec,
    install_model,
    sha256_of,
    verify_model_dir,
)

PINNED_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


def test_manifest_pins_the_model_checksum():
    spec = get_spec(DEFAULT_MODEL_NAME)
    model_bin = next(f for f in spec.files if f.name == "model.bin")
    assert model_bin.sha256 == PINNED_MODEL_SHA256
    assert model_bin.parts == ("model.bin.part1", "model.bin.part2")


def test_install_is_idempotent_and_verifies_the_repository_model():
    install_model(models_dir=MODELS_DIR)  # assembles on a fresh clone
    result = install_model(models_dir=MODELS_DIR)
    assert not result.assembled and result.installed_packages == ()
    assert sha256_of(result.path / "model.bin") == PINNED_MODEL_SHA256


def test_assembles_into_an_empty_store_then_repairs_damage(tmp_path):
    first = install_model(models_dir=tmp_path)
    assert first.assembled
    verify_model_dir(get_spec(DEFAULT_MODEL_NAME), first.path)
    with open(first.path / "model.bin", "r+b") as fh:  # flip one byte in the weights
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelChecksumError, match="redactor models install"):
        verify_model_dir(get_spec(DEFAULT_MODEL_NAME), first.path)
    assert install_model(models_dir=tmp_path).assembled  # re-assembled from the packages
    assert sha256_of(first.path / "model.bin") == PINNED_MODEL_SHA256


def test_checksum_mismatch_is_an_error_and_leaves_no_model(tmp_path):
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    manifest[DEFAULT_MODEL_NAME]["files"]["model.bin"]["sha256"] = "0" * 64
    bad_manifest = tmp_path / "manifest.json"
    bad_manifest.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelChecksumError, match="expected 0000") as raised:
        install_model(models_dir=tmp_path / "store", manifest_path=bad_manifest)
    assert raised.value.code == "model_checksum_mismatch"
    leftovers = sorted(p.name for p in (tmp_path / "store" / DEFAULT_MODEL_NAME).iterdir())
    assert "model.bin" not in leftovers and not any(name.endswith(".partial") for name in leftovers)


def test_uninstallable_packages_give_a_clear_error(tmp_path):
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    manifest["broken"] = {
        "packages": [{"requirement": str(tmp_path / "absent-1.0-py3-none-any.whl"), "module": "absent_model_data"}],
        "files": {"model.bin": {"parts": ["model.bin"], "sha256": "0" * 64}},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelNotInstalledError, match="pip could not install"):
        install_model("broken", models_dir=tmp_path / "store", manifest_path=path)


def test_unknown_model_name_lists_known_ones():
    with pytest.raises(ModelNotInstalledError, match=DEFAULT_MODEL_NAME):
        get_spec("whisper-huge")


def test_empty_model_dir_says_how_to_fix(tmp_path):
    with pytest.raises(ModelNotInstalledError, match="redactor models install") as raised:
        check_model_dir(tmp_path)
    assert raised.value.code == "model_not_installed"
    with pytest.raises(ModelNotInstalledError, match="REDACTOR_WHISPER_MODEL_DIR"):
        Transcriber.from_settings(Settings(whisper_model_dir=tmp_path))


def test_cli_install_reports_already_installed():
    result = CliRunner().invoke(models, ["install"])
    assert result.exit_code == 0, result.output
    assert "already installed, verified" in result.output


def test_cli_install_unknown_name_fails_cleanly():
    result = CliRunner().invoke(models, ["install", "--name", "whisper-huge"])
    assert result.exit_code == 1
    assert "[model_not_installed]" in result.output and DEFAULT_MODEL_NAME in result.output
