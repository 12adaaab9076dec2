"""The limits one run is held to: turns (for CLIs without a cap of their own), budget and
time. Each is checked as the run streams (or by a timer) and stops the run once, with why."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

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
    ) -> None:
        self._stop = stop
        self.budget_usd = budget_usd
        self.turn_cap = turn_cap
        self.deadline_at = deadline_at
        self._timer: asyncio.TimerHandle | None = None
        self.stopped = False

    def arm(self, loop: asyncio.AbstractEventLoop, time_limit_sec: float | None = None) -> None:
        """Start the time limit's timer (`time_limit_sec` for the original length's wording)."""
        if self.deadline_at is None:
            return
        remaining = self.deadline_at - now()
        minutes = (time_limit_sec if time_limit_sec is not None else remaining) / 60
        detail = f"time limit reached ({minutes:g} min)"
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
