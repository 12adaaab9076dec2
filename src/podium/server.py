"""Runs the HTTP API and the MCP server as two listeners in one event loop, sharing services."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from podium.app import create_app
from podium.config import Settings
from podium.mcp.server import build_mcp_app
from podium.services import Services

log = logging.getLogger(__name__)


async def run_server(settings: Settings) -> None:
    if settings.host in ("0.0.0.0", "::", "") and not settings.auth_token:
        log.warning(
            "listening on every interface without AUTH_TOKEN: anyone who can reach this port "
            "can run agents on this machine"
        )
    services = Services.build(settings)
    api = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, services),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            ws_ping_interval=20,
            lifespan="on",
        )
    )
    mcp = uvicorn.Server(
        uvicorn.Config(
            build_mcp_app(services),
            host=settings.host,
            port=settings.mcp_port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    # Agents need the MCP server from their first second, so it listens before the API (whose
    # start-up re-attaches agents and starts dispatching).
    mcp_task = asyncio.create_task(mcp.serve(), name="mcp-server")
    while not mcp.started:
        if mcp_task.done():
            await mcp_task
            raise OSError(f"could not listen on {settings.host}:{settings.mcp_port} (MCP_PORT)")
        await asyncio.sleep(0.01)
    log.info(
        "Podium listening on http://%s:%s (MCP on port %s)",
        settings.host,
        settings.port,
        settings.mcp_port,
    )
    try:
        await api.serve()
    finally:
        mcp.should_exit = True
        await mcp_task
    if not api.started:
        raise OSError(f"could not listen on {settings.host}:{settings.port} (PORT)")
