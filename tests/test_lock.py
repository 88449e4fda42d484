"""The hash-pinned locks that scripts/bootstrap installs agree with pyproject.toml."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {
    "run.lock": PYPROJECT["project"]["dependencies"] + PYPROJECT["build-system"]["requires"],
    "test.lock": (PYPROJECT["project"]["dependencies"] + PYPROJECT["build-system"]["requires"]
                  + PYPROJECT["project"]["optional-dependencies"]["test"]),
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _lock_digest() -> str:
    spec = importlib.util.spec_from_file_location("lock_digest", ROOT / "scripts" / "lock_digest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dependency_digest(ROOT / "pyproject.toml")


def _pins(text: str) -> dict[str, str]:
    return {canonicalize_name(m.group(1)): m.group(2)
            for m in map(PIN.match, text.splitlines()) if m}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_was_made_from_the_current_dependency_lists(lock):
    first_line = (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# pyproject-dependencies-sha256: {_lock_digest()}", (
        f"requirements/{lock} is stale: pyproject.toml's dependencies changed; run scripts/lock")


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_direct_requirement_is_pinned_within_its_range(lock):
    pins = _pins((ROOT / "requirements" / lock).read_text(encoding="utf-8"))
    for line in LOCKS[lock]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is missing from requirements/{lock}: run scripts/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement}: run scripts/lock")


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [block for block in blocks if PIN.match(block)]
    assert pinned, f"requirements/{lock} pins nothing"
    for block in pinned:
        assert "--hash=sha256:" in block, f"{block.splitlines()[0]} has no hash in requirements/{lock}"
