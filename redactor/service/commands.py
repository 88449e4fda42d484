"""`redactor keys ...`: API key management from the command line; `redactor secrets create`: the
service's own keys for a new cluster deployment."""

from __future__ import annotations

from pathlib import Path

import click

ROLE_CHOICES = ("telephony", "qa", "privacy_manager", "admin")


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (stored hashed in REDACTOR_DATA_DIR's database)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(ROLE_CHOICES), help="What the key may do.")
@click.option("--label", default=None, help="A note saying who or what uses the key (no personal data).")
def create(role: str, label: str | None) -> None:
    """Create a key and print it alone on stdout, once (only its hash is kept)."""
    from redactor.api_keys import create_key
    from redactor.config import get_settings
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(get_settings())
    try:
        with runtime.db.session() as session:
            created = create_key(session=session, role=role, label=label)
            session.commit()
    finally:
        runtime.close()
    click.echo(created.token)
    click.echo(f"created key {created.key_id} with role {created.role}; it is shown only this once", err=True)


@keys.command("list")
def list_() -> None:
    """List key ids, roles and labels (never the keys)."""
    from redactor.api_keys import list_keys
    from redactor.config import get_settings
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(get_settings())
    try:
        with runtime.db.read_session() as session:
            for key in list_keys(session=session):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                click.echo(f"{key.key_id}\t{key.role}\t{state}\t{key.label or ''}")
    finally:
        runtime.close()


@keys.command("revoke")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke the key KEY_ID at once."""
    from redactor import audit
    from redactor.api_keys import revoke_key
    from redactor.config import get_settings
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(get_settings())
    try:
        with runtime.db.session() as session:
            if not revoke_key(session=session, key_id=key_id, actor=audit.CLI):
                raise click.UsageError(f"no active key {key_id}; see `redactor keys list`")
            session.commit()
    finally:
        runtime.close()
    click.echo(f"revoked key {key_id}", err=True)


@click.group()
def secrets() -> None:
    """The service's own keys (audio, caller hash, pseudonym, audit): see README, "Configuration"."""


@secrets.command("create")
@click.argument("keys_dir", type=click.Path(file_okay=False, path_type=Path))
def create_secrets(keys_dir: Path) -> None:
    """Create the keys missing from KEYS_DIR (0600 files in a 0700 folder), for a new deployment.

    A cluster's nodes never create keys on first use: run this once, back KEYS_DIR up apart from
    the data, and give every node the same keys (REDACTOR_KEYS_DIR, or each file as a mounted
    secret through REDACTOR_<KEY>_FILE). An existing key is never replaced.
    """
    from redactor.key_material import KeyName, create_key_files

    created = create_key_files(keys_dir)
    for path in created:
        click.echo(f"created {path}", err=True)
    kept = len(KeyName) - len(created)
    if kept:
        click.echo(f"kept {kept} existing key file(s) in {keys_dir}", err=True)
