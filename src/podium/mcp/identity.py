"""Who is calling a tool: the agent the guard verified, its job and work dir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from podium.agents import repository as agents_repository
from podium.db.engine import Database
from podium.jobs import repository as jobs_repository


@dataclass(frozen=True, slots=True)
class Caller:
    agent_id: str
    job_id: str
    work_dir: Path
    job_work_dir: Path
    model: str | None
    project_id: str | None


def caller(ctx: Context[Any, Any], db: Database) -> Caller:
    headers = ctx.headers or {}
    agent_id = headers.get("x-podium-agent-id")
    if not agent_id:
        raise ToolError("no agent identity on this request")
    with db.read() as conn:
        agent = agents_repository.get(conn, agent_id)
        job = jobs_repository.get(conn, agent["job_id"]) if agent else None
    if agent is None or job is None:
        raise ToolError(f"agent {agent_id} or its job no longer exists")
    return Caller(
        agent_id=agent_id,
        job_id=str(job["id"]),
        work_dir=Path(agent["work_dir"]),
        job_work_dir=Path(job["work_dir"]),
        model=job["model"],
        project_id=job["project_id"],
    )
