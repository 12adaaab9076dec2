"""Health warnings for running agents, so a user with a dozen of them sees which need a look:
no output for a while (stalled), near the turn cap, running long, near the budget or time limit.

Event-driven: each time-based warning is one timer per agent. Output only moves a timestamp;
the stall timer, when it fires, re-arms itself for the rest of the window if output came in
meanwhile, so a busy agent costs no timer work per line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping

from podium.ids import now, to_datetime

log = logging.getLogger(__name__)

# A cap is "near" once this share of it is used (turns, dollars, minutes).
NEAR_LIMIT = 0.8

STALLED = "stalled"
HIGH_TURNS = "high_turns"
LONG_RUNNING = "long_running"
BUDGET = "budget"
TIME = "time"


@dataclass(frozen=True, slots=True)
class HealthWarning:
    kind: str
    message: str
    since: float

    def as_json(self) -> dict[str, object]:
        """As stored on the agent row and sent on /ws: the API's AgentWarning."""
        since = to_datetime(self.since)
        assert since is not None
        return {"kind": self.kind, "message": self.message, "since": since.isoformat()}


@dataclass(frozen=True, slots=True)
class HealthLimits:
    """What one agent run is held to; None means no such limit."""

    started_at: float
    max_turns: int | None = None
    budget_usd: float | None = None
    deadline_at: float | None = None
    # Interactive sessions sit idle waiting for their user: silence is not a stall there.
    watch_output: bool = True


def limits_of(agent: Mapping[str, Any] | RowMapping) -> HealthLimits:
    """The limits of a run, from its agent row's fields (as stored at launch, or read back
    after a restart)."""
    return HealthLimits(
        started_at=agent["created_at"],
        max_turns=agent["max_turns"],
        budget_usd=agent["budget_usd"],
        deadline_at=agent["deadline_at"],
        watch_output=not agent["interactive"],
    )


@dataclass(slots=True)
class _Watched:
    agent_id: str
    limits: HealthLimits
    last_output_at: float
    warnings: dict[str, HealthWarning] = field(default_factory=dict)
    stall_timer: asyncio.TimerHandle | None = None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


class HealthMonitor:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        stall_sec: float,
        long_running_sec: float,
        on_change: Callable[[str, list[HealthWarning]], None],
    ) -> None:
        self._loop = loop
        self._stall_sec = stall_sec
        self._long_running_sec = long_running_sec
        self._on_change = on_change
        self._watched: dict[str, _Watched] = {}

    def watch(
        self,
        agent_id: str,
        limits: HealthLimits,
        *,
        last_output_at: float | None = None,
        num_turns: int = 0,
        cost_usd: float = 0.0,
    ) -> None:
        """Start watching a run (at launch, or again after a restart)."""
        watched = _Watched(agent_id, limits, last_output_at or limits.started_at)
        self._watched[agent_id] = watched
        if limits.watch_output:
            self._arm_stall(watched)
        long_at = limits.started_at + self._long_running_sec
        watched.timers.append(self._call_at(long_at, self._long_running, watched))
        if limits.deadline_at is not None:
            span = limits.deadline_at - limits.started_at
            if span > 0:
                near = limits.started_at + NEAR_LIMIT * span
                watched.timers.append(self._call_at(near, self._near_deadline, watched))
        self.stats(agent_id, num_turns, cost_usd)

    def forget(self, agent_id: str) -> None:
        watched = self._watched.pop(agent_id, None)
        if watched is None:
            return
        for timer in [*watched.timers, watched.stall_timer]:
            if timer is not None:
                timer.cancel()

    def warnings(self, agent_id: str) -> list[HealthWarning]:
        watched = self._watched.get(agent_id)
        return list(watched.warnings.values()) if watched is not None else []

    def output(self, agent_id: str) -> None:
        """The agent printed something: it is not stalled."""
        watched = self._watched.get(agent_id)
        if watched is None:
            return
        watched.last_output_at = now()
        if STALLED in watched.warnings:
            self._clear(watched, STALLED)
            self._arm_stall(watched)

    def stats(self, agent_id: str, num_turns: int, cost_usd: float) -> None:
        watched = self._watched.get(agent_id)
        if watched is None:
            return
        limits = watched.limits
        if limits.max_turns and num_turns >= NEAR_LIMIT * limits.max_turns:
            self._raise(watched, HIGH_TURNS, f"{num_turns} of {limits.max_turns} turns used")
        if limits.budget_usd and cost_usd >= NEAR_LIMIT * limits.budget_usd:
            self._raise(
                watched, BUDGET, f"${cost_usd:.2f} of its ${limits.budget_usd:.2f} budget spent"
            )

    # -- timers ---------------------------------------------------------------------------
    def _call_at(
        self, at: float, callback: Callable[[_Watched], None], watched: _Watched
    ) -> asyncio.TimerHandle:
        return self._loop.call_later(max(0.0, at - now()), callback, watched)

    def _arm_stall(self, watched: _Watched) -> None:
        at = watched.last_output_at + self._stall_sec
        watched.stall_timer = self._call_at(at, self._stall_due, watched)

    def _stall_due(self, watched: _Watched) -> None:
        if self._watched.get(watched.agent_id) is not watched:
            return
        silent = now() - watched.last_output_at
        if silent + 0.001 < self._stall_sec:
            self._arm_stall(watched)  # output came in meanwhile: wait out the rest
            return
        watched.stall_timer = None
        self._raise(watched, STALLED, f"no output for {_minutes(self._stall_sec)}")

    def _long_running(self, watched: _Watched) -> None:
        if self._watched.get(watched.agent_id) is watched:
            message = f"running for over {_minutes(self._long_running_sec)}"
            self._raise(watched, LONG_RUNNING, message)

    def _near_deadline(self, watched: _Watched) -> None:
        deadline = watched.limits.deadline_at
        if self._watched.get(watched.agent_id) is watched and deadline is not None:
            left = max(0.0, deadline - now())
            self._raise(watched, TIME, f"time limit ends in {_minutes(round(left))}")

    # -- changes --------------------------------------------------------------------------
    def _raise(self, watched: _Watched, kind: str, message: str) -> None:
        if kind in watched.warnings:
            return
        log.info("agent %s: %s", watched.agent_id, message)
        watched.warnings[kind] = HealthWarning(kind, message, now())
        self._on_change(watched.agent_id, list(watched.warnings.values()))

    def _clear(self, watched: _Watched, kind: str) -> None:
        if watched.warnings.pop(kind, None) is not None:
            self._on_change(watched.agent_id, list(watched.warnings.values()))
