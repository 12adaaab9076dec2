"""Settings a user changes while the server runs. Defaults come from the start-up Settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from podium.db.engine import Database
from podium.db.tables import settings as settings_table
from podium.events import EventBus, Message
from podium.schemas import ApiModel

UsdCap = Annotated[float, Field(ge=0, le=1_000_000)]


class AppSettings(ApiModel):
    max_concurrent_agents: int = Field(20, ge=1, le=1000)
    # Spend per day (server's local day, what agents started that day cost): when reached, no
    # more jobs start that day (podium.jobs.gates). 0 means no cap.
    daily_spend_cap_usd: UsdCap = 0.0
    # The same per project id; a project missing here (or at 0) has no cap of its own.
    project_daily_spend_caps_usd: dict[str, UsdCap] = Field(default_factory=dict, max_length=1000)
    # Dispatch waits while one more agent would not fit (podium.jobs.resources): memory one
    # agent needs (a Claude agent is ~275 MB RSS), the free-disk floor, the 1-minute load per
    # CPU ceiling (0: none).
    agent_memory_mb: int = Field(275, ge=0, le=1_000_000)
    min_free_disk_mb: int = Field(1024, ge=0, le=100_000_000)
    max_load_per_cpu: float = Field(10.0, ge=0, le=1000)


class SettingsUpdated(Message):
    type: Literal["settings.updated"] = "settings.updated"
    data: AppSettings


class AppSettingsPatch(ApiModel):
    max_concurrent_agents: int | None = Field(None, ge=1, le=1000)
    daily_spend_cap_usd: UsdCap | None = None
    project_daily_spend_caps_usd: dict[str, UsdCap] | None = Field(None, max_length=1000)
    agent_memory_mb: int | None = Field(None, ge=0, le=1_000_000)
    min_free_disk_mb: int | None = Field(None, ge=0, le=100_000_000)
    max_load_per_cpu: float | None = Field(None, ge=0, le=1000)


class AppSettingsService:
    def __init__(self, db: Database, bus: EventBus, defaults: AppSettings) -> None:
        self._db = db
        self._bus = bus
        self._current = defaults
        self._listeners: list[Callable[[AppSettings], None]] = []

    def load(self) -> None:
        with self._db.read() as conn:
            stored = {row.key: row.value for row in conn.execute(select(settings_table))}
        values = self._current.model_dump() | {
            key: value for key, value in stored.items() if key in AppSettings.model_fields
        }
        self._current = AppSettings.model_validate(values)

    @property
    def current(self) -> AppSettings:
        return self._current

    def on_change(self, listener: Callable[[AppSettings], None]) -> None:
        self._listeners.append(listener)

    def update(self, patch: AppSettingsPatch) -> AppSettings:
        changes = patch.model_dump(exclude_none=True)
        if not changes:
            return self._current
        with self._db.write() as conn:
            for key, value in changes.items():
                statement = insert(settings_table).values(key=key, value=value)
                conn.execute(
                    statement.on_conflict_do_update(index_elements=["key"], set_={"value": value})
                )
        self._current = self._current.model_copy(update=changes)
        self._bus.publish(SettingsUpdated(data=self._current))
        for listener in self._listeners:
            listener(self._current)
        return self._current
