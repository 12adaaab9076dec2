"""/api/usage, /api/search, /api/models, /api/health, /api/queue."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from podium.agents.models import ModelInfo, known_models
from podium.api.deps import ServicesDep
from podium.insights.search import SearchHit, search_output
from podium.insights.usage import UsageReport, usage_report
from podium.jobs.gates import QueueStatus

router = APIRouter(tags=["insights"])


@router.get("/api/health")
async def health(services: ServicesDep) -> dict[str, object]:
    return {"status": "ok", "liveAgents": services.runner.live_count}


@router.get("/api/queue")
async def queue(services: ServicesDep) -> QueueStatus:
    """Why queued jobs are held, as of the dispatcher's last pass (also sent as the
    `queue.updated` event): provider usage limits, spend caps, low resources."""
    return services.gates.status


@router.get("/api/usage")
async def usage(
    services: ServicesDep, days: Annotated[int, Query(ge=1, le=3650)] = 30
) -> UsageReport:
    return await asyncio.to_thread(usage_report, services.db, services.providers, days)


@router.get("/api/search")
async def search(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[SearchHit]:
    return await asyncio.to_thread(search_output, services.db, q, limit)


@router.get("/api/models")
async def models(services: ServicesDep) -> list[ModelInfo]:
    return known_models(services.providers)
