"""PostgreSQL: an index of each turn's 1- and 2-character grams, for queries too short for pg_trgm.

Revision ID: 0011_short_query_search
Revises: 0010_job_leases
Create Date: 2026-12-03

A query under 3 characters has no trigram, and for `ILIKE '%解約%'` the trigram index (0006) can
only be scanned whole: with 600,000 turns that took a second. Japanese words are often two
characters (解約, 住所, 請求), so such queries are common. `redactor_short_grams(text)` is the
array of every character and every pair of adjacent characters of `lower(text)` (the folding
ILIKE applies), and a GIN index over it finds the turns holding a given 1- or 2-character string;
the ILIKE is still evaluated on them. Building it reads every turn once (about 25 s for 600,000
turns on the 2-core development machine). SQLite is untouched: its short queries scan, as before.
"""

from alembic import op

revision = "0011_short_query_search"
down_revision = "0010_job_leases"
branch_labels = None
depends_on = None

# Owned by redactor.store.search (as 0006's trigram index is), not by the models.
FUNCTION = "redactor_short_grams"
INDEX = "transcript_short_grams"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # IMMUTABLE: an index expression must be; lower() and substr() are.
    op.execute(f"""
        CREATE FUNCTION {FUNCTION}(body text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN ARRAY(
            SELECT substr(lower(body), position, width)
            FROM generate_series(1, char_length(body)) AS position, (VALUES (1), (2)) AS grams(width)
            WHERE position + width - 1 <= char_length(body))""")
    op.execute(f"CREATE INDEX {INDEX} ON transcript_turns USING gin ({FUNCTION}(text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")
