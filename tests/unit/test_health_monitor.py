"""HealthMonitor: warnings raised by real timers on a real event loop. Assertions check what the
monitor guarantees (a stall is only ever reported after a full window of silence), not how fast
a loaded machine ran the timers."""

from __future__ import annotations

import asyncio

from podium.agents.health import (
    BUDGET,
    HIGH_TURNS,
    LONG_RUNNING,
    STALLED,
    TIME,
    HealthLimits,
    HealthMonitor,
    HealthWarning,
)
from podium.ids import now

WAIT = 10.0


class Recorder:
    """Each change the monitor reports, with when it came."""

    def __init__(self) -> None:
        self.changes: list[tuple[float, list[str]]] = []
        self._changed = asyncio.Event()

    def __call__(self, agent_id: str, warnings: list[HealthWarning]) -> None:
        assert agent_id == "ag_1"
        self.changes.append((now(), [w.kind for w in warnings]))
        self._changed.set()

    async def next(self) -> list[str]:
        self._changed.clear()
        await asyncio.wait_for(self._changed.wait(), WAIT)
        return self.changes[-1][1]

    @property
    def current(self) -> list[str]:
        return self.changes[-1][1] if self.changes else []


def monitor(record: Recorder, *, stall: float = 100.0, long: float = 100.0) -> HealthMonitor:
    loop = asyncio.get_running_loop()
    return HealthMonitor(loop, stall_sec=stall, long_running_sec=long, on_change=record)


async def test_silence_raises_stalled_and_output_clears_it() -> None:
    record = Recorder()
    health = monitor(record, stall=0.2)
    started = now()
    health.watch("ag_1", HealthLimits(started_at=started))
    assert await record.next() == [STALLED]
    assert record.changes[-1][0] - started >= 0.2
    assert health.warnings("ag_1")[0].message == "no output for 0.2 s"

    health.output("ag_1")
    assert record.current == []
    spoke = now()
    assert await record.next() == [STALLED]  # silent again: reported again
    assert record.changes[-1][0] - spoke >= 0.2
    health.forget("ag_1")


async def test_steady_output_defers_the_stall() -> None:
    record = Recorder()
    health = monitor(record, stall=0.3)
    health.watch("ag_1", HealthLimits(started_at=now()))
    outputs = []
    for _ in range(20):
        await asyncio.sleep(0.05)
        health.output("ag_1")
        outputs.append(now())
    # Whatever the machine's load, a stall reported means 0.3 s passed without output.
    for at, kinds in record.changes:
        if STALLED in kinds:
            before = [t for t in outputs if t <= at]
            assert not before or at - before[-1] >= 0.3
    health.forget("ag_1")


async def test_turns_and_budget_warn_at_eighty_percent() -> None:
    record = Recorder()
    health = monitor(record)
    health.watch("ag_1", HealthLimits(started_at=now(), max_turns=10, budget_usd=2.0))
    health.stats("ag_1", num_turns=7, cost_usd=1.59)
    assert record.changes == []
    health.stats("ag_1", num_turns=8, cost_usd=1.59)
    assert record.current == [HIGH_TURNS]
    health.stats("ag_1", num_turns=9, cost_usd=1.60)
    assert record.current == [HIGH_TURNS, BUDGET]
    assert len(record.changes) == 2  # each warning once
    messages = [w.message for w in health.warnings("ag_1")]
    assert messages == ["8 of 10 turns used", "$1.60 of its $2.00 budget spent"]
    health.forget("ag_1")


async def test_time_limit_and_long_running_warn_on_their_timers() -> None:
    record = Recorder()
    health = monitor(record, long=0.6)
    started = now()
    health.watch("ag_1", HealthLimits(started_at=started, deadline_at=started + 0.5))
    assert await record.next() == [TIME]
    assert record.changes[-1][0] - started >= 0.4  # 80% of the limit
    assert await record.next() == [TIME, LONG_RUNNING]
    assert record.changes[-1][0] - started >= 0.6
    health.forget("ag_1")


async def test_a_restarted_watch_counts_from_the_last_output() -> None:
    record = Recorder()
    health = monitor(record, stall=60.0, long=1000.0)
    long_ago = now() - 120
    health.watch("ag_1", HealthLimits(started_at=long_ago), last_output_at=long_ago, num_turns=3)
    assert await record.next() == [STALLED]
    health.forget("ag_1")


async def test_interactive_sessions_never_stall_and_forget_stops_everything() -> None:
    record = Recorder()
    health = monitor(record, stall=0.05, long=0.1)
    health.watch("ag_1", HealthLimits(started_at=now(), watch_output=False))
    assert await record.next() == [LONG_RUNNING]
    health.forget("ag_1")
    health.watch("ag_1", HealthLimits(started_at=now()))
    health.forget("ag_1")
    await asyncio.sleep(0.3)
    assert record.current == [LONG_RUNNING]  # nothing fired for the forgotten watch
    health.output("ag_1")
    health.stats("ag_1", 1000, 1000.0)
    assert len(record.changes) == 1
