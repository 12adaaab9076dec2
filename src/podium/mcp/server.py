"""The MCP server agents talk to: the official SDK's MCPServer over stateless streamable HTTP,
behind the credential guard. Stateless, so an agent's calls keep working across a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp

from podium.coordination.locks import normalise_path
from podium.errors import PodiumError
from podium.mcp import tools_coordination, tools_integrations, tools_jobs
from podium.mcp.guard import McpGuard
from podium.services import Services


def build_mcp_server(services: Services) -> MCPServer:
    server: MCPServer = MCPServer(
        name="podium",
        instructions="Podium coordination: file locks, shared notes, sub-agents, questions.",
    )
    tools_coordination.register(server, services)
    tools_jobs.register(server, services)
    tools_integrations.register(server, services)
    return server


def build_mcp_app(services: Services) -> ASGIApp:
    server = build_mcp_server(services)
    inner = server.streamable_http_app(
        stateless_http=True,
        # The guard checks Host and Origin itself (it also serves the hook endpoint).
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        host=services.settings.host,
    )

    async def hook(agent_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        return lock_hook_decision(services, agent_id, payload)

    return McpGuard(
        inner,
        credentials=services.credentials,
        bind_host=services.settings.host,
        hook=hook,
        state_hook=services.interactive.hook,
    )


def lock_hook_decision(
    services: Services, agent_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """An edit may go ahead when this agent holds the file's lock or the file is free (then the
    agent takes the lock, so nobody else edits it under its feet)."""
    file = payload.get("file")
    if not isinstance(file, str) or not file:
        return {"allowed": False, "message": "Podium lock hook: no file in the request"}
    agent = services.agents.get(agent_id)
    try:
        path = normalise_path(file, Path(agent.work_dir))
    except PodiumError as exc:
        return {"allowed": False, "message": exc.message}
    tool = str(payload.get("tool") or "edit")
    lock = services.locks.try_acquire(agent_id, agent.job_id, path, f"{tool} (taken by the hook)")
    if lock is not None:
        return {"allowed": True, "message": ""}
    holder = services.locks.holder(path)
    who = f"agent {holder.agent_id} (job {holder.job_id})" if holder else "another agent"
    why = f": {holder.reason}" if holder and holder.reason else ""
    return {
        "allowed": False,
        "message": f"{path} is locked by {who}{why}. Do not edit it now: wait with "
        f"lock_files([{path!r}], ...) or work on something else.",
    }
