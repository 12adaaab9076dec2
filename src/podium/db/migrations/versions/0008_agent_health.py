"""Health warnings on running agents, and the turn cap each run is held to (either provider).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("max_turns", sa.Integer))
        batch.add_column(sa.Column("warnings", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("warnings")
        batch.drop_column("max_turns")
