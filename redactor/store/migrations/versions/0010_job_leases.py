"""Several worker processes on one database: job leases with fencing tokens, one unfinished job
per call, and periodic runs claimed once per interval.

Revision ID: 0010_job_leases
Revises: 0009_ui_sessions
Create Date: 2026-12-02

`jobs.claim_token` names the claim a worker holds (a new one at each claim) and
`jobs.claimed_until` its lease, renewed while the worker works; any worker re-queues a running
job whose lease expired. A running job without a lease (left by an earlier version) counts as
expired, so the first worker to look re-queues it, as the old start-up re-queue did.
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0010_job_leases"
down_revision = "0009_ui_sessions"
branch_labels = None
depends_on = None

UNFINISHED = "state IN ('queued', 'transcribing', 'redacting')"


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claimed_until", UtcDateTime(), nullable=True))
    op.create_index("uq_jobs_one_unfinished_per_call", "jobs", ["call_id"], unique=True,
                    sqlite_where=sa.text(UNFINISHED), postgresql_where=sa.text(UNFINISHED))
    op.create_table(
        "scheduled_runs",
        sa.Column("task", sa.String(64), primary_key=True),
        sa.Column("slot_start", UtcDateTime(), primary_key=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
    op.drop_index("uq_jobs_one_unfinished_per_call", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claim_token")
