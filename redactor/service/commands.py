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


@keys.command("rotate-audio")
@click.option("--status", is_flag=True, help="Only count the stored recordings per audio key id; change nothing.")
def rotate_audio(status: bool) -> None:
    """Re-encrypt every stored recording with a new audio key, while the service runs.

    With the key in REDACTOR_KEYS_DIR (the default), a run makes the new key first and keeps the
    old one as audio.<key id>.key; a run after an interrupted one (Ctrl-C, kill -9, a failure)
    resumes it instead. With REDACTOR_AUDIO_KEY or REDACTOR_AUDIO_KEY_FILE, install the new key
    there and the old one as <keys_dir>/audio.<key id>.key on every node first (README). Exits 1
    until every recording in use is sealed with the current key.
    """
    from redactor.config import get_settings
    from redactor.key_material import KeyMaterialError
    from redactor.service.audio_key_rotation import blobs_by_key, pending_rotation, rotate_audio_blobs
    from redactor.service.runtime import ServiceRuntime

    runtime = ServiceRuntime.open(get_settings())
    try:
        ring = runtime.audio_keys.keyring()
        if status:
            for key_id, count in sorted(blobs_by_key(runtime.blobs).items()):
                role = ("current" if key_id == ring.current_id else "retired, installed" if key_id in ring.ids()
                        else "before key ids" if key_id == "v1" else "NOT INSTALLED")
                click.echo(f"{key_id}\t{count}\t{role}")
            return
        with runtime.db.read_session() as session:
            resuming = pending_rotation(session) == ring.current_id
        if not resuming and runtime.keys.makes_audio_keys:
            try:
                old_id, new_id = runtime.keys.retire_audio_key()
            except KeyMaterialError as error:
                raise click.UsageError(str(error)) from None
            click.echo(f"new audio key {new_id}; the old key {old_id} is kept as "
                       f"{runtime.keys.retired_audio_key_file(old_id)}", err=True)
        ring = runtime.audio_keys.keyring()
        click.echo(f"{'resuming' if resuming else 'starting'}: re-encrypting with audio key {ring.current_id}",
                   err=True)

        def report(progress) -> None:
            click.echo(f"pass {progress.passes}: scanned {progress.scanned}, re-encrypted {progress.resealed}, "
                       f"already current {progress.already_current}, not in use {progress.not_in_use}, "
                       f"gone {progress.gone}, failed {progress.failed}", err=True)

        progress = rotate_audio_blobs(db=runtime.db, blobs=runtime.blobs, key_id=ring.current_id, on_progress=report)
    finally:
        runtime.close()
    if progress.failed:
        raise click.ClickException(f"{progress.failed} recording(s) could not be re-encrypted (see the log: "
                                   "a retired key not installed, or an altered blob); fix that and run again")
    if not progress.finished:
        raise click.ClickException(f"recordings sealed with an old key still appeared after {progress.passes} "
                                   "passes: a process still seals with it; restart it with the new key and run again")
    retired = [key_id for key_id in ring.ids() if key_id != ring.current_id]
    click.echo(f"finished: every recording in use is sealed with audio key {ring.current_id}. Retired keys "
               f"still installed: {', '.join(retired) or 'none'}; remove a retired key once no backup you may "
               "restore needs it (README: rotating the audio key)", err=True)


@keys.command("audio-key-id")
def audio_key_id_command() -> None:
    """Print the id of the audio key (base64) read from stdin: the name its retired key file takes,
    <keys_dir>/audio.<key id>.key (README: rotating the audio key)."""
    import sys

    from redactor.blobstore import audio_key_id
    from redactor.key_material import KeyMaterialError, decode_key

    try:
        key = decode_key(sys.stdin.read().strip(), "stdin")
    except KeyMaterialError as error:
        raise click.UsageError(str(error)) from None
    click.echo(audio_key_id(key))


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
