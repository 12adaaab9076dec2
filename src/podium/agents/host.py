"""Where agent processes run. The runner asks a `ProcessHost` to start a run, to watch it end,
to stop it, and after a restart to find it again; it never touches a process itself.

Two hosts ship: `batch_host.BatchHost` (a detached process writing its NDJSON log) and
`tmux_host.TmuxHost` (the CLI's TUI in a tmux pane, interactive mode). Tests drive a fake one
(tests/support/fake_host.py) that writes the log and exits when told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from podium.agents.process import AgentFiles
from podium.agents.providers.base import InteractiveMode

OnExit = Callable[[int | None], None]


@dataclass(frozen=True, slots=True)
class HostedRun:
    """One agent run as a host starts it."""

    agent_id: str
    job_id: str
    provider: str
    argv: list[str]
    env: dict[str, str]
    work_dir: Path
    files: AgentFiles  # the prompt is in files.prompt; output goes to files.log
    prompt: str
    interactive: InteractiveMode | None = None


class Watch(Protocol):
    def close(self) -> None:
        """Stop watching; the exit callback will not be called."""
        ...


@dataclass(frozen=True, slots=True)
class Started:
    """A process a host started: its pid, start time (with the pid, its identity for good) and
    the watch that calls back once it exits."""

    pid: int
    start_time: float | None
    watch: Watch


class ProcessHost(Protocol):
    # The run prints its own final `result` (batch); a TUI does not, so its exit stands for it.
    prints_result: bool

    def start(self, run: HostedRun, on_exit: OnExit) -> Started:
        """Start the run; raises OSError when it cannot."""
        ...

    def reattach(
        self,
        agent_id: str,
        job_id: str,
        pid: int | None,
        start_time: float | None,
        interactive: InteractiveMode | None,
        on_exit: OnExit,
    ) -> Watch | None:
        """Follow a run an earlier server started; None when that process has ended."""
        ...

    def terminate(self, agent_id: str, pid: int, start_time: float | None) -> None:
        """Ask the run to stop (SIGTERM to its process group, if pid is still the leader that
        started at start_time)."""
        ...

    def kill(self, pid: int, start_time: float | None) -> None:
        """Kill the run's whole process group: after the grace period, and after it exited, to
        sweep up what it left behind."""
        ...

    def ended(self, agent_id: str) -> str | None:
        """The run's process ended; returns its last answer if the host knows it."""
        ...

    def send(self, agent_id: str, message: str) -> bool:
        """Type a follow-up into a live run; False if the host cannot."""
        ...
