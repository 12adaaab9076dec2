"""Let the full-text index gather a whole batch of agent output before writing a segment.

FTS5 keeps new terms in an in-memory table and writes them out as a segment when the table
passes `hashsize` (1 MiB by default) or a statement ends. Podium stores a batch of up to
5,000 events in one statement, whose text is often more than 1 MiB: at 8 MiB such a batch
becomes one segment instead of several, which leaves less merging to do later. The memory is
held only while a statement runs. The setting is stored in the index's own config.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO agent_events_fts(agent_events_fts, rank) VALUES ('hashsize', 8388608)")


def downgrade() -> None:
    op.execute("INSERT INTO agent_events_fts(agent_events_fts, rank) VALUES ('hashsize', 1048576)")
