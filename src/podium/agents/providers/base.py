"""The provider interface: build the command, parse one output line, price usage, resume, and
the few traits the rest of Podium asks about instead of testing a provider's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from podium.agents.interactive.traits import TuiTraits

EventKind = Literal[
    "init", "text", "thinking", "tool_use", "tool_result", "result", "error", "system", "raw"
]


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """One readable unit of agent output; `text` is what full-text search indexes."""

    kind: EventKind
    text: str
    data: dict[str, Any]


@dataclass(slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens


@dataclass(frozen=True, slots=True)
class RunResult:
    """What the CLI said when it finished."""

    text: str | None
    is_error: bool
    subtype: str
    cost_usd: float | None = None
    num_turns: int | None = None
    usage: Usage | None = None


@dataclass(slots=True)
class ParsedLine:
    events: list[AgentEvent] = field(default_factory=list)
    session_id: str | None = None
    model: str | None = None
    # Usage of one model response; `usage_key` dedupes a response split over several lines.
    usage: Usage | None = None
    usage_key: str | None = None
    turn_completed: bool = False
    result: RunResult | None = None
    # `usage` is the session's running total, not one response's (codex's turn.completed):
    # the stream derives the agent's own share from it instead of adding it up.
    usage_is_total: bool = False
    # Model requests this line shows were made, for providers whose usage lines do not mark
    # every request (codex reports usage once per run; each tool call it starts took one).
    model_turns: int = 0


@dataclass(frozen=True, slots=True)
class LaunchSpec:
    """Everything a provider needs to build one agent's command line."""

    agent_id: str
    job_id: str
    binary: str
    work_dir: Path
    model: str | None
    system_prompt: str
    max_turns: int | None
    resume_session_id: str | None = None
    mcp_url: str | None = None
    mcp_headers: dict[str, str] = field(default_factory=dict)
    hook_command: str | None = None
    openai_base_url: str | None = None


@dataclass(frozen=True, slots=True)
class InteractiveMode:
    """How a provider's TUI runs in tmux (podium.agents.interactive)."""

    # The TUI's argv; the prompt is typed in, not read from stdin.
    command: Callable[[LaunchSpec], list[str]]
    tui: TuiTraits


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """A model id offered in the job form."""

    id: str
    label: str


class Provider(Protocol):
    """One agent CLI. See the package docstring for what a new one needs."""

    # Stored on each agent row; also the provider's bucket in /api/usage totals.
    name: str
    label: str  # what people call the CLI ("Claude Code")
    binary: str  # the CLI to run
    binary_setting: str  # the setting naming it, for messages (CLAUDE_BIN)
    # Runs every model no other provider claims, and jobs without a model.
    catch_all: bool
    # The CLI stops itself at `max_turns`; for the others the runner counts and stops it.
    enforces_turn_cap: bool
    # Some of its edits bypass the lock hook, so locks are audited after each run.
    needs_lock_audit: bool

    @property
    def interactive(self) -> InteractiveMode | None:
        """How its TUI runs in tmux; None if Podium cannot run it interactively."""
        ...

    @property
    def known_models(self) -> tuple[ModelChoice, ...]:
        """The model ids offered in the job form."""
        ...

    def handles(self, model: str | None) -> bool: ...

    def command(self, spec: LaunchSpec) -> list[str]:
        """The argv; the prompt is written to the process's stdin."""
        ...

    def parse_line(self, line: dict[str, Any]) -> ParsedLine: ...

    def price(self, model: str | None, usage: Usage) -> float | None: ...
