"""The dispatcher: starts queued jobs when something changes, never on a polling interval.

It wakes when a job is created, finishes, is cancelled or reprioritised, when the concurrency cap
changes, and at the next `scheduledAt` or the moment a hold may lift (one timer for the
earliest). Whether a queued job may start is the gates' call (podium.jobs.gates)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import RowMapping

from podium.db.engine import Database
from podium.ids import now
from podium.jobs import repository
from podium.jobs.failures import FailureKind
from podium.jobs.gates import QueueGates
from podium.jobs.states import JobStatus
from podium.jobs.transitions import StatusWriter

log = logging.getLogger(__name__)

QUEUE_SCAN = 10_000  # queued jobs the gates look at per pass (each held one says why)


class Dispatcher:
    def __init__(
        self,
        *,
        db: Database,
        writer: StatusWriter,
        capacity: Callable[[], int],
        running: Callable[[], int],
        launch: Callable[[RowMapping], None],
        gates: QueueGates,
    ) -> None:
        self._db = db
        self._writer = writer
        self._capacity = capacity
        self._running = running
        self._launch = launch
        self._gates = gates
        self._wakeup = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wakeup.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="dispatcher")
        self.wake()

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            try:
                self.dispatch_once()
            except Exception:
                log.exception("dispatch failed")

    def dispatch_once(self) -> None:
        self._promote_scheduled()
        self._resolve_waiting()
        free = self._capacity() - self._running()
        with self._db.read() as conn:
            queued = repository.next_queued(conn, QUEUE_SCAN)
        for job in self._gates.admit(queued, free):
            self._launch(job)
        self._arm_timer()

    def _promote_scheduled(self) -> None:
        with self._writer.write() as change:
            for job in repository.due_scheduled(change.conn, now()):
                target = JobStatus.WAITING if job["depends_on"] else JobStatus.QUEUED
                change.set_status(job["id"], target, reason=job["status_reason"])

    def _resolve_waiting(self) -> None:
        with self._writer.write() as change:
            conn = change.conn
            for job in repository.by_status(conn, JobStatus.WAITING):
                deps = list(job["depends_on"] or [])
                statuses = repository.statuses(conn, deps)
                missing = [dep for dep in deps if dep not in statuses]
                broken = [
                    dep
                    for dep, status in statuses.items()
                    if status in (JobStatus.FAILED, JobStatus.CANCELLED)
                ]
                if missing or broken:
                    dep = (missing or broken)[0]
                    what = "was deleted" if missing else f"is {statuses[dep]}"
                    change.set_status(
                        job["id"],
                        JobStatus.FAILED,
                        reason=f"dependency {dep} {what}",
                        failure=FailureKind.DEPENDENCY,
                    )
                elif all(status is JobStatus.DONE for status in statuses.values()):
                    change.set_status(job["id"], JobStatus.QUEUED, reason=job["status_reason"])

    def _arm_timer(self) -> None:
        with self._db.read() as conn:
            times = [repository.next_scheduled_time(conn), self._gates.next_wake()]
        next_at = min((t for t in times if t is not None), default=None)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if next_at is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, next_at - now())
            self._timer = loop.call_later(delay, self.wake)
