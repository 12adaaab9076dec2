"""/api/settings: options a user changes while the server runs."""

from __future__ import annotations

from fastapi import APIRouter

from podium.api.deps import AppSettingsDep
from podium.appsettings.service import AppSettings, AppSettingsPatch

router = APIRouter(prefix="/api/settings", tags=["settings"])


@router.get("")
async def get_settings(app_settings: AppSettingsDep) -> AppSettings:
    return app_settings.current


@router.put("")
async def put_settings(body: AppSettingsPatch, app_settings: AppSettingsDep) -> AppSettings:
    return app_settings.update(body)
