"""Prints the sha256 of pyproject.toml's dependency lists, the input of the locks.

scripts/lock writes it into each lock's first line; tests/test_lock.py recomputes it, so a
dependency changed in pyproject.toml without `scripts/lock` fails the suite.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def dependency_digest(pyproject: Path = PYPROJECT) -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    inputs = {
        "build-system": sorted(project["build-system"]["requires"]),
        "dependencies": sorted(project["project"]["dependencies"]),
        "optional-dependencies": {
            name: sorted(requirements)
            for name, requirements in project["project"].get("optional-dependencies", {}).items()
        },
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


if __name__ == "__main__":
    print(dependency_digest())
