"""/ws/terminal/{agentId}: an interactive agent's terminal, live, for any number of viewers.

Server -> client (the JSON frames are `TerminalMessage` in api/messages.py and the OpenAPI
document): first a JSON text frame `{"type": "hello", "agentId", "alive", "activity", "cols",
"rows"}`, then binary frames of raw terminal bytes (the scrollback and screen from
`tmux capture-pane`, then everything the pane prints), JSON `{"type": "activity", "activity"}`
when the agent turns busy/idle/waiting, and `{"type": "exit"}` when its session ends.
Client -> server: `{"type": "input", "data": "..."}` (typed as is; `\\r`/`\\n` press Enter) and
`{"type": "resize", "cols": N, "rows": M}`; with several viewers the pane takes the smallest
size among them. Closing the socket never stops the agent.

The RequestGuard middleware covers this path like every /ws* path (Origin, Host, AUTH_TOKEN)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from podium.agents import repository
from podium.agents.interactive.tmux import TmuxError
from podium.agents.service import AgentUpdated
from podium.api.messages import TerminalActivity, TerminalExit, TerminalHello
from podium.events import Event
from podium.schemas import ApiModel
from podium.services import Services

log = logging.getLogger(__name__)
router = APIRouter()

SCROLLBACK_LINES = 2000
_END = object()


@router.websocket("/ws/terminal/{agent_id}")
async def terminal(socket: WebSocket, agent_id: str) -> None:
    services: Services = socket.app.state.services
    sessions = services.interactive
    with services.db.read() as conn:
        row = repository.get(conn, agent_id)
    if row is None or not row["interactive"]:
        await socket.close(code=4404, reason="no interactive agent with this id")
        return
    await socket.accept()
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def deliver(chunk: bytes | None) -> None:
        queue.put_nowait(_END if chunk is None else chunk)

    def accept(event: Event) -> bool:
        message = event.message
        return isinstance(message, AgentUpdated) and message.data.id == agent_id

    unsubscribe = sessions.subscribe(agent_id, deliver)
    updates = services.bus.subscribe(accept, maxsize=1000)
    pump = asyncio.create_task(_pump_updates(updates, queue, row["activity"]))
    sender: asyncio.Task[None] | None = None
    try:
        alive = await asyncio.to_thread(sessions.is_alive, agent_id)
        hello = TerminalHello(agent_id=agent_id, alive=alive, activity=row["activity"])
        screen = b""
        if alive:
            with contextlib.suppress(TmuxError):
                name_size = await asyncio.to_thread(sessions.tmux.size, f"podium-{agent_id}")
                hello.cols, hello.rows = name_size
            with contextlib.suppress(TmuxError):
                screen = await asyncio.to_thread(sessions.screen, agent_id, SCROLLBACK_LINES)
        await _send(socket, hello)
        if screen:
            await socket.send_bytes(screen)
        if not alive:
            await _send(socket, TerminalExit())
            await socket.close()
            return
        sender = asyncio.create_task(_send_loop(socket, queue))
        while True:
            message = await socket.receive_json()
            await _handle(services, agent_id, message, viewer=deliver)
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass
    finally:
        unsubscribe()
        updates.close()
        for task in (pump, sender):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


async def _pump_updates(updates: Any, queue: asyncio.Queue[Any], activity: str | None) -> None:
    """Turn the agent's `agent.updated` messages into the viewer's activity changes and end."""
    while True:
        agent = (await updates.get()).message.data
        if agent.activity is not None and agent.activity != activity:
            activity = agent.activity
            queue.put_nowait(TerminalActivity(activity=activity))
        if agent.status == "exited":
            queue.put_nowait(_END)


async def _send_loop(socket: WebSocket, queue: asyncio.Queue[Any]) -> None:
    while True:
        items = [await queue.get()]
        # Send what has piled up in as few frames as possible: a TUI writes many small chunks.
        while not queue.empty():
            items.append(queue.get_nowait())
        pending: list[bytes] = []
        for item in items:
            if isinstance(item, bytes):
                pending.append(item)
                continue
            if pending:
                await socket.send_bytes(b"".join(pending))
                pending.clear()
            if item is _END:
                await _send(socket, TerminalExit())
                await socket.close()
                return
            await _send(socket, item)
        if pending:
            await socket.send_bytes(b"".join(pending))


async def _send(socket: WebSocket, message: ApiModel) -> None:
    await socket.send_text(message.model_dump_json(by_alias=True))


async def _handle(services: Services, agent_id: str, message: Any, *, viewer: object) -> None:
    if not isinstance(message, dict):
        return
    kind = message.get("type")
    sessions = services.interactive
    try:
        if kind == "input" and isinstance(message.get("data"), str):
            await sessions.send_input(agent_id, message["data"])
        elif kind == "resize":
            cols, rows = message.get("cols"), message.get("rows")
            if isinstance(cols, int) and isinstance(rows, int):
                await sessions.viewer_resized(agent_id, viewer, cols, rows)
    except TmuxError as exc:
        log.info("terminal %s: %s", agent_id, exc)
