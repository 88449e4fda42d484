"""`redactor purge`, `redactor audit verify` and `redactor audit anchor` (entry points in pyproject.toml)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _settings(data_dir: Path | None):
    from redactor.config import get_settings

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def _require_database(settings) -> None:
    """Refuse to run on a data dir without a database (a typo would create an empty service)."""
    url = settings.sqlalchemy_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        raise click.UsageError(f"no database at {url[len('sqlite:///'):]}; pass --data-dir or set REDACTOR_DATA_DIR")


DATA_DIR_OPTION = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The service's data directory (default: REDACTOR_DATA_DIR, else ./data).")


@click.command()
@click.option("--dry-run", is_flag=True, help="List what would be purged; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of lines.")
@DATA_DIR_OPTION
def purge(dry_run: bool, as_json: bool, data_dir: Path | None) -> None:
    """Purge every artifact past its retention limit now (the service also does it hourly)."""
    from redactor import audit
    from redactor.retention.purge import purge_expired_artifacts
    from redactor.service.runtime import ServiceRuntime

    settings = _settings(data_dir)
    _require_database(settings)
    runtime = ServiceRuntime.open(settings)
    try:
        report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, dry_run=dry_run,
                                         actor=audit.CLI)
    finally:
        runtime.close()
    if as_json:
        click.echo(json.dumps({
            "dry_run": report.dry_run, "now": report.now.isoformat(), "counts": report.counts(),
            "resumed": report.resumed, "held": report.held, "failed": report.failed, "orphans": report.orphans,
            "items": [{"call_id": i.call_id, "artifact": i.artifact, "reason": i.reason,
                       "due_at": i.due_at.isoformat() if i.due_at else None} for i in report.items],
        }, indent=2))
    else:
        verb = "would purge" if dry_run else "purged"
        for item in report.items:
            due = item.due_at.isoformat() if item.due_at else "-"
            click.echo(f"{verb}\t{item.call_id}\t{item.artifact}\t{item.reason}\tdue {due}")
        click.echo(f"{len(report.items)} artifact(s) {verb}; {report.held} kept under a legal hold; "
                   f"{report.resumed} half-done deletion(s) {'waiting' if dry_run else 'finished'}; "
                   f"{report.orphans} orphan file(s) {'found' if dry_run else 'removed'}", err=True)
    if report.failed:
        click.echo(f"{report.failed} file(s) could not be deleted; see the log, the next purge retries", err=True)
        sys.exit(1)


@click.group()
def audit() -> None:
    """Inspect the hash-chained audit log."""


def _open_for_audit(settings):
    """The database with the audit key, never creating one (a new key would only report mismatches)."""
    from redactor.key_material import KeyMaterial, KeyMaterialError, KeyName
    from redactor.store.db import open_database

    _require_database(settings)
    try:
        key = KeyMaterial.from_settings(settings).load(KeyName.AUDIT, create=False)
    except KeyMaterialError as error:
        raise click.UsageError(str(error)) from None
    return open_database(settings.sqlalchemy_url, audit_key=key)


@audit.command("verify")
@DATA_DIR_OPTION
@click.option("--anchor", "anchor_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="A file of anchor lines (`redactor audit anchor --append FILE`): each "
                                 "anchored event must still be in the chain with its hash.")
def verify(data_dir: Path | None, anchor_file: Path | None) -> None:
    """Recompute the keyed audit chain; name every edited, removed or reordered event (exit 1 if any)."""
    from redactor.audit import chain_status, check_anchors, parse_anchors

    settings = _settings(data_dir)
    anchors = []
    if anchor_file is not None:
        try:
            anchors = parse_anchors(anchor_file.read_text(encoding="utf-8"), str(anchor_file))
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    db = _open_for_audit(settings)
    try:
        with db.read_session() as session:
            status = chain_status(session)
            problems = status.problems + check_anchors(session, anchors)
    finally:
        db.dispose()
    count = status.events
    for problem in problems:
        click.echo(problem)
    keyed = "" if status.keyed_from == 1 else f"; keyed from seq {status.keyed_from}, earlier events sha256 only"
    anchored = f"; {len(anchors)} anchor(s) found" if anchors else ""
    if problems:
        click.echo(f"audit chain BROKEN: {len(problems)} problem(s) in {count} event(s){keyed}", err=True)
        sys.exit(1)
    click.echo(f"audit chain intact: {count} event(s){keyed}{anchored}", err=True)


@audit.command("anchor")
@DATA_DIR_OPTION
@click.option("--append", "append_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also append the line to this file (fsynced): point it at append-only storage outside "
                   "the database's reach, and check it with `redactor audit verify --anchor FILE`.")
def anchor_command(data_dir: Path | None, append_to: Path | None) -> None:
    """Print the newest event's seq and hash as one JSON line, to keep outside the database."""
    import os

    from redactor.audit import anchor

    db = _open_for_audit(_settings(data_dir))
    try:
        with db.read_session() as session:
            latest = anchor(session)
    finally:
        db.dispose()
    if latest is None:
        raise click.UsageError("the audit log is empty; there is nothing to anchor yet")
    line = latest.line()
    if append_to is not None:
        fd = os.open(append_to, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    click.echo(line)
