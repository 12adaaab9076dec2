"""The limits one run is held to: turns (for CLIs without a cap of their own), budget and
time. Each is checked as the run streams (or by a timer) and stops the run once, with why."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import RowMapping

from podium.ids import now

Stop = Callable[[str, str], None]  # (reason, detail)


class RunLimits:
    def __init__(
        self,
        stop: Stop,
        *,
        budget_usd: float | None = None,
        turn_cap: int | None = None,
        deadline_at: float | None = None,
        time_limit_sec: float | None = None,
    ) -> None:
        self._stop = stop
        self.budget_usd = budget_usd
        self.turn_cap = turn_cap
        self.deadline_at = deadline_at
        self.time_limit_sec = time_limit_sec  # the limit's length, for its message
        self._timer: asyncio.TimerHandle | None = None
        self.stopped = False

    @classmethod
    def of(cls, stop: Stop, row: Mapping[str, Any] | RowMapping) -> RunLimits:
        """The limits stored on an agent's row."""
        return cls(
            stop,
            budget_usd=row["budget_usd"],
            turn_cap=row["turn_cap"],
            deadline_at=row["deadline_at"],
            time_limit_sec=(
                row["deadline_at"] - row["created_at"] if row["deadline_at"] is not None else None
            ),
        )

    def arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the time limit's timer."""
        if self.deadline_at is None:
            return
        remaining = self.deadline_at - now()
        length = self.time_limit_sec if self.time_limit_sec is not None else remaining
        detail = f"time limit reached ({length / 60:g} min)"
        self._timer = loop.call_later(max(0.0, remaining), self._fire, "time", detail)

    def check(self, num_turns: int, cost_usd: float) -> None:
        """After each stored batch of output: stop on the budget, or past the turn cap."""
        if self.stopped:
            return
        if self.budget_usd is not None and cost_usd >= self.budget_usd:
            detail = f"budget of ${self.budget_usd:.2f} reached (spent ${cost_usd:.4f})"
            self._fire("budget", detail)
            return
        # More requests than the cap: the run went past it (answering on the last is fine).
        if self.turn_cap is not None and num_turns > self.turn_cap:
            self._fire("turns", f"turn limit reached ({self.turn_cap} turns)")

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self, reason: str, detail: str) -> None:
        self.stopped = True
        self._stop(reason, detail)
