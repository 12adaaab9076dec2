"""The heartbeat of a waiting MCP call: progress at its interval while the wait lasts, none
after, and the wait still ends on its own event."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from mcp.server.mcpserver import Context

from podium.mcp.waiting import heartbeat


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.beats: list[tuple[float, str | None]] = []
        self.fail = fail

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self.fail:
            raise ConnectionError("client gone")
        self.beats.append((progress, message))


def as_ctx(recorder: Recorder) -> Context[Any, Any]:
    return cast("Context[Any, Any]", recorder)


async def test_beats_while_waiting_and_stops_after() -> None:
    recorder = Recorder()
    async with heartbeat(as_ctx(recorder), 0.05, "waiting for jobs"):
        await asyncio.sleep(0.28)
    seen = len(recorder.beats)
    assert 3 <= seen <= 6, recorder.beats
    assert recorder.beats[0] == (1, "still waiting for jobs")
    await asyncio.sleep(0.2)
    assert len(recorder.beats) == seen, "no beats once the wait is over"


async def test_the_wait_ends_on_its_event_not_on_a_beat() -> None:
    recorder = Recorder()
    woken = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, woken.set)
    started = loop.time()
    async with heartbeat(as_ctx(recorder), 10, "watching notes"):
        await woken.wait()
    assert loop.time() - started < 1 and recorder.beats == []


async def test_a_failed_beat_leaves_the_wait_alone() -> None:
    async with heartbeat(as_ctx(Recorder(fail=True)), 0.01, "waiting"):
        await asyncio.sleep(0.1)
