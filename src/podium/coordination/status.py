"""What an agent says about its own job: status messages (last + history) and finish_job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import select

from podium.agents import repository as agents_repository
from podium.db.engine import Database
from podium.db.tables import job_status_updates
from podium.errors import Conflict, InvalidInput
from podium.events import EventBus, Message
from podium.ids import now
from podium.jobs import repository as jobs_repository
from podium.jobs.judgement import FINISHED
from podium.jobs.states import ACTIVE, JobStatus
from podium.jobs.transitions import StatusWriter
from podium.schemas import ApiModel

MAX_STATUS = 2000
# After finish_job the agent may still write its closing words; then it is stopped.
FINISH_GRACE_SEC = 10.0


class StatusUpdate(ApiModel):
    message: str
    agent_id: str | None
    ts: float


class JobStatusUpdate(StatusUpdate):
    job_id: str


class JobStatusReported(Message):
    type: Literal["job.status"] = "job.status"
    data: JobStatusUpdate


class JobReports:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        writer: StatusWriter,
        stop_agent: Callable[[str, str, str], Any],
        schedule: Callable[[float, Callable[[], Any]], Any],
    ) -> None:
        self._db = db
        self._bus = bus
        self._writer = writer
        self._stop_agent = stop_agent
        self._schedule = schedule

    def report_status(self, *, job_id: str, agent_id: str | None, message: str) -> None:
        message = message.strip()
        if not message:
            raise InvalidInput("status message must not be empty", field="message")
        message = message[:MAX_STATUS]
        stamp = now()
        with self._db.write() as conn:
            conn.execute(
                job_status_updates.insert().values(
                    job_id=job_id, agent_id=agent_id, message=message, ts=stamp
                )
            )
            jobs_repository.update_fields(conn, job_id, status_message=message)
        self._bus.publish(
            JobStatusReported(
                data=JobStatusUpdate(job_id=job_id, agent_id=agent_id, message=message, ts=stamp)
            )
        )
        self._writer.publish_id(job_id)

    def history(self, job_id: str) -> list[StatusUpdate]:
        query = (
            select(job_status_updates)
            .where(job_status_updates.c.job_id == job_id)
            .order_by(job_status_updates.c.id)
        )
        with self._db.read() as conn:
            return [
                StatusUpdate(message=row["message"], agent_id=row["agent_id"], ts=row["ts"])
                for row in conn.execute(query).mappings()
            ]

    def finish(self, *, job_id: str, agent_id: str, result: str | None) -> None:
        """Record the agent's own result and stop the agent gracefully. The job is then judged
        like any run that ends (checks, retry policy, repeat, worktree), with this result; it is
        stored on the agent row so a restart before the exit judges with it too."""
        with self._db.write() as conn:
            job = jobs_repository.get(conn, job_id)
            if job is None or JobStatus(job["status"]) not in ACTIVE:
                state = job["status"] if job else "gone"
                raise Conflict(f"job {job_id} is {state}; only a running job can be finished")
            if job["current_agent_id"] != agent_id:
                raise Conflict(f"agent {agent_id} is not the agent running job {job_id}")
            agents_repository.update_fields(conn, agent_id, reported_result=result or "")
        self._schedule(
            FINISH_GRACE_SEC,
            lambda: self._stop_agent(agent_id, FINISHED, "finished by the agent"),
        )
