"""`redactor keys ...` and `redactor serve --help` through click's CliRunner."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from redactor.cli import main


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDACTOR_DATABASE_URL", raising=False)
    return CliRunner()


def test_keys_create_prints_the_key_alone_once(cli, tmp_path):
    result = cli.invoke(main, ["keys", "create", "--role", "qa", "--label", "qa team"])
    assert result.exit_code == 0, result.output
    parts = re.fullmatch(r"rdk_([0-9a-z]{12})_([A-Za-z0-9_-]{43})\n", result.stdout)
    assert parts, result.stdout
    token = result.stdout.strip()
    key_id, secret = parts.groups()  # the secret is base64url: it may itself contain "_"
    listed = cli.invoke(main, ["keys", "list"])
    assert key_id in listed.stdout and "qa" in listed.stdout and token not in listed.stdout
    database = (tmp_path / "data" / "redactor.db").read_bytes()
    assert secret.encode() not in database
    assert cli.invoke(main, ["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in cli.invoke(main, ["keys", "list"]).stdout


@pytest.mark.parametrize("args,message", [
    (["keys", "create"], "Missing option '--role'"),
    (["keys", "create", "--role", "root"], "'root' is not one of"),
    (["keys", "revoke", "nosuchkey"], "no active key nosuchkey"),
])
def test_keys_bad_input(cli, args, message):
    result = cli.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "rdk_" not in result.output


def test_serve_help_lists_its_options(cli):
    result = cli.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--host" in result.stdout and "--port" in result.stdout
