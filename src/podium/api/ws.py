"""/ws: a snapshot on connect (jobs, settings, live agents), then live events. A client
subscribes to an agent's output by id (`{"type": "subscribe", "agentId": ..., "after": seq}`)
and gets the backlog after `after` first.

Every server message is a member of `ServerMessage` (api/messages.py); `GET /api/ws/schema`
serves its JSON Schema and the OpenAPI document carries the same union for generated clients.

A client that falls behind is closed (code 4408) and resynchronises from a fresh snapshot on
reconnect, rather than reading an incomplete stream."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from podium.agents.service import AgentOutput
from podium.api.messages import (
    AgentBacklog,
    AgentBacklogData,
    ErrorData,
    ErrorMessage,
    Pong,
    Snapshot,
    SnapshotData,
    message_json_schema,
)
from podium.events import Event, Message
from podium.services import Services

router = APIRouter()

SNAPSHOT_JOBS = 500
BACKLOG_LIMIT = 5000


@router.get("/api/ws/schema", summary="JSON Schema of the /ws server messages")
def ws_schema() -> dict[str, Any]:
    """The JSON Schema every message the server sends on /ws validates against: a union
    discriminated by `type`. The OpenAPI document carries the same union as the
    `ServerMessage` component."""
    return message_json_schema()


def _snapshot(services: Services) -> Snapshot:
    jobs, total = services.jobs.list(archived=False, limit=SNAPSHOT_JOBS, offset=0)
    return Snapshot(
        data=SnapshotData(
            jobs=jobs,
            jobs_total=total,
            settings=services.app_settings.current,
            live_agents=services.runner.live_count,
            agents=services.agents.live(),
        )
    )


async def _send(socket: WebSocket, message: Message) -> None:
    await socket.send_text(message.wire())


@router.websocket("/ws")
async def websocket(socket: WebSocket) -> None:
    services: Services = socket.app.state.services
    await socket.accept()
    watched: set[str] = set()

    def accept(event: Event) -> bool:
        message = event.message
        if isinstance(message, AgentOutput):
            return message.data.agent_id in watched
        return True

    subscription = services.bus.subscribe(accept, maxsize=20_000)
    sender = asyncio.create_task(_send_loop(socket, subscription))
    try:
        await _send(socket, _snapshot(services))
        while True:
            message = await socket.receive_json()
            await _handle(socket, services, watched, message)
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass
    finally:
        subscription.close()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _send_loop(socket: WebSocket, subscription: Any) -> None:
    while True:
        event = await subscription.get()
        if subscription.overflowed:
            await socket.close(code=4408, reason="too slow; reconnect for a fresh snapshot")
            return
        await socket.send_text(event.wire)


async def _handle(socket: WebSocket, services: Services, watched: set[str], message: Any) -> None:
    if not isinstance(message, dict):
        return
    kind = message.get("type")
    agent_id = message.get("agentId")
    if kind == "subscribe" and isinstance(agent_id, str):
        after = message.get("after", 0)
        after = after if isinstance(after, int) and after >= 0 else 0
        watched.add(agent_id)
        try:
            page = services.agents.output(agent_id, after, BACKLOG_LIMIT)
        except Exception:
            await _send(socket, ErrorMessage(data=ErrorData(message=f"no agent {agent_id}")))
            watched.discard(agent_id)
            return
        await _send(
            socket, AgentBacklog(data=AgentBacklogData(agent_id=agent_id, events=page.events))
        )
    elif kind == "unsubscribe" and isinstance(agent_id, str):
        watched.discard(agent_id)
    elif kind == "ping":
        await _send(socket, Pong())
