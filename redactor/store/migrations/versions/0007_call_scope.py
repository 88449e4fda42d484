"""Idempotency per integration: `external_id` is unique per uploading key, not across all keys.

Revision ID: 0007_call_scope
Revises: 0006_postgresql_search
Create Date: 2026-12-02

Two telephony systems may number their calls alike, and one system's external_id must never
lead to another system's call (re-posting it used to return that call's id).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_call_scope"
down_revision = "0006_postgresql_search"
branch_labels = None
depends_on = None

# SQLite gave 0001's `unique=True` no name; this convention names it so batch mode can drop it.
_NAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _external_id_constraint(bind) -> str:
    """The name 0001's unique constraint got: unnamed on SQLite, the server's default elsewhere."""
    if bind.dialect.name == "sqlite":
        return "uq_calls_external_id"
    return next(constraint["name"] for constraint in sa.inspect(bind).get_unique_constraints("calls")
                if constraint["column_names"] == ["external_id"])


def upgrade() -> None:
    name = _external_id_constraint(op.get_bind())
    with op.batch_alter_table("calls", naming_convention=_NAMED) as batch:
        batch.drop_constraint(name, type_="unique")
        batch.create_unique_constraint("uq_calls_uploader_external_id", ["uploaded_by_key_id", "external_id"])


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint("uq_calls_uploader_external_id", type_="unique")
        batch.create_unique_constraint("uq_calls_external_id", ["external_id"])
