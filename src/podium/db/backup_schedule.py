"""Backups on a schedule and on demand, for the server (REST `/api/backups`, the timer).

The schedule is one timer armed for the next backup, counted from the newest backup on disk, so
a restart neither skips a backup nor takes an extra one; it never polls."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from podium.background import BackgroundTasks
from podium.db.backup import BackupInfo, create_backup, list_backups

log = logging.getLogger(__name__)


class BackupService:
    def __init__(self, *, db_path: Path, directory: Path, interval_sec: float, keep: int) -> None:
        self._db_path = db_path
        self.directory = directory
        self._interval = interval_sec
        self._keep = keep
        self._timer: asyncio.TimerHandle | None = None
        self._tasks = BackgroundTasks()
        self._lock = asyncio.Lock()

    def list(self) -> list[BackupInfo]:
        return list_backups(self.directory)

    async def create(self) -> BackupInfo:
        """Take a backup now (in a thread: it reads the whole database)."""
        async with self._lock:
            return await asyncio.to_thread(create_backup, self._db_path, self.directory, self._keep)

    def start(self) -> None:
        if self._interval > 0:
            self._arm()

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self._tasks.cancel()

    def next_due(self) -> float:
        """When the next scheduled backup is due (epoch seconds)."""
        newest = self.list()
        last = newest[0].created_at.timestamp() if newest else time.time()
        return last + self._interval

    def _arm(self) -> None:
        delay = max(0.0, self.next_due() - time.time())
        self._timer = asyncio.get_running_loop().call_later(delay, self._due)

    def _due(self) -> None:
        self._timer = None
        self._tasks.start(self._scheduled())

    async def _scheduled(self) -> None:
        try:
            info = await self.create()
            log.info("backup %s written (%d bytes)", info.name, info.size_bytes)
        except Exception:
            log.exception("scheduled backup failed; next try in one interval")
            self._timer = asyncio.get_running_loop().call_later(self._interval, self._due)
            return
        self._arm()
