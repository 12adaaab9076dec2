"""Table definitions (SQLAlchemy Core). The schema itself is created only by Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

templates = Table(
    "templates",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("content", Text, nullable=False),
    Column("model", Text),
    Column("work_dir", Text),
    Column("created_at", Float, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_reason", Text),
    Column("status_message", Text),
    Column("priority", Integer, nullable=False, default=0),
    Column("model", Text),
    # How the model was picked for a job created without one: pending | simple | medium |
    # complex | unavailable (0009).
    Column("model_classification", Text),
    Column("failure_kind", Text),  # podium.jobs.failures.FailureKind of a failed job (0010)
    # Why the dispatcher holds this pending job, and until when if that is known
    # (podium.jobs.gates); how often a usage limit paused it in a row (podium.jobs.limits) (0011).
    Column("hold_reason", Text),
    Column("held_until", Float),
    Column("limit_pauses", Integer, nullable=False, default=0),
    Column("work_dir", Text, nullable=False),
    Column("max_turns", Integer),
    Column("stop_mode", Text),
    Column("stop_value", Float),
    Column("depends_on", JSON, nullable=False, default=list),
    Column("use_worktree", Boolean, nullable=False, default=False),
    Column("interactive", Boolean, nullable=False, default=False),
    Column("context", JSON, nullable=False, default=dict),
    Column("template_id", Text, ForeignKey("templates.id", ondelete="SET NULL")),
    Column("repeat_interval_sec", Integer),
    Column("scheduled_at", Float),
    Column("retry_policy", Text, nullable=False, default="none"),
    Column("completion_checks", JSON, nullable=False, default=list),
    Column("project_id", Text, ForeignKey("projects.id", ondelete="SET NULL")),
    Column("parent_job_id", Text, ForeignKey("jobs.id", ondelete="SET NULL")),
    Column("result", Text),
    Column("current_agent_id", Text),
    Column("continue_prompt", Text),
    Column("attempt", Integer, nullable=False, default=1),
    Column("cost_usd", Float, nullable=False, default=0.0),
    Column("pr_url", Text),
    Column("expired_question_id", Text),  # a question that expired unanswered (0011)
    Column("flagged", Boolean, nullable=False, default=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Index("ix_jobs_status_priority", "status", "priority", "created_at"),
    Index("ix_jobs_project", "project_id"),
    Index("ix_jobs_parent", "parent_job_id"),
    Index("ix_jobs_created", "created_at"),
)

agents = Table(
    "agents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("job_id", Text, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("provider", Text, nullable=False),
    Column("model", Text),
    Column("status", Text, nullable=False),
    Column("pid", Integer),
    Column("process_start_time", Float),
    Column("session_id", Text),
    Column("log_path", Text, nullable=False),
    Column("log_offset", Integer, nullable=False, default=0),
    Column("next_seq", Integer, nullable=False, default=1),
    Column("exit_code", Integer),
    Column("stop_reason", Text),
    Column("num_turns", Integer, nullable=False, default=0),
    Column("input_tokens", Integer, nullable=False, default=0),
    Column("output_tokens", Integer, nullable=False, default=0),
    Column("cache_read_tokens", Integer, nullable=False, default=0),
    Column("cache_write_tokens", Integer, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
    Column("work_dir", Text, nullable=False),
    Column("base_tree", Text),
    Column("budget_usd", Float),
    Column("turn_cap", Integer),
    Column("deadline_at", Float),
    Column("interactive", Boolean, nullable=False, default=False),
    Column("activity", Text),  # interactive agents: busy | idle | waiting (0003)
    Column("max_turns", Integer),  # the run's turn cap, either provider (0008)
    Column("warnings", JSON),  # health warnings while running: [{kind, message, since}] (0008)
    Column("reported_result", Text),  # what the agent gave finish_job (0011)
    Column("outcome", JSON),  # how the run ended, stored before it is judged (0011)
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Index("ix_agents_job", "job_id"),
    Index("ix_agents_status", "status"),
)

agent_events = Table(
    "agent_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agent_id", Text, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("ts", Float, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    UniqueConstraint("agent_id", "seq", name="uq_agent_events_agent_seq"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", JSON, nullable=False),
)

locks = Table(
    "locks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("agent_id", Text, nullable=False),
    Column("job_id", Text),
    Column("reason", Text, nullable=False, default=""),
    Column("acquired_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("ix_locks_agent", "agent_id"),
)

notes = Table(
    "notes",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_by", Text),
    Column("updated_at", Float, nullable=False),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("job_id", Text, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Text),
    Column("question", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("answer", Text),
    Column("created_at", Float, nullable=False),
    Column("answered_at", Float),
    Index("ix_questions_status", "status"),
)

job_status_updates = Table(
    "job_status_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", Text, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Text),
    Column("message", Text, nullable=False),
    Column("ts", Float, nullable=False),
    Index("ix_job_status_updates_job", "job_id"),
)

agent_credentials = Table(
    "agent_credentials",
    metadata,
    Column("agent_id", Text, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

lock_history = Table(
    "lock_history",
    metadata,
    Column("lock_id", Text, primary_key=True),
    Column("path", Text, nullable=False),
    Column("agent_id", Text, nullable=False),
    Column("acquired_at", Float, nullable=False),
    Column("released_at", Float),
    Index("ix_lock_history_path", "path"),
)

# A domain event handler that kept failing after its retries (podium.jobs.domain_events, 0011).
handler_failures = Table(
    "handler_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", Text, nullable=False),
    Column("handler", Text, nullable=False),
    Column("job_id", Text),
    Column("agent_id", Text),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("ts", Float, nullable=False),
)
