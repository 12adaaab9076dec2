"""The turn cap Podium enforces itself for CLIs that have none (Codex), kept for re-attach.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("turn_cap", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("turn_cap")
