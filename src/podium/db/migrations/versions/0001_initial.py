"""Initial schema: projects, templates, jobs, agents, agent output events (+ FTS5), settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("model", sa.Text),
        sa.Column("work_dir", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("status_message", sa.Text),
        sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
        sa.Column("model", sa.Text),
        sa.Column("work_dir", sa.Text, nullable=False),
        sa.Column("max_turns", sa.Integer),
        sa.Column("stop_mode", sa.Text),
        sa.Column("stop_value", sa.Float),
        sa.Column("depends_on", sa.JSON, nullable=False),
        sa.Column("use_worktree", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("interactive", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("template_id", sa.Text, sa.ForeignKey("templates.id", ondelete="SET NULL")),
        sa.Column("repeat_interval_sec", sa.Integer),
        sa.Column("scheduled_at", sa.Float),
        sa.Column("retry_policy", sa.Text, nullable=False, server_default="none"),
        sa.Column("completion_checks", sa.JSON, nullable=False),
        sa.Column("project_id", sa.Text, sa.ForeignKey("projects.id", ondelete="SET NULL")),
        sa.Column("parent_job_id", sa.Text, sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        sa.Column("result", sa.Text),
        sa.Column("current_agent_id", sa.Text),
        sa.Column("continue_prompt", sa.Text),
        sa.Column("attempt", sa.Integer, nullable=False, server_default="1"),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("pr_url", sa.Text),
        sa.Column("flagged", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
    )
    op.create_index("ix_jobs_status_priority", "jobs", ["status", "priority", "created_at"])
    op.create_index("ix_jobs_project", "jobs", ["project_id"])
    op.create_index("ix_jobs_parent", "jobs", ["parent_job_id"])
    op.create_index("ix_jobs_created", "jobs", ["created_at"])
    op.create_table(
        "agents",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("job_id", sa.Text, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("model", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer),
        sa.Column("process_start_time", sa.Float),
        sa.Column("session_id", sa.Text),
        sa.Column("log_path", sa.Text, nullable=False),
        sa.Column("log_offset", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_seq", sa.Integer, nullable=False, server_default="1"),
        sa.Column("exit_code", sa.Integer),
        sa.Column("stop_reason", sa.Text),
        sa.Column("num_turns", sa.Integer, nullable=False, server_default="0"),
        sa.Column("input_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("output_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cache_read_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cache_write_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("work_dir", sa.Text, nullable=False),
        sa.Column("base_tree", sa.Text),
        sa.Column("budget_usd", sa.Float),
        sa.Column("deadline_at", sa.Float),
        sa.Column("interactive", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
    )
    op.create_index("ix_agents_job", "agents", ["job_id"])
    op.create_index("ix_agents_status", "agents", ["status"])
    op.create_table(
        "agent_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "agent_id",
            sa.Text,
            sa.ForeignKey("agents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("data", sa.JSON, nullable=False),
        sa.UniqueConstraint("agent_id", "seq", name="uq_agent_events_agent_seq"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
    )
    # Full-text index over agent output, kept in step with agent_events by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE agent_events_fts USING fts5("
        "text, content='agent_events', content_rowid='id', tokenize='unicode61')"
    )
    op.execute(
        "CREATE TRIGGER agent_events_ai AFTER INSERT ON agent_events WHEN new.text != '' "
        "BEGIN INSERT INTO agent_events_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER agent_events_ad AFTER DELETE ON agent_events WHEN old.text != '' "
        "BEGIN INSERT INTO agent_events_fts(agent_events_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS agent_events_ad")
    op.execute("DROP TRIGGER IF EXISTS agent_events_ai")
    op.execute("DROP TABLE IF EXISTS agent_events_fts")
    for table in ("settings", "agent_events", "agents", "jobs", "templates", "projects"):
        op.drop_table(table)
