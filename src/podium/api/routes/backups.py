"""/api/backups: the database's backups, and taking one now."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, status

from podium.api.deps import ServicesDep
from podium.db.backup import BackupInfo

router = APIRouter(prefix="/api/backups", tags=["backups"])


@router.get("")
async def list_backups(services: ServicesDep) -> list[BackupInfo]:
    """Newest first."""
    return await asyncio.to_thread(services.backups.list)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_backup(services: ServicesDep) -> BackupInfo:
    """An online backup of the live database, kept with the scheduled ones."""
    return await services.backups.create()
