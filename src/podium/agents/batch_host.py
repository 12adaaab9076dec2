"""Batch runs: the CLI as a detached process (its own session and process group) reading the
prompt file and appending to its NDJSON log, so it outlives a server restart."""

from __future__ import annotations

import asyncio
import signal

from podium.agents.host import HostedRun, OnExit, Started, Watch
from podium.agents.process import ExitWatch, process_start_time, signal_group, spawn
from podium.agents.providers.base import InteractiveMode
from podium.agents.restart import watch_if_alive


class BatchHost:
    prints_result = True

    def start(self, run: HostedRun, on_exit: OnExit) -> Started:
        child = spawn(run.argv, cwd=run.work_dir, env=run.env, files=run.files)
        start_time = process_start_time(child.pid)
        watch = ExitWatch(asyncio.get_running_loop(), child.pid, on_exit, child)
        return Started(child.pid, start_time, watch)

    def reattach(
        self,
        agent_id: str,
        job_id: str,
        pid: int | None,
        start_time: float | None,
        interactive: InteractiveMode | None,
        on_exit: OnExit,
    ) -> Watch | None:
        return watch_if_alive(asyncio.get_running_loop(), pid, start_time, on_exit)

    def terminate(self, agent_id: str, pid: int, start_time: float | None) -> None:
        signal_group(pid, start_time, signal.SIGTERM)

    def kill(self, pid: int, start_time: float | None) -> None:
        signal_group(pid, start_time, signal.SIGKILL)

    def ended(self, agent_id: str) -> str | None:
        return None

    def send(self, agent_id: str, message: str) -> bool:
        return False
