"""Starts agent processes, follows them, stops them, and picks them up again after a restart."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import RowMapping

from podium.agents import gitdiff, repository
from podium.agents.health import HealthMonitor, HealthWarning, limits_of
from podium.agents.ingest import LogIngest
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.process import (
    AgentFiles,
    ExitWatch,
    process_start_time,
    signal_group,
    spawn,
)
from podium.agents.providers.base import LaunchSpec, Provider, RunResult
from podium.agents.registry import ProviderRegistry
from podium.agents.restart import saved_stream_state, watch_if_alive
from podium.agents.runs import AgentOutcome, AgentWiring, LaunchFailed, LaunchRequest
from podium.agents.service import publish_agent
from podium.agents.stream import AgentStream, StreamState
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
    start_time: float | None = None  # the group leader's, checked before every signal
    watch: ExitWatch | None = None
    budget_usd: float | None = None
    # Enforced here only for CLIs without a turn cap of their own (Codex).
    turn_cap: int | None = None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)
    stop_reason: str | None = None
    stop_detail: str | None = None
    interactive: bool = False


@dataclass(frozen=True, slots=True)
class _Pane:
    """An interactive agent's process: the first process of its tmux pane (not our child)."""

    pid: int


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
    ) -> None:
        self._settings = settings
        self._db = db
        self._bus = bus
        self._providers = providers
        self._on_finished = on_finished
        self._wire = wire
        self._interactive = interactive
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

    # -- launch -----------------------------------------------------------------------------
    def send_to_session(self, agent_id: str, message: str) -> bool:
        """Type a follow-up into a live interactive agent's TUI; False if there is none."""
        if self._interactive is None or agent_id not in self._live:
            return False
        return self._interactive.send_message(agent_id, message)

    def launch(self, request: LaunchRequest) -> str:
        """Spawn an agent for a job; returns the agent id. Raises LaunchFailed with a reason."""
        assert self._loop is not None and self._ingest is not None, "runner not started"
        provider = self._providers.for_model(request.model)
        agent_id = new_id("ag")
        files = AgentFiles.for_agent(self._logs_dir, agent_id)
        files.prompt.write_text(request.prompt, encoding="utf-8")
        binary = self._binary_for(provider)
        created = now()
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
            "turn_cap": request.max_turns if provider.name == "codex" else None,
            "max_turns": request.max_turns,
            "deadline_at": created + request.time_limit_sec if request.time_limit_sec else None,
            "created_at": created,
            "interactive": request.interactive,
        }
        with self._db.write() as conn:
            repository.insert(conn, agent)
        wiring = self._wire(agent_id, request.job_id) if self._wire else AgentWiring()
        spec = LaunchSpec(
            agent_id=agent_id,
            job_id=request.job_id,
            binary=binary,
            work_dir=request.work_dir,
            model=request.model,
            system_prompt="\n\n".join(
                part for part in (request.system_prompt, wiring.system_prompt) if part
            ),
            max_turns=request.max_turns,
            resume_session_id=request.resume_session_id,
            mcp_url=wiring.mcp_url,
            mcp_headers=dict(wiring.mcp_headers),
            hook_command=wiring.hook_command,
            openai_base_url=self._settings.openai_base_url,
        )
        argv = provider.command(spec)
        env = self._env(agent_id, request) | dict(wiring.env)
        try:
            # --- interactive mode (podium.agents.interactive): the TUI in a tmux session ---
            if request.interactive:
                child: subprocess.Popen[bytes] | _Pane = self._spawn_interactive(
                    agent_id, request, provider, spec, env, files
                )
            else:
                child = spawn(argv, cwd=request.work_dir, env=env, files=files)
        except OSError as exc:
            reason = f"could not start {provider.name} ({binary}): {exc.strerror or exc}"
            with self._db.write() as conn:
                repository.update_fields(
                    conn, agent_id, status="exited", stop_reason=reason, finished_at=now()
                )
            raise LaunchFailed(reason) from exc
        start_time = process_start_time(child.pid)
        with self._db.write() as conn:
            repository.update_fields(
                conn,
                agent_id,
                status="running",
                pid=child.pid,
                process_start_time=start_time,
                started_at=now(),
            )
        state = StreamState(session_id=request.resume_session_id, model=request.model)
        live = self._follow(agent_id, request.job_id, child.pid, files, provider, state)
        live.start_time = start_time
        live.budget_usd = request.budget_usd
        live.turn_cap = request.max_turns if provider.name == "codex" else None
        live.interactive = request.interactive
        popen = child if isinstance(child, subprocess.Popen) else None
        live.watch = ExitWatch(self._loop, child.pid, lambda s: self._exited(agent_id, s), popen)
        if request.time_limit_sec is not None:
            self._arm_time_limit(live, request.time_limit_sec)
        assert self._health is not None
        self._health.watch(agent_id, limits_of(agent))
        self._loop.create_task(self._record_base_tree(agent_id, request.work_dir))
        publish_agent(self._bus, self._db, agent_id)
        return agent_id

    # --- interactive mode ---------------------------------------------------------------
    def _spawn_interactive(
        self,
        agent_id: str,
        request: LaunchRequest,
        provider: Provider,
        spec: LaunchSpec,
        env: dict[str, str],
        files: AgentFiles,
    ) -> _Pane:
        build = getattr(provider, "interactive_command", None)
        if self._interactive is None or build is None:
            raise OSError(f"{provider.name} has no interactive mode here")
        argv: list[str] = build(spec)
        env = self._interactive.environment(
            job_id=request.job_id, provider=provider.name, work_dir=request.work_dir, env=env
        )
        pid = self._interactive.spawn(
            agent_id=agent_id,
            job_id=request.job_id,
            provider=provider.name,
            argv=argv,
            env=env,
            work_dir=request.work_dir,
            exit_file=files.exit,
            prompt=request.prompt,
        )
        return _Pane(pid)

    def _end_interactive(self, live: _Live) -> None:
        """The TUI ended: close its viewers; `/exit` (code 0) counts as a finished run."""
        if self._interactive is None:
            return
        last = self._interactive.ended(live.agent_id)
        state = live.stream.state
        if state.result is None and live.stop_reason is None:
            code = live.files.read_exit_code()
            state.result = RunResult(text=last, is_error=code not in (0, None), subtype="success")

    # --- end of interactive mode -----------------------------------------------------------

    def _binary_for(self, provider: Provider) -> str:
        return self._settings.codex_bin if provider.name == "codex" else self._settings.claude_bin

    def _env(self, agent_id: str, request: LaunchRequest) -> dict[str, str]:
        # AUTH_TOKEN guards the API from everyone else; an agent reaches Podium with its own
        # per-agent token (PODIUM_AGENT_TOKEN), never the user's.
        env = {key: value for key, value in os.environ.items() if key != "AUTH_TOKEN"}
        env.update(
            {
                "ORCHESTRATOR_AGENT_ID": agent_id,
                "ORCHESTRATOR_API_URL": self._settings.base_url,
                "PODIUM_AGENT_ID": agent_id,
                "PODIUM_JOB_ID": request.job_id,
            }
        )
        # Claude Code refuses to skip permissions as root unless told it runs in a sandbox, and
        # only by exactly IS_SANDBOX=1: machines that export IS_SANDBOX=yes are refused.
        if os.geteuid() == 0:
            env["IS_SANDBOX"] = "1"
        env.update(request.extra_env)
        return env

    async def _record_base_tree(self, agent_id: str, work_dir: Path) -> None:
        tree = await asyncio.to_thread(gitdiff.snapshot_tree, work_dir)
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
        live = _Live(agent_id=agent_id, job_id=job_id, pid=pid, files=files, stream=stream)
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
        if live.interactive and self._interactive is not None:
            self._interactive.kill(agent_id)  # interactive mode: ends the tmux session too
        signal_group(live.pid, live.start_time, signal.SIGTERM)
        assert self._loop is not None
        live.timers.append(
            self._loop.call_later(
                self._settings.kill_grace_sec,
                signal_group,
                live.pid,
                live.start_time,
                signal.SIGKILL,
            )
        )
        return True

    def _check_limits(self, agent_id: str, cost: float) -> None:
        self._check_budget(agent_id, cost)
        live = self._live.get(agent_id)
        if live is not None and self._health is not None:
            self._health.stats(agent_id, live.stream.state.num_turns, cost)
        if live is None or live.turn_cap is None or live.stop_reason is not None:
            return
        # More requests than the cap: the run went past it (answering on the last is fine).
        if live.stream.state.num_turns > live.turn_cap:
            self.stop(agent_id, "turns", f"turn limit reached ({live.turn_cap} turns)")

    def _check_budget(self, agent_id: str, cost: float) -> None:
        live = self._live.get(agent_id)
        if live is None or live.budget_usd is None or live.stop_reason is not None:
            return
        if cost >= live.budget_usd:
            detail = f"budget of ${live.budget_usd:.2f} reached (spent ${cost:.4f})"
            self.stop(agent_id, "budget", detail)

    def _arm_time_limit(self, live: _Live, remaining_sec: float) -> None:
        assert self._loop is not None
        minutes = remaining_sec / 60
        detail = f"time limit reached ({minutes:g} min)"
        live.timers.append(
            self._loop.call_later(max(0.0, remaining_sec), self.stop, live.agent_id, "time", detail)
        )

    # -- exit -------------------------------------------------------------------------------
    def _exited(self, agent_id: str, wait_status: int | None) -> None:
        live = self._live.pop(agent_id, None)
        if live is None:
            return
        self._detach(live)
        # Sweep up anything the CLI left behind in its group (background shells, servers).
        signal_group(live.pid, live.start_time, signal.SIGKILL)
        live.stream.drain(final=True)
        if live.interactive:
            self._end_interactive(live)  # interactive mode
        exit_code = live.files.read_exit_code()
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
        for timer in live.timers:
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
        assert self._loop is not None
        provider = self._providers.by_name(row["provider"])
        files = AgentFiles.for_agent(self._logs_dir, row["id"])
        state = saved_stream_state(row)
        watch = watch_if_alive(self._loop, row, lambda s: self._exited(row["id"], s))
        if watch is None:
            stream = AgentStream(
                agent_id=row["id"],
                job_id=row["job_id"],
                log_path=files.log,
                provider=provider,
                db=self._db,
                bus=self._bus,
                state=state,
            )
            stream.drain(final=True)
            if row["interactive"] and stream.state.result is None:  # interactive mode
                code = files.read_exit_code()
                stream.state.result = RunResult(None, code not in (0, None), "success")
            self._finalise(
                row["id"],
                row["job_id"],
                files,
                stream,
                files.read_exit_code(),
                row["stop_reason"],
                None,
            )
            return
        pid = row["pid"]
        live = self._follow(row["id"], row["job_id"], pid, files, provider, state)
        live.start_time = row["process_start_time"]
        live.watch = watch
        if row["interactive"] and self._interactive is not None:  # interactive mode
            live.interactive = True
            self._interactive.adopt(row["id"], row["job_id"], provider.name)
        self._restore_limits(live, row)
        self._watch_health_again(live, row)
        live.stream.drain()
        log.info("re-attached to agent %s (pid %s)", row["id"], pid)

    def _restore_limits(self, live: _Live, row: RowMapping) -> None:
        live.budget_usd = row["budget_usd"]
        live.turn_cap = row["turn_cap"]
        if row["deadline_at"] is not None:
            self._arm_time_limit(live, row["deadline_at"] - now())

    def _watch_health_again(self, live: _Live, row: RowMapping) -> None:
        assert self._health is not None
        with self._db.read() as conn:
            last_output_at = repository.last_output_at(conn, live.agent_id)
        state = live.stream.state
        self._health.watch(
            live.agent_id,
            limits_of(row),
            last_output_at=last_output_at,
            num_turns=state.num_turns,
            cost_usd=state.cost_usd,
        )
        if row["warnings"] and not self._health.warnings(live.agent_id):
            self._health_changed(live.agent_id, [])  # what held before the restart has passed

    def _health_changed(self, agent_id: str, warnings: list[HealthWarning]) -> None:
        live = self._live.get(agent_id)
        if live is None:
            return
        listed = [warning.as_json() for warning in warnings]
        with self._db.write() as conn:
            repository.update_fields(conn, agent_id, warnings=listed or None)
        publish_agent(self._bus, self._db, agent_id)

    def snapshot(self) -> dict[str, Any]:
        return {"live": len(self._live)}
