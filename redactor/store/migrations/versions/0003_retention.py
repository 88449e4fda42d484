"""Retention: policy, legal holds, contract ends, pending blob deletions, privacy requests.

Revision ID: 0003_retention
Revises: 0002_redacted_audio
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0003_retention"
down_revision = "0002_redacted_audio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_policy",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("policy_json", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by_key_id", sa.String(32), nullable=True),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(36), nullable=False, index=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("placed_at", UtcDateTime(), nullable=False),
        sa.Column("placed_by_key_id", sa.String(32), nullable=True),
        sa.Column("released_at", UtcDateTime(), nullable=True),
        sa.Column("released_by_key_id", sa.String(32), nullable=True),
    )
    op.create_table(
        "contract_ends",
        sa.Column("caller_hash", sa.String(64), primary_key=True),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by_key_id", sa.String(32), nullable=True),
    )
    op.create_table(
        "pending_blob_deletions",
        sa.Column("blob_key", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(36), nullable=False, index=True),
        sa.Column("artifact", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("privacy_request_id", sa.String(36), nullable=True, index=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verification_method", sa.String(32), nullable=False),
        sa.Column("verification_note", sa.String(200), nullable=True),
        sa.Column("calls_found", sa.Integer(), nullable=False),
        sa.Column("calls_held", sa.Integer(), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=True),
        sa.Column("package_bytes", sa.Integer(), nullable=True),
        sa.Column("requested_by_key_id", sa.String(32), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_privacy_requests_created", "privacy_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_privacy_requests_created", table_name="privacy_requests")
    for table in ("privacy_requests", "pending_blob_deletions", "contract_ends", "legal_holds",
                  "retention_policy"):
        op.drop_table(table)
