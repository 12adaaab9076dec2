"""How locks are honoured by agents without a write hook (Codex).

Claude agents cannot write a file another agent holds: the PreToolUse hook refuses it. Codex has
no such hook, so its agents get the same locking rule in their instructions, and when one ends
this audit compares the files it changed (git, so shell edits count too) with the locks other
agents held while it ran. Each overlap is reported on the job (a status message, a
`lock.violation` event) and the job is flagged for a person to look at."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.sqlite import insert

from podium.agents import gitdiff
from podium.agents import repository as agents_repository
from podium.background import BackgroundTasks
from podium.coordination.locks import LockAcquired, LockReleased
from podium.coordination.status import JobReports
from podium.db.engine import Database
from podium.db.tables import lock_history
from podium.events import Event, EventBus, Message
from podium.ids import now
from podium.jobs import repository as jobs_repository
from podium.schemas import ApiModel

log = logging.getLogger(__name__)


class LockViolationReport(ApiModel):
    agent_id: str
    job_id: str
    files: list[str]


class LockViolation(Message):
    type: Literal["lock.violation"] = "lock.violation"
    data: LockViolationReport


class LockAudit:
    def __init__(self, db: Database, bus: EventBus, reports: JobReports) -> None:
        self._db = db
        self._bus = bus
        self._reports = reports
        self._task: asyncio.Task[None] | None = None
        self._checks = BackgroundTasks()

    def start(self) -> None:
        subscription = self._bus.subscribe(
            lambda event: event.type in ("lock.acquired", "lock.released"), maxsize=100_000
        )
        self._task = asyncio.get_running_loop().create_task(self._record(subscription))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _record(self, subscription: Any) -> None:
        """Record each lock event in turn; one that cannot be written (the database locked, a
        disk error) is logged and skipped, and the next one is recorded as usual."""
        try:
            while True:
                event = await subscription.get()
                try:
                    self.record(event)
                except Exception:
                    log.exception("lock history: could not record %s", event.wire)
        finally:
            subscription.close()

    def record(self, event: Event) -> None:
        message = event.message
        with self._db.write() as conn:
            if isinstance(message, LockAcquired):
                conn.execute(
                    insert(lock_history)
                    .values(
                        lock_id=message.data.id,
                        path=message.data.path,
                        agent_id=message.data.agent_id,
                        acquired_at=message.ts,
                    )
                    .on_conflict_do_nothing(index_elements=["lock_id"])
                )
            elif isinstance(message, LockReleased):
                conn.execute(
                    update(lock_history)
                    .where(lock_history.c.lock_id == message.data.id)
                    .values(released_at=message.ts)
                )

    def check_later(self, agent_id: str) -> None:
        self._checks.start(self.check(agent_id))

    async def check(self, agent_id: str) -> list[str]:
        """Report files this agent changed while another agent held their lock."""
        with self._db.read() as conn:
            agent = agents_repository.get(conn, agent_id)
        if agent is None:
            return []
        changed = await asyncio.to_thread(
            gitdiff.changed_paths, Path(agent["work_dir"]), agent["base_tree"]
        )
        if not changed:
            return []
        started = agent["started_at"] or agent["created_at"]
        ended = agent["finished_at"] or now()
        with self._db.read() as conn:
            rows = (
                conn.execute(
                    select(lock_history).where(
                        lock_history.c.path.in_([str(path) for path in changed]),
                        lock_history.c.agent_id != agent_id,
                        lock_history.c.acquired_at < ended,
                        or_(
                            lock_history.c.released_at.is_(None),
                            and_(lock_history.c.released_at > started),
                        ),
                    )
                )
                .mappings()
                .all()
            )
        findings = sorted({f"{row['path']} (held by {row['agent_id']})" for row in rows})
        if findings:
            message = "lock audit: edited files another agent held: " + ", ".join(findings)
            self._reports.report_status(job_id=agent["job_id"], agent_id=agent_id, message=message)
            with self._db.write() as conn:
                jobs_repository.update_fields(conn, agent["job_id"], flagged=True)
            self._bus.publish(
                LockViolation(
                    data=LockViolationReport(
                        agent_id=agent_id, job_id=agent["job_id"], files=findings
                    )
                )
            )
            log.warning("agent %s %s", agent_id, message)
        return findings
