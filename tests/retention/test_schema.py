"""The retention tables in the models match what the Alembic revision creates."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from redactor.store.db import open_database
from redactor.store.models import Base

RETENTION_TABLES = {"retention_policy", "legal_holds", "contract_ends", "pending_blob_deletions", "privacy_requests"}


def _table_of(diff) -> str | None:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if name in RETENTION_TABLES:
                return name
    return None


def test_migration_creates_the_modelled_tables(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'schema.db'}")
    db.upgrade()
    with db.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    ours = [d for d in diffs if _table_of(d) in RETENTION_TABLES]
    assert not ours, ours
    with db.engine.connect() as connection:
        names = set(connection.dialect.get_table_names(connection))
    assert RETENTION_TABLES <= names
    db.dispose()
