"""The one writer of a job's status.

Every status change goes through `JobWrite.set_status`: it checks the transition against the table
in `podium.jobs.states` (an illegal one is a bug: logged, raised, and the transaction rolls back,
so the row is unchanged), stores the status with its reason in the caller's transaction, and,
once that transaction has committed, publishes the job once (`job.updated`) and emits the typed
domain events (`JobCreated`, `JobFinished`). New jobs enter through `JobWrite.insert` with one of
the initial statuses."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, RowMapping

from podium.db.engine import Database
from podium.events import EventBus
from podium.ids import now
from podium.jobs import repository
from podium.jobs.domain_events import DomainEvent, DomainEvents, JobCreated, JobFinished
from podium.jobs.failures import FailureKind
from podium.jobs.schemas import Job, JobUpdated
from podium.jobs.states import PENDING, TERMINAL, JobStatus, can_transition

log = logging.getLogger(__name__)


class IllegalTransition(RuntimeError):
    """A status change the state table does not allow: a bug in the caller."""


class JobWrite:
    """One write transaction on jobs; what it changed is published after the commit."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._touched: dict[str, None] = {}
        self._events: list[DomainEvent] = []

    def set_status(
        self,
        job_id: str,
        new: JobStatus,
        *,
        reason: str | None,
        expect: Collection[JobStatus] | None = None,
        failure: FailureKind | None = None,
        judged: bool = False,
        **fields: Any,
    ) -> RowMapping | None:
        """Move the job to `new`. With `expect`, only if it is in one of those statuses now
        (returns None otherwise, as for a job that is gone); returns the row as it was."""
        row = repository.get(self.conn, job_id)
        if row is None:
            return None
        old = JobStatus(row["status"])
        if expect is not None and old not in expect:
            return None
        if not can_transition(old, new):
            log.error("illegal job status change %s -> %s of %s (%s)", old, new, job_id, reason)
            raise IllegalTransition(f"job {job_id}: {old} -> {new} is not allowed")
        values: dict[str, Any] = {"status": new, "status_reason": reason}
        values["failure_kind"] = failure if new is JobStatus.FAILED else None
        if new in TERMINAL:
            values["finished_at"] = now()
        values.update(fields)
        repository.update_fields(self.conn, job_id, **values)
        self.touch(job_id)
        if new in TERMINAL:
            kind = failure if new is JobStatus.FAILED else None
            self._events.append(JobFinished(job_id, new, kind, reason, judged))
        return row

    def insert(self, values: Mapping[str, Any]) -> str:
        """A new job, in one of the statuses a job starts in (`initial_status`)."""
        status = JobStatus(values["status"])
        if status not in PENDING:
            raise IllegalTransition(f"a new job cannot start {status}")
        repository.insert(self.conn, values)
        job_id = str(values["id"])
        self.touch(job_id)
        self._events.append(JobCreated(job_id))
        return job_id

    def touch(self, job_id: str) -> None:
        """Publish this job after the commit (a change other than its status)."""
        self._touched[job_id] = None

    def job(self, job_id: str) -> Job:
        row = repository.get(self.conn, job_id)
        if row is None:
            raise LookupError(job_id)
        return repository.to_schema(row)


class StatusWriter:
    def __init__(self, db: Database, bus: EventBus, events: DomainEvents) -> None:
        self._db = db
        self._bus = bus
        self._events = events

    @contextmanager
    def write(self) -> Iterator[JobWrite]:
        with self._db.write() as conn:
            change = JobWrite(conn)
            yield change
        self._after_commit(change)

    def _after_commit(self, change: JobWrite) -> None:
        if change._touched:
            with self._db.read() as conn:
                rows = [repository.get(conn, job_id) for job_id in change._touched]
            for row in rows:
                if row is not None:
                    self.publish(repository.to_schema(row))
        for event in change._events:
            self._events.emit(event)

    def publish_id(self, job_id: str) -> None:
        """Publish a job changed outside a status change (its model, its status message)."""
        with self._db.read() as conn:
            row = repository.get(conn, job_id)
        if row is not None:
            self.publish(repository.to_schema(row))

    def publish(self, job: Job) -> None:
        self._bus.publish(JobUpdated(data=job))
