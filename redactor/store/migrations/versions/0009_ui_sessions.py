"""Browser sessions of the review workspace move from one process's memory into the database.

Revision ID: 0009_ui_sessions
Revises: 0008_auth_failures
Create Date: 2026-12-02

With several API replicas behind a load balancer, a browser signed in through one must be
served by any other (`redactor.store.ui_sessions`). Rows hold the sha256 of the session id,
never the id.
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0009_ui_sessions"
down_revision = "0008_auth_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ui_sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_ui_sessions_key_id", "ui_sessions", ["key_id"])
    op.create_index("ix_ui_sessions_last_seen", "ui_sessions", ["last_seen"])


def downgrade() -> None:
    op.drop_table("ui_sessions")
