"""Starts agent runs on a process host, follows their output, holds them to their limits,
stops them, and picks them up again after a restart."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping

from podium.agents import gitdiff, repository
from podium.agents.batch_host import BatchHost
from podium.agents.finish import record_end
from podium.agents.health import HealthMonitor, HealthWarning, limits_of
from podium.agents.host import HostedRun, ProcessHost, Watch
from podium.agents.ingest import LogIngest
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.launch_spec import agent_row, hosted_run
from podium.agents.limits import RunLimits
from podium.agents.process import AgentFiles
from podium.agents.providers.base import Provider, RunResult
from podium.agents.registry import ProviderRegistry
from podium.agents.restart import saved_stream_state, stream_of, watch_health_again
from podium.agents.runs import AgentOutcome, AgentWiring, LaunchFailed, LaunchRequest
from podium.agents.service import publish_agent
from podium.agents.stream import AgentStream, StreamState
from podium.agents.tmux_host import TmuxHost
from podium.background import BackgroundTasks
from podium.config import Settings
from podium.db.engine import Database
from podium.events import EventBus
from podium.ids import new_id, now

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Starting:
    """A run whose work tree is being snapshotted; its process starts right after."""

    job_id: str
    stop_reason: str | None = None
    stop_detail: str | None = None


@dataclass(slots=True)
class _Live:
    agent_id: str
    job_id: str
    pid: int
    files: AgentFiles
    stream: AgentStream
    host: ProcessHost
    limits: RunLimits
    watch: Watch | None = None
    start_time: float | None = None  # the group leader's, checked before every signal
    kill_timers: list[asyncio.TimerHandle] = field(default_factory=list)
    stop_reason: str | None = None
    stop_detail: str | None = None


class AgentRunner:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        bus: EventBus,
        providers: ProviderRegistry,
        on_finished: Callable[[AgentOutcome], None],
        wire: Callable[[str, str], AgentWiring] | None = None,
        interactive: InteractiveSessions | None = None,
        host: ProcessHost | None = None,
    ) -> None:
        self._settings = settings
        self._db = db
        self._bus = bus
        self._providers = providers
        self._on_finished = on_finished
        self._wire = wire
        self._batch: ProcessHost = host if host is not None else BatchHost()
        self._tmux: ProcessHost | None = TmuxHost(interactive) if interactive else None
        self._live: dict[str, _Live] = {}
        self._starting: dict[str, _Starting] = {}
        self._tasks = BackgroundTasks()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ingest: LogIngest | None = None
        self._health: HealthMonitor | None = None
        self._logs_dir = settings.agent_logs_dir.resolve()

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._health = HealthMonitor(
            self._loop,
            stall_sec=self._settings.stall_warning_sec,
            long_running_sec=self._settings.long_running_warning_sec,
            on_change=self._health_changed,
        )
        on_output = self._health.output
        self._ingest = LogIngest(self._loop, self._logs_dir, self._db, on_output=on_output)
        self._reattach_all()

    async def close(self) -> None:
        """Stop following agents without stopping them: they keep running across a restart."""
        await self._tasks.cancel()
        for live in list(self._live.values()):
            self._detach(live)
        self._live.clear()
        if self._ingest is not None:
            self._ingest.close()

    @property
    def live_count(self) -> int:
        """Runs that hold a slot: running, or about to start."""
        return len(self._live) + len(self._starting)

    def is_live(self, agent_id: str) -> bool:
        return agent_id in self._live or agent_id in self._starting

    def live_agent_for_job(self, job_id: str) -> str | None:
        runs: dict[str, _Live | _Starting] = {**self._live, **self._starting}
        return next((agent_id for agent_id, run in runs.items() if run.job_id == job_id), None)

    def snapshot(self) -> dict[str, Any]:
        return {"live": self.live_count}

    def send_to_session(self, agent_id: str, message: str) -> bool:
        """Type a follow-up into a live interactive agent's TUI; False if there is none."""
        live = self._live.get(agent_id)
        return live is not None and live.host.send(agent_id, message)

    # -- launch -----------------------------------------------------------------------------
    def launch(self, request: LaunchRequest) -> str:
        """Start an agent for a job; returns the agent id. Raises LaunchFailed with a reason.

        The process starts once the work tree is snapshotted (in a thread): the snapshot is the
        base of the run's diff and of `diff_not_empty`, so it must not miss the agent's first
        edit. Until then the run holds its slot and can be stopped like a running one."""
        assert self._loop is not None and self._ingest is not None, "runner not started"
        provider = self._providers.for_model(request.model)
        agent_id = new_id("ag")
        files = AgentFiles.for_agent(self._logs_dir, agent_id)
        files.prompt.write_text(request.prompt, encoding="utf-8")
        agent = agent_row(agent_id, request, provider, files)
        with self._db.write() as conn:
            repository.insert(conn, agent)
        try:
            host = self._host(request.interactive, provider)
        except OSError as exc:
            reason = f"could not start {provider.name} ({provider.binary}): {exc}"
            with self._db.write() as conn:
                repository.update_fields(
                    conn, agent_id, status="exited", stop_reason=reason, finished_at=now()
                )
            raise LaunchFailed(reason) from exc
        wiring = self._wire(agent_id, request.job_id) if self._wire else AgentWiring()
        run = hosted_run(self._settings, agent_id, request, provider, files, wiring)
        self._starting[agent_id] = _Starting(request.job_id)
        self._tasks.start(self._start(agent, request, provider, host, run))
        return agent_id

    async def _start(
        self,
        agent: dict[str, Any],
        request: LaunchRequest,
        provider: Provider,
        host: ProcessHost,
        run: HostedRun,
    ) -> None:
        agent_id, files = run.agent_id, run.files
        try:
            tree = await asyncio.to_thread(gitdiff.snapshot_tree, request.work_dir)
            if tree is not None:
                with self._db.write() as conn:
                    repository.update_fields(conn, agent_id, base_tree=tree)
        except Exception:  # the run goes on; its diff is then taken against HEAD
            log.exception("could not snapshot the work tree of agent %s", agent_id)
        starting = self._starting.pop(agent_id)
        if starting.stop_reason is not None:  # stopped (cancelled) before it started
            self._end_unstarted(run, provider, None, starting)
            return
        try:
            started = host.start(run, lambda status: self._exited(agent_id, status))
        except Exception as exc:  # the job must hear of it, whatever went wrong
            # Reported as the shell shim reports a CLI it cannot run: code 127, why on stderr.
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            reason = f"could not start {provider.name} ({provider.binary}): {why}"
            with files.stderr.open("a", encoding="utf-8") as stderr:
                stderr.write(reason + "\n")
            self._end_unstarted(run, provider, 127, starting)
            return
        with self._db.write() as conn:
            repository.update_fields(
                conn,
                agent_id,
                status="running",
                pid=started.pid,
                process_start_time=started.start_time,
                started_at=now(),
            )
        state = StreamState(session_id=request.resume_session_id, model=request.model)
        self._follow(agent, started.pid, provider, state, host, started.watch, started.start_time)
        assert self._health is not None
        self._health.watch(agent_id, limits_of(agent))
        publish_agent(self._bus, self._db, agent_id)

    def _end_unstarted(
        self, run: HostedRun, provider: Provider, exit_code: int | None, starting: _Starting
    ) -> None:
        stream = stream_of(run.agent_id, run.job_id, run.files, provider, self._db, self._bus)
        self._finalise(run.files, stream, exit_code, starting.stop_reason, starting.stop_detail)

    def _host(self, interactive: bool, provider: Provider) -> ProcessHost:
        if not interactive:
            return self._batch
        if self._tmux is None or provider.interactive is None:
            raise OSError(f"{provider.name} has no interactive mode here")
        return self._tmux

    def _follow(
        self,
        row: Mapping[str, Any] | RowMapping,
        pid: int,
        provider: Provider,
        state: StreamState,
        host: ProcessHost,
        watch: Watch,
        start_time: float | None,
    ) -> _Live:
        """Follow a running agent: its log into the stream, its limits armed, its health."""
        assert self._ingest is not None and self._loop is not None
        agent_id, job_id = row["id"], row["job_id"]
        files = AgentFiles.for_agent(self._logs_dir, agent_id)
        stream = AgentStream(
            agent_id=agent_id,
            job_id=job_id,
            log_path=files.log,
            provider=provider,
            db=self._db,
            bus=self._bus,
            state=state,
            on_cost=lambda cost: self._check_limits(agent_id, cost),
        )
        limits = RunLimits.of(self._stopper(agent_id), row)
        live = _Live(agent_id, job_id, pid, files, stream, host, limits, watch, start_time)
        self._live[agent_id] = live
        self._ingest.follow(stream)
        limits.arm(self._loop)
        return live

    # -- stopping ---------------------------------------------------------------------------
    def stop(self, agent_id: str, reason: str, detail: str | None = None) -> bool:
        """Terminate the agent's process group; SIGKILL follows if it lingers. False if not live."""
        starting = self._starting.get(agent_id)
        if starting is not None:  # it will not start; _start ends it with this reason
            if starting.stop_reason is None:
                starting.stop_reason, starting.stop_detail = reason, detail
            return True
        live = self._live.get(agent_id)
        if live is None:
            return False
        if live.stop_reason is None:
            live.stop_reason, live.stop_detail = reason, detail
        live.host.terminate(agent_id, live.pid, live.start_time)
        assert self._loop is not None
        grace = self._settings.kill_grace_sec
        live.kill_timers.append(
            self._loop.call_later(grace, live.host.kill, live.pid, live.start_time)
        )
        return True

    def _stopper(self, agent_id: str) -> Callable[[str, str], None]:
        def stop(reason: str, detail: str) -> None:
            self.stop(agent_id, reason, detail)

        return stop

    def _check_limits(self, agent_id: str, cost: float) -> None:
        live = self._live.get(agent_id)
        if live is None:
            return
        num_turns = live.stream.state.num_turns
        if self._health is not None:
            self._health.stats(agent_id, num_turns, cost)
        if live.stop_reason is None:
            live.limits.check(num_turns, cost)

    # -- exit -------------------------------------------------------------------------------
    def _exited(self, agent_id: str, wait_status: int | None) -> None:
        live = self._live.pop(agent_id, None)
        if live is None:
            return
        self._detach(live)
        # Sweep up anything the CLI left behind in its group (background shells, servers).
        live.host.kill(live.pid, live.start_time)
        live.stream.drain(final=True)
        last_answer = live.host.ended(agent_id)
        exit_code = live.files.read_exit_code()
        state = live.stream.state
        if not live.host.prints_result and state.result is None and live.stop_reason is None:
            # A TUI prints no result: `/exit` (code 0) counts as a finished run.
            state.result = RunResult(last_answer, exit_code not in (0, None), "success")
        if exit_code is None and wait_status is not None:
            exit_code = wait_status
        self._finalise(live.files, live.stream, exit_code, live.stop_reason, live.stop_detail)

    def _detach(self, live: _Live) -> None:
        if live.watch is not None:
            live.watch.close()
        live.limits.close()
        for timer in live.kill_timers:
            timer.cancel()
        if self._health is not None:
            self._health.forget(live.agent_id)
        if self._ingest is not None:
            self._ingest.unfollow(live.stream)

    def _finalise(
        self,
        files: AgentFiles,
        stream: AgentStream,
        exit_code: int | None,
        stop_reason: str | None,
        stop_detail: str | None,
    ) -> None:
        record_end(
            self._db,
            self._bus,
            self._on_finished,
            files=files,
            stream=stream,
            exit_code=exit_code,
            stop_reason=stop_reason,
            stop_detail=stop_detail,
        )

    # -- restart ----------------------------------------------------------------------------
    def _reattach_all(self) -> None:
        """Pick up agents the database says are live: follow the ones still running (same pid
        and start time), finalise the ones that ended while the server was down."""
        with self._db.read() as conn:
            rows = repository.live(conn)
        for row in rows:
            try:
                self._reattach(row)
            except Exception:
                log.exception("could not re-attach agent %s", row["id"])

    def _reattach(self, row: RowMapping) -> None:
        agent_id, job_id = row["id"], row["job_id"]
        provider = self._providers.by_name(row["provider"])
        host = self._tmux if row["interactive"] and self._tmux is not None else self._batch
        files = AgentFiles.for_agent(self._logs_dir, agent_id)
        state = saved_stream_state(row)
        mode = provider.interactive if row["interactive"] else None
        watch = host.reattach(
            agent_id,
            job_id,
            row["pid"],
            row["process_start_time"],
            mode,
            lambda status: self._exited(agent_id, status),
        )
        if watch is None:
            stream = stream_of(agent_id, job_id, files, provider, self._db, self._bus, state)
            stream.drain(final=True)
            code = files.read_exit_code()
            if not host.prints_result and stream.state.result is None:
                stream.state.result = RunResult(None, code not in (0, None), "success")
            self._finalise(files, stream, code, row["stop_reason"], None)
            return
        live = self._follow(
            row, row["pid"], provider, state, host, watch, row["process_start_time"]
        )
        assert self._health is not None
        if watch_health_again(self._health, self._db, row, live.stream.state):
            self._health_changed(agent_id, [])  # what held before the restart has passed
        live.stream.drain()
        log.info("re-attached to agent %s (pid %s)", agent_id, row["pid"])

    def _health_changed(self, agent_id: str, warnings: list[HealthWarning]) -> None:
        live = self._live.get(agent_id)
        if live is None:
            return
        listed = [warning.as_json() for warning in warnings]
        with self._db.write() as conn:
            repository.update_fields(conn, agent_id, warnings=listed or None)
        publish_agent(self._bus, self._db, agent_id)
