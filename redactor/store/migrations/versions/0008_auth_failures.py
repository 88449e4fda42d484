"""Failed authentications in the database, so that every API process counts the same failures.

Revision ID: 0008_auth_failures
Revises: 0007_call_scope
Create Date: 2026-12-02

The throttle counted failures in each process's memory: with several API replicas a client got
the allowance of guesses once per replica. Rows name the client by a keyed digest of its address
only (see redactor.store.auth_failures).
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0008_auth_failures"
down_revision = "0007_call_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_digest", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_auth_failures_failed_at", "auth_failures", ["failed_at"])
    op.create_index("ix_auth_failures_client_time", "auth_failures", ["client_digest", "failed_at"])


def downgrade() -> None:
    op.drop_table("auth_failures")
