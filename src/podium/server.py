"""Runs the HTTP server (and, once it is wired in, the MCP server) in one event loop."""

from __future__ import annotations

import logging

import uvicorn

from podium.app import create_app
from podium.config import Settings

log = logging.getLogger(__name__)


async def run_server(settings: Settings) -> None:
    if settings.host in ("0.0.0.0", "::", "") and not settings.auth_token:
        log.warning(
            "listening on every interface without AUTH_TOKEN: anyone who can reach "
            "this port can run agents on this machine"
        )
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_ping_interval=20,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    log.info("Podium listening on http://%s:%s", settings.host, settings.port)
    await server.serve()
    if not server.started:
        raise OSError(f"could not listen on {settings.host}:{settings.port}")
