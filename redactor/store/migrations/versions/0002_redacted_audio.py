"""Redacted audio: the artifact table and the redaction time ranges stored with the transcript.

Revision ID: 0002_redacted_audio
Revises: 0001_initial
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0002_redacted_audio"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redacted_audio",
        sa.Column("call_id", sa.String(36), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("blob_key", sa.String(64), nullable=False, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("fill", sa.String(16), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("range_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    # A plain ADD COLUMN (nullable): no table rebuild, also on SQLite.
    op.add_column("transcripts", sa.Column("redacted_ranges_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transcripts") as batch:
        batch.drop_column("redacted_ranges_json")
    op.drop_table("redacted_audio")
