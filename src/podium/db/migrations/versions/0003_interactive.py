"""Interactive agents: what the TUI is doing (busy, idle, waiting), reported by its hooks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("activity", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("agents", "activity")
