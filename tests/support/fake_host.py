"""A `ProcessHost` for the in-process tier: no process is started. Each run becomes a
`FakeAgent` that a test drives: what it prints on its log (the real NDJSON file the runner
follows) and when it exits, with which code. The runner, stream, ingest and everything above
them are the real ones. Procrastinate's in-memory connector is the model: the real app, one
swapped part with handles for the test.

    agent = await host.next_agent()
    agent.print({"type": "result", "text": "done"})
    agent.exit(0)
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from podium.agents.host import HostedRun, OnExit, Started, Watch
from podium.agents.providers.base import InteractiveMode

# Far above any real pid, so a stray signal from a test could never reach a process.
_PIDS = itertools.count(4_000_000)
SIGTERM_EXIT = 143  # what a shell reports for a child ended by SIGTERM


@dataclass(eq=False)
class FakeAgent:
    run: HostedRun
    pid: int
    _on_exit: OnExit
    _loop: asyncio.AbstractEventLoop
    # What the agent does when asked to stop: exit at once (the default), or linger.
    exit_on_terminate: bool = True
    terminated: bool = False
    killed: bool = False
    exit_code: int | None = None
    watched: bool = True
    _exited: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def agent_id(self) -> str:
        return self.run.agent_id

    @property
    def job_id(self) -> str:
        return self.run.job_id

    @property
    def has_exited(self) -> bool:
        return self._exited.is_set()

    def print(self, *lines: dict[str, Any]) -> None:
        """Append lines to the agent's NDJSON log, as the CLI would on stdout."""
        with self.run.files.log.open("a", encoding="utf-8") as handle:
            for line in lines:
                handle.write(json.dumps(line) + "\n")

    def finish(self, text: str = "done", *, is_error: bool = False, cost_usd: float = 0.0) -> None:
        """Print a result line and exit 0: a run that ended normally."""
        self.print({"type": "result", "text": text, "is_error": is_error, "cost_usd": cost_usd})
        self.exit(0)

    def exit(self, code: int | None) -> None:
        """The process ends: its exit file is written (as the shim does) and the watch fires on
        the loop, as a pidfd would."""
        if self.has_exited:
            return
        self.exit_code = code
        if code is not None:
            self.run.files.exit.write_text(str(code))
        self._exited.set()
        if self.watched:
            self._loop.call_soon(self._on_exit, code)

    async def exited(self) -> int | None:
        await self._exited.wait()
        return self.exit_code


class _FakeWatch:
    def __init__(self, agent: FakeAgent) -> None:
        self._agent = agent

    def close(self) -> None:
        self._agent.watched = False


class FakeProcessHost:
    prints_result = True

    def __init__(self) -> None:
        self.agents: list[FakeAgent] = []
        self._started: asyncio.Queue[FakeAgent] = asyncio.Queue()
        # Set to an OSError to make the next start fail (a missing CLI).
        self.fail_next: OSError | None = None
        self.most_running = 0  # the most runs that were live at once
        # What every agent does the moment it starts, before the runner hears back from start()
        # (an agent whose first action is an edit).
        self.on_start: Callable[[FakeAgent], None] | None = None

    async def next_agent(self, timeout: float = 10.0) -> FakeAgent:  # noqa: ASYNC109
        """The next run the runner starts."""
        return await asyncio.wait_for(self._started.get(), timeout)

    def live(self) -> list[FakeAgent]:
        return [agent for agent in self.agents if not agent.has_exited]

    # -- ProcessHost -------------------------------------------------------------------------
    def start(self, run: HostedRun, on_exit: OnExit) -> Started:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        run.files.log.touch()
        agent = FakeAgent(run, next(_PIDS), on_exit, asyncio.get_running_loop())
        self.agents.append(agent)
        self.most_running = max(self.most_running, len(self.live()))
        if self.on_start is not None:
            self.on_start(agent)
        self._started.put_nowait(agent)
        watch: Watch = _FakeWatch(agent)
        return Started(agent.pid, None, watch)

    def reattach(
        self,
        agent_id: str,
        job_id: str,
        pid: int | None,
        start_time: float | None,
        interactive: InteractiveMode | None,
        on_exit: OnExit,
    ) -> Watch | None:
        return None  # a fake agent never outlives its server

    def terminate(self, agent_id: str, pid: int, start_time: float | None) -> None:
        agent = self._by_pid(pid)
        agent.terminated = True
        if agent.exit_on_terminate:
            agent.exit(SIGTERM_EXIT)

    def kill(self, pid: int, start_time: float | None) -> None:
        agent = self._by_pid(pid)
        if not agent.has_exited:
            agent.killed = True
            agent.exit(-9)

    def ended(self, agent_id: str) -> str | None:
        return None

    def send(self, agent_id: str, message: str) -> bool:
        return False

    def _by_pid(self, pid: int) -> FakeAgent:
        return next(agent for agent in self.agents if agent.pid == pid)
