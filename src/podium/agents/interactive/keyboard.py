"""Typing into agents' panes without stalling the event loop.

Each tmux call that types runs in a worker thread, and an agent's input goes in one call at a
time in the order it was asked for (a viewer's keystrokes, the first prompt, a Continue), so a
long message never holds up MCP calls or the state hooks, and two inputs never interleave."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from podium.agents.interactive.tmux import Tmux, TmuxError, session_name
from podium.background import BackgroundTasks

log = logging.getLogger(__name__)


class Keyboard:
    def __init__(self, tmux: Tmux) -> None:
        self._tmux = tmux
        self._order: dict[str, asyncio.Lock] = {}
        self._later = BackgroundTasks()

    async def type(self, agent_id: str, text: str, *, submit: bool = False) -> None:
        """Type text as is (line breaks press Enter); with `submit`, paste it as one message and
        press Enter. Raises TmuxError when tmux refuses (the session is gone)."""
        order = self._order.setdefault(agent_id, asyncio.Lock())
        async with order:
            name = session_name(agent_id)
            await asyncio.to_thread(self._tmux.type_text, name, text, submit=submit)

    def type_later(
        self,
        agent_id: str,
        text: str,
        *,
        submit: bool = False,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Type in the background (from a callback that cannot wait); `then` runs once it is
        typed. A failure is logged: nobody is waiting to be told."""
        self._later.start(self._type_then(agent_id, text, submit, then))

    async def _type_then(
        self, agent_id: str, text: str, submit: bool, then: Callable[[], None] | None
    ) -> None:
        try:
            await self.type(agent_id, text, submit=submit)
        except TmuxError as exc:
            log.warning("could not type into %s: %s", agent_id, exc)
            return
        if then is not None:
            then()

    def forget(self, agent_id: str) -> None:
        self._order.pop(agent_id, None)
