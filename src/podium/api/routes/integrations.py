"""/api/integrations: which hosted-service tools agents have, for the Settings page."""

from __future__ import annotations

from fastapi import APIRouter

from podium.api.deps import ServicesDep
from podium.integrations.status import IntegrationStatus, integration_statuses

router = APIRouter(prefix="/api/integrations", tags=["settings"])


@router.get("")
async def list_integrations(services: ServicesDep) -> list[IntegrationStatus]:
    return integration_statuses(services.settings)
