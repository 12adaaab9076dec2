"""How a blocking tool waits: within bounds, and kept alive while it does.

Claude Code aborts an MCP call that sends neither a response nor a progress notification for
CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT ms (default 300000), and the model then goes on without the
answer. A waiting tool therefore sends a progress notification every `interval` seconds; the
wait itself still wakes on its own event. Claude Code asks for progress (a `progressToken` in
the call's `_meta`) on every tool call; a client that does not gets no notifications."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

log = logging.getLogger(__name__)

MAX_WAIT_MS = 3_600_000


def wait_seconds(timeout_ms: int | None, default_ms: int) -> float:
    """A tool's `timeout_ms` argument as seconds: its default when absent, at most an hour."""
    value = default_ms if timeout_ms is None else timeout_ms
    if value < 0:
        raise ToolError("timeout_ms must not be negative")
    return min(value, MAX_WAIT_MS) / 1000


@contextlib.asynccontextmanager
async def heartbeat(ctx: Context[Any, Any], interval: float, what: str) -> AsyncIterator[None]:
    """While the body runs, report progress every `interval` seconds (one timer per call)."""

    async def beat() -> None:
        beats = 0
        while True:
            await asyncio.sleep(interval)
            beats += 1
            try:
                await ctx.report_progress(beats, message=f"still {what}")
            except Exception as exc:  # the client went away; the wait ends on its own
                log.debug("progress for a waiting tool call not sent: %r", exc)
                return

    timer = asyncio.create_task(beat(), name=f"mcp heartbeat: {what}")
    try:
        yield
    finally:
        timer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timer
