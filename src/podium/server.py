"""Runs the HTTP API and the MCP server as two listeners in one event loop, sharing services."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
from typing import TYPE_CHECKING

from podium.agents.providers.builtin import builtin as builtin_providers
from podium.app import create_app
from podium.asgi_server import (
    QuietServer,
    claim_sse_shutdown,
    end_sse_streams,
    quiet_config,
)
from podium.config import Settings
from podium.mcp.server import build_mcp_app
from podium.services import Services

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from podium.demo.mode import Demo

log = logging.getLogger(__name__)


def missing_tools(settings: Settings) -> list[str]:
    """What a job will need and this machine lacks, said once at start rather than as each job
    fails: the agent CLIs, tmux for interactive jobs, git for diffs and worktrees."""
    problems = []
    for provider in builtin_providers(settings):
        if shutil.which(provider.binary) is None:
            problems.append(
                f"{provider.label} CLI not found ({provider.binary_setting}={provider.binary}): "
                "its jobs will fail until it is installed; `make setup` installs the pinned one"
            )
    for tool, needed_for in (("tmux", "interactive jobs"), ("git", "diffs and worktrees")):
        if shutil.which(tool) is None:
            problems.append(f"{tool} not found on PATH: {needed_for} will not work")
    return problems


async def run_server(settings: Settings, demo: Demo | None = None) -> None:
    for problem in missing_tools(settings):
        log.warning(problem)
    services = Services.build(settings)
    # Before anything listens: a second server on this database stops here with one clear line.
    services.server_lock.acquire()
    api = QuietServer(
        quiet_config(
            create_app(settings, services),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            ws_ping_interval=20,
            lifespan="on",
        )
    )
    mcp = QuietServer(
        quiet_config(
            _mcp_app(services),
            host=settings.host,
            port=settings.mcp_port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    # Both ports are bound before anything starts: a taken port is one clear error, and agents
    # re-attached at start-up can reach the MCP port at once (connections wait in its backlog).
    mcp_socket = listen(settings.host, settings.mcp_port, "MCP_PORT")
    api_socket = listen(settings.host, settings.port, "PORT")
    log.info(
        "Podium listening on http://%s:%s (MCP on port %s)",
        settings.host,
        settings.port,
        settings.mcp_port,
    )
    mcp_task = asyncio.create_task(mcp.serve(sockets=[mcp_socket]), name="mcp-server")
    seeding = asyncio.create_task(_seed_demo(settings, demo)) if demo else None
    try:
        await api.serve(sockets=[api_socket])
    finally:
        if seeding is not None:
            seeding.cancel()
        end_sse_streams()
        mcp.should_exit = True
        await mcp_task


def _mcp_app(services: Services) -> ASGIApp:
    claim_sse_shutdown()
    return build_mcp_app(services)


def listen(host: str, port: int, setting: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio turns Nagle off (TCP_NODELAY) only on accepted sockets whose
    # proto is IPPROTO_TCP; with proto 0 every keep-alive response waited ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({setting}): {exc.strerror}") from None
    return sock


async def _seed_demo(settings: Settings, demo: Demo) -> None:
    """Create the demo's jobs. The API socket is already bound, so these requests wait in its
    backlog until uvicorn has run the lifespan (agents re-attached, dispatcher up) and accepts."""
    from podium.demo.mode import seed

    try:
        await seed(settings, demo)
    except Exception:
        log.exception("demo: could not create the demo jobs")
