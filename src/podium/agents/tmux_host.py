"""Interactive runs: the CLI's TUI in a tmux session (podium.agents.interactive). The pane's
first process is the agent; it is not the server's child, so its exit is watched by pidfd."""

from __future__ import annotations

import asyncio
import signal

from podium.agents.host import HostedRun, OnExit, Started, Watch
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.process import ExitWatch, process_start_time, signal_group
from podium.agents.providers.base import InteractiveMode
from podium.agents.restart import watch_if_alive


class TmuxHost:
    prints_result = False

    def __init__(self, sessions: InteractiveSessions) -> None:
        self._sessions = sessions

    def start(self, run: HostedRun, on_exit: OnExit) -> Started:
        mode = run.interactive
        if mode is None:
            raise OSError(f"{run.provider} has no interactive mode here")
        env = self._sessions.environment(
            job_id=run.job_id,
            provider=run.provider,
            mode=mode.tui,
            work_dir=run.work_dir,
            env=run.env,
        )
        pid = self._sessions.spawn(
            agent_id=run.agent_id,
            job_id=run.job_id,
            mode=mode.tui,
            argv=run.argv,
            env=env,
            work_dir=run.work_dir,
            exit_file=run.files.exit,
            prompt=run.prompt,
        )
        start_time = process_start_time(pid)
        watch = ExitWatch(asyncio.get_running_loop(), pid, on_exit)
        return Started(pid, start_time, watch)

    def reattach(
        self,
        agent_id: str,
        job_id: str,
        pid: int | None,
        start_time: float | None,
        interactive: InteractiveMode | None,
        on_exit: OnExit,
    ) -> Watch | None:
        watch = watch_if_alive(asyncio.get_running_loop(), pid, start_time, on_exit)
        if watch is not None and interactive is not None:
            self._sessions.adopt(agent_id, job_id, interactive.tui)
        return watch

    def terminate(self, agent_id: str, pid: int, start_time: float | None) -> None:
        self._sessions.kill(agent_id)  # ends the tmux session too
        signal_group(pid, start_time, signal.SIGTERM)

    def kill(self, pid: int, start_time: float | None) -> None:
        signal_group(pid, start_time, signal.SIGKILL)

    def ended(self, agent_id: str) -> str | None:
        """Close the run's viewers; returns the TUI's last answer (its Stop hook said it)."""
        return self._sessions.ended(agent_id)

    def send(self, agent_id: str, message: str) -> bool:
        return self._sessions.send_message(agent_id, message)
