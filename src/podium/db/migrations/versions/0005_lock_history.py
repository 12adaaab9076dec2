"""Lock history: who held which file when, so edits by hook-less agents (Codex) can be audited.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lock_history",
        sa.Column("lock_id", sa.Text, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("agent_id", sa.Text, nullable=False),
        sa.Column("acquired_at", sa.Float, nullable=False),
        sa.Column("released_at", sa.Float),
    )
    op.create_index("ix_lock_history_path", "lock_history", ["path"])


def downgrade() -> None:
    op.drop_table("lock_history")
