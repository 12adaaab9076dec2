"""/api/agents: one row per process run of a job, its output and its diff."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from podium.agents.service import Agent, OutputPage
from podium.api.deps import AgentsDep
from podium.schemas import MAX_ID, MAX_OFFSET, MAX_SQLITE_INT

router = APIRouter(prefix="/api/agents", tags=["agents"])


@router.get("")
async def list_agents(
    agents: AgentsDep,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[Agent]:
    return agents.list(job_id, limit, offset)


@router.get("/{agent_id}")
async def get_agent(agent_id: str, agents: AgentsDep) -> Agent:
    return agents.get(agent_id)


@router.get("/{agent_id}/output")
async def agent_output(
    agent_id: str,
    agents: AgentsDep,
    after: Annotated[int, Query(ge=0, le=MAX_SQLITE_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> OutputPage:
    """Events with seq greater than `after`; page on with `nextAfter`."""
    return agents.output(agent_id, after, limit)


@router.get("/{agent_id}/diff", response_class=PlainTextResponse)
async def agent_diff(agent_id: str, agents: AgentsDep) -> str:
    """Unified git diff of the agent's work dir since it started (new files included)."""
    return await asyncio.to_thread(agents.diff, agent_id)
