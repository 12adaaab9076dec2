"""Held jobs: why the dispatcher holds a pending job and until when, and how often a provider's
usage limit paused it (podium.jobs.gates, podium.jobs.limits).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("hold_reason", sa.Text))
        batch.add_column(sa.Column("held_until", sa.Float))
        batch.add_column(sa.Column("limit_pauses", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("limit_pauses")
        batch.drop_column("held_until")
        batch.drop_column("hold_reason")
