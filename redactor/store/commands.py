"""`redactor db upgrade`: the one way a cluster's database schema is migrated.

On the embedded SQLite database every process migrates at start, as before; in cluster mode
(`Settings.cluster_mode`) processes refuse a schema that is not current, and the operator runs
this once per release, before starting it (README, "Running a cluster").
"""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """The database schema (REDACTOR_DATABASE_URL, default SQLite in REDACTOR_DATA_DIR)."""


@db.command("upgrade")
def upgrade() -> None:
    """Apply this release's schema migrations, under a lock: processes started at once migrate once."""
    from pathlib import Path

    from redactor.config import get_settings
    from redactor.private_files import private_dir
    from redactor.store.db import open_database, prepare_sqlite_file

    settings = get_settings()
    url = settings.sqlalchemy_url
    if not settings.cluster_mode:
        private_dir(Path(settings.data_dir), what="data directory")
        prepare_sqlite_file(url)
    database = open_database(url)
    try:
        result = database.upgrade()
    finally:
        database.dispose()
    if result.applied:
        click.echo(f"migrated the database schema from {result.before or '(empty)'} to {result.after}")
    else:
        click.echo(f"the database schema is current ({result.after}); nothing to migrate")
