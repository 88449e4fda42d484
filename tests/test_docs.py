"""The README documents every setting and opens with exactly the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redactor.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def configuration_section() -> str:
    match = re.search(r"^## Configuration\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert match, "README.md has no '## Configuration' section"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name):
    assert f"`REDACTOR_{name.upper()}`" in configuration_section(), (
        f"document REDACTOR_{name.upper()} in README.md's Configuration section")


def test_readme_opens_with_the_run_and_test_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["scripts/run", "scripts/test"]
    assert (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text().strip().endswith("exec scripts/test")
