"""What goes into an agent run and what comes out: the runner's contract with the job layer and
with coordination (which adds each run's MCP endpoint, credential and lock hook)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from podium.agents.providers.base import RunResult


@dataclass(frozen=True, slots=True)
class AgentOutcome:
    """How one agent run ended, handed to the job lifecycle to decide the job's status."""

    agent_id: str
    job_id: str
    exit_code: int | None
    stop_reason: str | None
    provider: str
    stop_detail: str | None
    result: RunResult | None
    cost_usd: float
    stderr_tail: str


@dataclass(frozen=True, slots=True)
class LaunchRequest:
    job_id: str
    model: str | None
    work_dir: Path
    prompt: str
    system_prompt: str
    max_turns: int | None
    budget_usd: float | None = None
    time_limit_sec: float | None = None
    resume_session_id: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    interactive: bool = False  # the CLI's TUI in tmux (podium.agents.interactive)


@dataclass(frozen=True, slots=True)
class AgentWiring:
    """What coordination adds to one agent run: its MCP endpoint and credential, the lock hook."""

    env: Mapping[str, str] = field(default_factory=dict)
    mcp_url: str | None = None
    mcp_headers: Mapping[str, str] = field(default_factory=dict)
    hook_command: str | None = None
    system_prompt: str | None = None


class LaunchFailed(Exception):
    pass
