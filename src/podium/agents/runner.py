"""Starts agent runs on a process host, follows their output, holds them to their limits,
stops them, and picks them up again after a restart."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping

from podium.agents import gitdiff, repository
from podium.agents.batch_host import BatchHost
from podium.agents.health import HealthMonitor, HealthWarning, limits_of
from podium.agents.host import ProcessHost, Watch
from podium.agents.ingest import LogIngest
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.launch_spec import hosted_run
from podium.agents.limits import RunLimits
from podium.agents.process import AgentFiles
from podium.agents.providers.base import Provider, RunResult
from podium.agents.registry import ProviderRegistry
from podium.agents.restart import drained_stream, saved_stream_state, watch_health_again
from podium.agents.runs import AgentOutcome, AgentWiring, LaunchFailed, LaunchRequest
from podium.agents.service import publish_agent
from podium.agents.stream import AgentStream, StreamState
from podium.agents.tmux_host import TmuxHost
from podium.config import Settings
from podium.db.engine import Database
from podium.events import EventBus
from podium.ids import new_id, now

log = logging.getLogger(__name__)


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
        for live in list(self._live.values()):
            self._detach(live)
        self._live.clear()
        if self._ingest is not None:
            self._ingest.close()

    @property
    def live_count(self) -> int:
        return len(self._live)

    def is_live(self, agent_id: str) -> bool:
        return agent_id in self._live

    def live_agent_for_job(self, job_id: str) -> str | None:
        for live in self._live.values():
            if live.job_id == job_id:
                return live.agent_id
        return None

    def snapshot(self) -> dict[str, Any]:
        return {"live": len(self._live)}

    def send_to_session(self, agent_id: str, message: str) -> bool:
        """Type a follow-up into a live interactive agent's TUI; False if there is none."""
        live = self._live.get(agent_id)
        return live is not None and live.host.send(agent_id, message)

    # -- launch -----------------------------------------------------------------------------
    def launch(self, request: LaunchRequest) -> str:
        """Spawn an agent for a job; returns the agent id. Raises LaunchFailed with a reason."""
        assert self._loop is not None and self._ingest is not None, "runner not started"
        provider = self._providers.for_model(request.model)
        agent_id = new_id("ag")
        files = AgentFiles.for_agent(self._logs_dir, agent_id)
        files.prompt.write_text(request.prompt, encoding="utf-8")
        created = now()
        turn_cap = None if provider.enforces_turn_cap else request.max_turns
        deadline = created + request.time_limit_sec if request.time_limit_sec else None
        agent = {
            "id": agent_id,
            "job_id": request.job_id,
            "provider": provider.name,
            "model": request.model,
            "status": "starting",
            "log_path": str(files.log),
            "work_dir": str(request.work_dir),
            "session_id": request.resume_session_id,
            "budget_usd": request.budget_usd,
            "turn_cap": turn_cap,
            "max_turns": request.max_turns,
            "deadline_at": deadline,
            "created_at": created,
            "interactive": request.interactive,
        }
        with self._db.write() as conn:
            repository.insert(conn, agent)
        wiring = self._wire(agent_id, request.job_id) if self._wire else AgentWiring()
        run = hosted_run(self._settings, agent_id, request, provider, files, wiring)
        try:
            host = self._host(request.interactive, provider)
            started = host.start(run, lambda status: self._exited(agent_id, status))
        except OSError as exc:
            reason = f"could not start {provider.name} ({provider.binary}): {exc.strerror or exc}"
            with self._db.write() as conn:
                repository.update_fields(
                    conn, agent_id, status="exited", stop_reason=reason, finished_at=now()
                )
            raise LaunchFailed(reason) from exc
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
        limits = RunLimits(
            self._stopper(agent_id),
            budget_usd=request.budget_usd,
            turn_cap=turn_cap,
            deadline_at=deadline,
        )
        live = self._follow(agent_id, request.job_id, started.pid, files, provider, state, host)
        live.limits = limits
        live.watch = started.watch
        limits.arm(self._loop, request.time_limit_sec)
        assert self._health is not None
        self._health.watch(agent_id, limits_of(agent))
        self._loop.create_task(self._record_base_tree(agent_id, request))
        publish_agent(self._bus, self._db, agent_id)
        return agent_id

    def _host(self, interactive: bool, provider: Provider) -> ProcessHost:
        if not interactive:
            return self._batch
        if self._tmux is None or provider.interactive is None:
            raise OSError(f"{provider.name} has no interactive mode here")
        return self._tmux

    async def _record_base_tree(self, agent_id: str, request: LaunchRequest) -> None:
        tree = await asyncio.to_thread(gitdiff.snapshot_tree, request.work_dir)
        if tree is not None:
            with self._db.write() as conn:
                repository.update_fields(conn, agent_id, base_tree=tree)

    def _follow(
        self,
        agent_id: str,
        job_id: str,
        pid: int,
        files: AgentFiles,
        provider: Provider,
        state: StreamState,
        host: ProcessHost,
    ) -> _Live:
        assert self._ingest is not None
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
        live = _Live(
            agent_id=agent_id,
            job_id=job_id,
            pid=pid,
            files=files,
            stream=stream,
            host=host,
            limits=RunLimits(self._stopper(agent_id)),
        )
        self._live[agent_id] = live
        self._ingest.follow(stream)
        return live

    # -- stopping ---------------------------------------------------------------------------
    def stop(self, agent_id: str, reason: str, detail: str | None = None) -> bool:
        """Terminate the agent's process group; SIGKILL follows if it lingers. False if not live."""
        live = self._live.get(agent_id)
        if live is None:
            return False
        if live.stop_reason is None:
            live.stop_reason, live.stop_detail = reason, detail
        live.host.terminate(agent_id, live.pid)
        assert self._loop is not None
        grace = self._settings.kill_grace_sec
        live.kill_timers.append(self._loop.call_later(grace, live.host.kill, live.pid))
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
        live.host.kill(live.pid)
        live.stream.drain(final=True)
        last_answer = live.host.ended(agent_id)
        exit_code = live.files.read_exit_code()
        state = live.stream.state
        if not live.host.prints_result and state.result is None and live.stop_reason is None:
            # A TUI prints no result: `/exit` (code 0) counts as a finished run.
            state.result = RunResult(last_answer, exit_code not in (0, None), "success")
        if exit_code is None and wait_status is not None:
            exit_code = wait_status
        self._finalise(
            live.agent_id,
            live.job_id,
            live.files,
            live.stream,
            exit_code,
            live.stop_reason,
            live.stop_detail,
        )

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
        agent_id: str,
        job_id: str,
        files: AgentFiles,
        stream: AgentStream,
        exit_code: int | None,
        stop_reason: str | None,
        stop_detail: str | None,
    ) -> None:
        with self._db.write() as conn:
            repository.update_fields(
                conn,
                agent_id,
                status="exited",
                exit_code=exit_code,
                stop_reason=stop_detail or stop_reason,
                finished_at=now(),
                warnings=None,  # they are about running agents
            )
        publish_agent(self._bus, self._db, agent_id)
        outcome = AgentOutcome(
            agent_id=agent_id,
            job_id=job_id,
            exit_code=exit_code,
            stop_reason=stop_reason,
            provider=stream.provider.name,
            stop_detail=stop_detail,
            result=stream.state.result,
            cost_usd=stream.state.cost_usd,
            stderr_tail=files.stderr_tail(),
        )
        self._on_finished(outcome)

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
            stream = drained_stream(row, files, provider, self._db, self._bus, state)
            code = files.read_exit_code()
            if not host.prints_result and stream.state.result is None:
                stream.state.result = RunResult(None, code not in (0, None), "success")
            self._finalise(agent_id, job_id, files, stream, code, row["stop_reason"], None)
            return
        live = self._follow(agent_id, job_id, row["pid"], files, provider, state, host)
        live.watch = watch
        live.limits = RunLimits(
            self._stopper(agent_id),
            budget_usd=row["budget_usd"],
            turn_cap=row["turn_cap"],
            deadline_at=row["deadline_at"],
        )
        assert self._loop is not None
        live.limits.arm(self._loop)
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
