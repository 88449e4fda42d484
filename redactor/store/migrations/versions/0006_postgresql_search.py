"""PostgreSQL: a pg_trgm GIN index over redacted turns, so substring search in Japanese is indexed.

Revision ID: 0006_postgresql_search
Revises: 0005_privacy_cases
Create Date: 2026-12-02

SQLite has its FTS5 trigram table (0001); this is PostgreSQL's counterpart, and a no-op elsewhere.
pg_trgm only makes trigrams of characters the database's LC_CTYPE calls alphanumeric: under the
C locale that is ASCII alone, Japanese text yields none and every search scans the whole table.
The migration therefore refuses such a database, saying how to create a suitable one.
"""

from alembic import op

revision = "0006_postgresql_search"
down_revision = "0005_privacy_cases"
branch_labels = None
depends_on = None

# Owned by redactor.store.search, not by the models (as SQLite's transcript_fts table is).
INDEX = "transcript_fts_trgm"


class UnsuitableDatabaseError(RuntimeError):
    """The PostgreSQL database was created with a locale or encoding search cannot work with."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    name, encoding, ctype = bind.exec_driver_sql(
        "SELECT datname, pg_encoding_to_char(encoding), datctype FROM pg_database "
        "WHERE datname = current_database()").one()
    if encoding != "UTF8" or ctype in ("C", "POSIX"):
        raise UnsuitableDatabaseError(
            f"database {name!r} has encoding {encoding} and LC_CTYPE {ctype}: pg_trgm cannot index "
            "Japanese text there. Create it with a UTF-8 locale, e.g. CREATE DATABASE redactor "
            "ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0")
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(f"CREATE INDEX {INDEX} ON transcript_turns USING gin (text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
