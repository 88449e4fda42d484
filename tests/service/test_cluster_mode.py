"""Cluster mode (a database server several nodes share): the schema is migrated once, by
`redactor db upgrade` under a lock, and every other process refuses a schema that is not current;
keys come only from configuration. The embedded SQLite default keeps migrating at start and
creating its keys on first use (tests/service/test_key_material.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import text

from redactor.cli import main
from redactor.config import Settings
from redactor.errors import SchemaNotCurrentError
from redactor.key_material import KeyName, KeyNotConfiguredError, create_key_files
from redactor.service.runtime import ServiceRuntime
from redactor.store.db import alembic_config, open_database, upgrade_database

# Parses as a PostgreSQL URL; nothing listens there (key checks refuse before connecting).
UNREACHABLE_POSTGRES = "postgresql+psycopg://redactor@/redactor?host=/nonexistent"


@pytest.fixture
def empty_database(postgres_server):
    """A database with no schema on the session's PostgreSQL server: its URL."""
    from servers import create_database, drop_database

    url = create_database(postgres_server, f"empty_{uuid.uuid4().hex}")
    yield url
    drop_database(postgres_server, url)


@pytest.fixture
def cluster_env(tmp_path, empty_database, monkeypatch):
    """The environment of a cluster node on `empty_database`, with its keys configured."""
    keys_dir = tmp_path / "keys"
    create_key_files(keys_dir)
    env = {"REDACTOR_DATABASE_URL": empty_database, "REDACTOR_KEYS_DIR": str(keys_dir),
           "REDACTOR_DATA_DIR": str(tmp_path / "data"), "REDACTOR_WORK_DIR": str(tmp_path / "work")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def cluster_settings(tmp_path, url: str, **overrides) -> Settings:
    return Settings(data_dir=tmp_path / "data", work_dir=tmp_path / "work", database_url=url, **overrides)


def test_cluster_mode_is_a_database_server_and_sqlite_is_embedded(tmp_path):
    assert not Settings(data_dir=tmp_path).cluster_mode
    assert not Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/other.db").cluster_mode
    assert Settings(data_dir=tmp_path, database_url=UNREACHABLE_POSTGRES).cluster_mode


# --- the schema -------------------------------------------------------------------------

def test_three_processes_started_at_once_on_an_empty_database_migrate_it_once(cluster_env):
    # Each process imports everything first and waits on stdin, so that the three upgrades
    # really start together (without the advisory lock, two of them collide in DDL).
    waiting = ("import sys, redactor.store.commands, redactor.store.db, alembic.command; "
               "from redactor.cli import main; sys.stdin.readline(); main(['db', 'upgrade'])")
    processes = [subprocess.Popen([sys.executable, "-c", waiting], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env={**os.environ, **cluster_env})
                 for _ in range(3)]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], results
    outputs = sorted(stdout for stdout, _ in results)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert outputs == [f"migrated the database schema from (empty) to {head}\n"] + \
        [f"the database schema is current ({head}); nothing to migrate\n"] * 2
    db = open_database(cluster_env["REDACTOR_DATABASE_URL"])
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
        db.require_current()
    finally:
        db.dispose()


def test_a_node_refuses_an_unmigrated_database_and_starts_after_db_upgrade(cluster_env):
    cli = CliRunner()
    refused = cli.invoke(main, ["keys", "list"])
    assert refused.exit_code == 1
    assert "has no schema yet; run `redactor db upgrade` once" in refused.output
    assert "Traceback" not in refused.output
    db = open_database(cluster_env["REDACTOR_DATABASE_URL"])
    try:
        with db.engine.connect() as connection:  # the refusal created nothing, not even Alembic's table
            assert connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0
    finally:
        db.dispose()
    assert cli.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert cli.invoke(main, ["keys", "list"]).exit_code == 0


def test_a_node_refuses_a_schema_older_or_newer_than_its_code(tmp_path, cluster_env):
    scripts = ScriptDirectory.from_config(alembic_config())
    previous = scripts.get_revision(scripts.get_current_head()).down_revision
    url = cluster_env["REDACTOR_DATABASE_URL"]
    settings = cluster_settings(tmp_path, url, keys_dir=tmp_path / "keys")
    db = open_database(url)
    try:
        upgrade_database(db.engine, previous)
        with pytest.raises(SchemaNotCurrentError, match=f"at schema revision {previous}, older than.*"
                                                        "run `redactor db upgrade` once"):
            ServiceRuntime.open(settings)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with pytest.raises(SchemaNotCurrentError, match="9999_from_the_future, which this release does not know"):
            ServiceRuntime.open(settings)
    finally:
        db.dispose()


