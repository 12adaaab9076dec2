"""uvicorn, made quiet when idle: nothing in the server wakes up unless a client does.

- uvicorn's main loop wakes every 0.1 s to look at `should_exit` and to refresh the `Date`
  header; `QuietServer` sleeps until told to exit, and `DateHeader` dates each response as it
  is sent instead.
- sse-starlette (the MCP SDK's streamed responses) starts, with the first stream, a task that
  polls every 0.5 s, for ever, whether the server is exiting; `claim_sse_shutdown` takes its
  place and `end_sse_streams` does its one job (ending open streams) when the server exits."""

from __future__ import annotations

import asyncio
import sys
import time
from email.utils import formatdate
from functools import lru_cache
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class QuietServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        self._exit = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._should_exit = False
        super().__init__(config)

    @property
    def should_exit(self) -> bool:
        return self._should_exit

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        """Set from a signal handler too (uvicorn's), so the wake-up goes through the loop's
        self-pipe rather than straight into the event."""
        self._should_exit = value
        if value and self._loop is not None:
            self._loop.call_soon_threadsafe(self._exit.set)

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.on_tick(0)  # sets the default headers once
        if not self._should_exit:
            await self._exit.wait()


def quiet_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """A uvicorn config for QuietServer: the Date header comes from DateHeader."""
    return uvicorn.Config(DateHeader(app), date_header=False, **options)


class DateHeader:
    """Adds `Date` to every HTTP response (RFC 9110 asks an origin server with a clock for it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), (b"date", _http_date(int(time.time())))]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, dated)


@lru_cache(maxsize=2)
def _http_date(second: int) -> bytes:
    return formatdate(second, usegmt=True).encode()


def claim_sse_shutdown() -> None:
    """Keep sse-starlette from starting its polling shutdown watcher on this thread's loop.

    Its per-thread state is not public API; if it changes shape this does nothing, and the
    library's own watcher runs as before (tests/integration/test_idle_server.py notices)."""
    from sse_starlette import sse

    state = getattr(sse, "_get_shutdown_state", lambda: None)()
    if state is not None and hasattr(state, "watcher_started"):
        state.watcher_started = True


def end_sse_streams() -> None:
    """What the watcher would do at shutdown: wake every open stream's exit listener."""
    sse = sys.modules.get("sse_starlette.sse")
    if sse is None:
        return
    state = getattr(sse, "_get_shutdown_state", lambda: None)()
    for event in list(getattr(state, "events", ())):
        event.set()
