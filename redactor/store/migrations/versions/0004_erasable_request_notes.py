"""Privacy-request notes are erasable: the keyed caller hash beside a note, none kept on deletions.

Revision ID: 0004_erasable_request_notes
Revises: 0003_retention
Create Date: 2026-12-02

Rows written before this revision have no caller hash, so their notes cannot be found by a
later deletion request. A deletion request's own note named how the now-erased caller proved
who they were: those are cleared here. Notes of earlier disclosures stay, as nothing links them
to a caller.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_erasable_request_notes"
down_revision = "0003_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_requests") as batch:
        batch.add_column(sa.Column("caller_hash", sa.String(64), nullable=True))
        batch.create_index("ix_privacy_requests_caller_hash", ["caller_hash"])
    op.execute("UPDATE privacy_requests SET verification_note = NULL WHERE type = 'deletion'")


def downgrade() -> None:
    with op.batch_alter_table("privacy_requests") as batch:
        batch.drop_index("ix_privacy_requests_caller_hash")
        batch.drop_column("caller_hash")