def test_the_refusal_has_a_stable_code_and_names_the_database(tmp_path):
    from sqlalchemy import create_engine

    from redactor.store.db import require_current_schema

    engine = create_engine(f"sqlite:///{tmp_path}/empty.db")
    try:
        with pytest.raises(SchemaNotCurrentError, match="empty.db has no schema yet") as refused:
            require_current_schema(engine)
    finally:
        engine.dispose()
    assert (refused.value.status, refused.value.code) == (503, "schema_not_current")


def test_sqlite_processes_still_migrate_at_start_and_db_upgrade_works_there(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDACTOR_DATABASE_URL", raising=False)
    runtime = ServiceRuntime.open(Settings(data_dir=tmp_path / "data", work_dir=tmp_path / "work"))
    runtime.db.require_current()
    runtime.close()
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0 and "nothing to migrate" in result.stdout


# --- keys ---------------------------------------------------------------------------------

def test_a_cluster_node_without_keys_refuses_naming_the_settings_and_creates_nothing(tmp_path):
    settings = cluster_settings(tmp_path, UNREACHABLE_POSTGRES)
    with pytest.raises(KeyNotConfiguredError) as refused:
        ServiceRuntime.open(settings)
    message = str(refused.value)
    assert "REDACTOR_AUDIO_KEY_FILE" in message and "REDACTOR_KEYS_DIR" in message
    assert "never created on first use" in message
    assert not (tmp_path / "data" / "keys").exists()


def test_a_cluster_keys_dir_missing_a_key_is_refused_not_filled(tmp_path):
    keys_dir = tmp_path / "keys"
    create_key_files(keys_dir)
    (keys_dir / "pseudonym.key").unlink()  # the worker's key: refused at start, not at model loading
    settings = cluster_settings(tmp_path, UNREACHABLE_POSTGRES, keys_dir=keys_dir)
    with pytest.raises(KeyNotConfiguredError, match=r"no pseudonym key: .*pseudonym.key does not exist, and in "
                                                    "cluster mode keys are never created"):
        ServiceRuntime.open(settings)
    assert not (keys_dir / "pseudonym.key").exists()


def test_cluster_keys_may_come_from_values_and_mounted_secrets(tmp_path):
    import base64

    secrets_dir = tmp_path / "secrets"
    create_key_files(secrets_dir)
    value = base64.b64encode(bytes(range(32))).decode()
    settings = cluster_settings(tmp_path, UNREACHABLE_POSTGRES, audio_key=value,
                                caller_hash_key_file=secrets_dir / "caller.key",
                                pseudonym_key_file=secrets_dir / "pseudonym.key",
                                audit_key_file=secrets_dir / "audit.key")
    from redactor.key_material import KeyMaterial

    keys = KeyMaterial.from_settings(settings).load_all()
    assert keys[KeyName.AUDIO] == bytes(range(32))
    assert keys[KeyName.AUDIT] == base64.b64decode((secrets_dir / "audit.key").read_text())


def test_secrets_create_makes_the_four_keys_once_and_never_replaces_one(tmp_path):
    keys_dir = tmp_path / "keys"
    cli = CliRunner()
    first = cli.invoke(main, ["secrets", "create", str(keys_dir)])
    assert first.exit_code == 0
    assert sorted(first.output.splitlines()) == sorted(f"created {keys_dir / name}.key" for name in KeyName)
    files = {path.name: path.read_bytes() for path in keys_dir.iterdir()}
    assert sorted(files) == sorted(f"{name}.key" for name in KeyName)
    assert keys_dir.stat().st_mode & 0o777 == 0o700
    assert all((keys_dir / name).stat().st_mode & 0o777 == 0o600 for name in files)
    again = cli.invoke(main, ["secrets", "create", str(keys_dir)])
    assert again.exit_code == 0 and "kept 4 existing key file(s)" in again.output
    assert {path.name: path.read_bytes() for path in keys_dir.iterdir()} == files
