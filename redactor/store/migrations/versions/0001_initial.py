"""Initial schema: calls, jobs, redacted transcripts, findings, API keys, audit log, consent policy.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from redactor.store.types import UtcDateTime

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("external_id", sa.String(200), nullable=False, unique=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("operator_id", sa.String(100), nullable=False, index=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("channels", sa.String(32), nullable=False),
        sa.Column("caller_hash", sa.String(64), nullable=True, index=True),
        sa.Column("consent_state", sa.String(16), nullable=False),
        sa.Column("consent_method", sa.String(64), nullable=True),
        sa.Column("consent_recorded_at", UtcDateTime(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False, index=True),
        sa.Column("status_reason", sa.String(64), nullable=True),
        sa.Column("audio_blob_key", sa.String(64), nullable=True),
        sa.Column("audio_sha256", sa.String(64), nullable=True),
        sa.Column("audio_bytes", sa.Integer(), nullable=True),
        sa.Column("audio_duration", sa.Float(), nullable=True),
        sa.Column("audio_channels", sa.Integer(), nullable=True),
        sa.Column("audio_codec", sa.String(32), nullable=True),
        sa.Column("uploaded_by_key_id", sa.String(32), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("processed_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_calls_started_at_id", "calls", ["started_at", "id"])

    op.create_table(
        "transcripts",
        sa.Column("call_id", sa.String(36), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "transcript_turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(36), sa.ForeignKey("transcripts.call_id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("call_id", "idx", name="uq_transcript_turns_call_idx"),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(36), sa.ForeignKey("transcripts.call_id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
    )
    op.create_index("ix_findings_type_call", "findings", ["type", "call_id"])

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(36), sa.ForeignKey("calls.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.Column("failure_reason", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_jobs_state_next", "jobs", ["state", "next_attempt_at"])

    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("actor_role", sa.String(32), nullable=True),
        sa.Column("actor_key_id", sa.String(32), nullable=True),
        sa.Column("call_id", sa.String(36), nullable=True, index=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "consent_policy",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("allowed_states", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by_key_id", sa.String(32), nullable=True),
    )

    # Full-text search over redacted turns (rowid = transcript_turns.id). The trigram tokenizer
    # finds Japanese substrings without a word segmenter; other databases search differently
    # (see redactor.store.search).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE transcript_fts USING fts5(text, tokenize='trigram')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS transcript_fts")
    for table in ("consent_policy", "audit_events", "api_keys", "jobs", "findings",
                  "transcript_turns", "transcripts", "calls"):
        op.drop_table(table)
