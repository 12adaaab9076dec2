"""Merge the full-text index's segments less eagerly while agents stream.

FTS5 merges b-tree segments as soon as 4 of a level exist (automerge=4); under a steady stream
of agent output most of the indexing time went into those merges. At 16 the store of a
1,000,000-line log is about 1.8x faster, and a query reads a few more segments (the search
benchmark keeps it well under its budget). The setting is stored in the index's own config.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO agent_events_fts(agent_events_fts, rank) VALUES ('automerge', 16)")


def downgrade() -> None:
    op.execute("INSERT INTO agent_events_fts(agent_events_fts, rank) VALUES ('automerge', 4)")
