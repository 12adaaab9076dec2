"""/ws: a snapshot on connect (jobs, settings, live agents), then live events. A client
subscribes to an agent's output by id (`{"type": "subscribe", "agentId": ..., "after": seq}`)
and gets the backlog after `after` first.

A client that falls behind is closed (code 4408) and resynchronises from a fresh snapshot on
reconnect, rather than reading an incomplete stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from podium.events import Event
from podium.services import Services

router = APIRouter()

SNAPSHOT_JOBS = 500
BACKLOG_LIMIT = 5000


def _snapshot(services: Services) -> dict[str, Any]:
    jobs, total = services.jobs.list(archived=False, limit=SNAPSHOT_JOBS, offset=0)
    agents = services.agents.live()
    return {
        "type": "snapshot",
        "data": {
            "jobs": [job.model_dump(mode="json", by_alias=True) for job in jobs],
            "jobsTotal": total,
            "settings": services.app_settings.current.model_dump(by_alias=True),
            "liveAgents": services.runner.live_count,
            # Live agents as `agent.updated` would describe them (status, stats, an interactive
            # agent's activity), so cards know them before their next update.
            "agents": [agent.model_dump(mode="json", by_alias=True) for agent in agents],
        },
    }


@router.websocket("/ws")
async def websocket(socket: WebSocket) -> None:
    services: Services = socket.app.state.services
    await socket.accept()
    watched: set[str] = set()

    def accept(event: Event) -> bool:
        if event.type == "agent.output":
            return event.data.get("agentId") in watched
        return True

    subscription = services.bus.subscribe(accept, maxsize=20_000)
    sender = asyncio.create_task(_send_loop(socket, subscription))
    try:
        await socket.send_text(json.dumps(_snapshot(services)))
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
            await socket.send_text(
                json.dumps({"type": "error", "data": {"message": f"no agent {agent_id}"}})
            )
            watched.discard(agent_id)
            return
        events = [e.model_dump(by_alias=True) for e in page.events]
        await socket.send_text(
            json.dumps({"type": "agent.backlog", "data": {"agentId": agent_id, "events": events}})
        )
    elif kind == "unsubscribe" and isinstance(agent_id, str):
        watched.discard(agent_id)
    elif kind == "ping":
        await socket.send_text(json.dumps({"type": "pong", "data": {}}))
