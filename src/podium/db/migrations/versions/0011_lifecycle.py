"""Job lifecycle: what an agent reported with finish_job and the outcome being judged (so a
restart judges the same run again), the question whose expiry a job waits on, and the domain
event handlers that failed for good (podium.jobs.domain_events).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("reported_result", sa.Text))
        batch.add_column(sa.Column("outcome", sa.JSON))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("expired_question_id", sa.Text))
    op.create_table(
        "handler_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("handler", sa.Text, nullable=False),
        sa.Column("job_id", sa.Text),
        sa.Column("agent_id", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("handler_failures")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("expired_question_id")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("outcome")
        batch.drop_column("reported_result")
