"""Privacy cases, the third-party provision ledger and outsourcing contractors.

Revision ID: 0005_privacy_cases
Revises: 0004_erasable_request_notes
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0005_privacy_cases"
down_revision = "0004_erasable_request_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("requester", sa.String(16), nullable=False),
        sa.Column("agent_relationship", sa.String(32), nullable=True),
        sa.Column("caller_hash", sa.String(64), nullable=True, index=True),
        sa.Column("state", sa.String(24), nullable=False, index=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("opened_by_key_id", sa.String(32), nullable=True),
        sa.Column("form_sent_at", UtcDateTime(), nullable=True),
        sa.Column("form_sent_via", sa.String(16), nullable=True),
        sa.Column("form_sent_by_key_id", sa.String(32), nullable=True),
        sa.Column("identity_verified_at", UtcDateTime(), nullable=True),
        sa.Column("identity_method", sa.String(32), nullable=True),
        sa.Column("identity_note", sa.String(200), nullable=True),
        sa.Column("agent_authority_method", sa.String(32), nullable=True),
        sa.Column("identity_verified_by_key_id", sa.String(32), nullable=True),
        sa.Column("fee_received_at", UtcDateTime(), nullable=True),
        sa.Column("fee_amount_yen", sa.Integer(), nullable=True),
        sa.Column("fee_method", sa.String(32), nullable=True),
        sa.Column("fee_recorded_by_key_id", sa.String(32), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decision_reason", sa.String(40), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("outcome_json", sa.Text(), nullable=True),
        sa.Column("privacy_request_id", sa.String(36), nullable=True),
        sa.Column("decided_by_key_id", sa.String(32), nullable=True),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
        sa.Column("notified_via", sa.String(16), nullable=True),
        sa.Column("notified_by_key_id", sa.String(32), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_privacy_cases_received", "privacy_cases", ["received_at"])
    op.create_table(
        "outsourcing_contractors",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("contract_start", sa.Date(), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_key_id", sa.String(32), nullable=True),
    )
    op.create_table(
        "third_party_provisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("provided_on", sa.Date(), nullable=False, index=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("contractor_id", sa.Integer(), sa.ForeignKey("outsourcing_contractors.id"), nullable=True,
                  index=True),
        sa.Column("caller_hash", sa.String(64), nullable=True, index=True),
        sa.Column("call_ids_json", sa.Text(), nullable=False),
        sa.Column("data_categories_json", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(32), nullable=False),
        sa.Column("basis_reference", sa.String(200), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by_key_id", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("third_party_provisions")
    op.drop_table("outsourcing_contractors")
    op.drop_index("ix_privacy_cases_received", table_name="privacy_cases")
    op.drop_table("privacy_cases")
