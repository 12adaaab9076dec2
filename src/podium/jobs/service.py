"""Job actions shared by REST and MCP: create, change, cancel, retry, requeue, continue, delete."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, select

from podium.agents import gitdiff
from podium.agents import repository as agents_repository
from podium.agents.process import AgentFiles
from podium.agents.runner import AgentRunner
from podium.config import Settings
from podium.db.engine import Database
from podium.db.tables import jobs, projects, templates
from podium.errors import Conflict, InvalidInput, NotFound
from podium.events import EventBus, IdRef, wait_for
from podium.ids import new_id, now, to_epoch
from podium.jobs import classify, repository
from podium.jobs.classify import ModelClassifier
from podium.jobs.domain_events import JobFinished
from podium.jobs.schemas import Job, JobCreate, JobDeleted, JobPatch
from podium.jobs.states import ACTIVE, PENDING, TERMINAL, JobStatus, initial_status
from podium.jobs.titles import title_from
from podium.jobs.transitions import JobWrite, StatusWriter
from podium.jobs.validation import check_stop, checked_work_dir
from podium.jobs.worktree import WorktreeError, finish_worktree, worktree_for

# Fields a retry or a repeat copies from the original job.
_COPIED_FIELDS = (
    "title",
    "description",
    "priority",
    "model",
    "model_classification",
    "work_dir",
    "max_turns",
    "stop_mode",
    "stop_value",
    "use_worktree",
    "interactive",
    "context",
    "template_id",
    "repeat_interval_sec",
    "retry_policy",
    "completion_checks",
    "project_id",
    "parent_job_id",
)


class JobService:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        bus: EventBus,
        runner: AgentRunner,
        writer: StatusWriter,
        wake_dispatcher: Callable[[], None],
        classifier: ModelClassifier | None = None,
    ) -> None:
        self._settings = settings
        self._writer = writer
        self._classifier = classifier
        self._db = db
        self._bus = bus
        self._runner = runner
        self._wake = wake_dispatcher

    # -- reads ------------------------------------------------------------------------------
    def get(self, job_id: str) -> Job:
        with self._db.read() as conn:
            return repository.to_schema(self._require(conn, job_id))

    def list(self, **filters: Any) -> tuple[list[Job], int]:
        with self._db.read() as conn:
            rows, total = repository.list_page(conn, **filters)
        return [repository.to_schema(row) for row in rows], total

    # -- create -----------------------------------------------------------------------------
    def create(self, body: JobCreate) -> Job:
        with self._writer.write() as change:
            values = self._validated_values(change.conn, body)
            pick_model = values["model"] is None and self._classifier_enabled
            if pick_model:
                values["model_classification"] = classify.PENDING
            job = change.job(change.insert(values))
        if pick_model and self._classifier is not None:
            self._classifier.start(job.id, job.description)
        self._wake()
        return job

    @property
    def _classifier_enabled(self) -> bool:
        return self._classifier is not None and self._classifier.enabled

    def _validated_values(self, conn: Connection, body: JobCreate) -> dict[str, Any]:
        template = None
        if body.template_id is not None:
            template = (
                conn.execute(select(templates).where(templates.c.id == body.template_id))
                .mappings()
                .first()
            )
            if template is None:
                raise InvalidInput(
                    f"template {body.template_id} does not exist", field="templateId"
                )
        if (
            body.project_id is not None
            and conn.execute(select(projects.c.id).where(projects.c.id == body.project_id)).first()
            is None
        ):
            raise InvalidInput(f"project {body.project_id} does not exist", field="projectId")
        project_id = body.project_id
        if body.parent_job_id is not None:
            parent = repository.get(conn, body.parent_job_id)
            if parent is None:
                raise InvalidInput(
                    f"parent job {body.parent_job_id} does not exist", field="parentJobId"
                )
            project_id = project_id or parent["project_id"]
        missing = set(body.depends_on) - repository.existing_ids(conn, body.depends_on)
        if missing:
            raise InvalidInput(
                f"dependsOn names jobs that do not exist: {', '.join(sorted(missing))}",
                field="dependsOn",
            )
        work_dir = checked_work_dir(body.work_dir or (template["work_dir"] if template else None))
        if body.use_worktree and not gitdiff.is_git_repo(work_dir):
            raise InvalidInput(
                "useWorktree needs workDir to be a git repository", field="useWorktree"
            )
        check_stop(body)
        created = now()
        scheduled_at = to_epoch(body.scheduled_at) if body.scheduled_at is not None else None
        status = initial_status(
            scheduled_in_future=scheduled_at is not None and scheduled_at > created,
            has_open_dependencies=bool(body.depends_on),
        )
        return {
            "id": new_id("job"),
            "title": (body.title or "").strip() or title_from(body.description),
            "description": body.description,
            "status": status,
            "priority": body.priority,
            "model": (body.model or (template["model"] if template else None) or None),
            "work_dir": str(work_dir),
            "max_turns": body.max_turns,
            "stop_mode": body.stop_mode,
            "stop_value": body.stop_value,
            "depends_on": list(dict.fromkeys(body.depends_on)),
            "use_worktree": body.use_worktree,
            "interactive": body.interactive,
            "context": body.context,
            "template_id": body.template_id,
            "repeat_interval_sec": body.repeat_interval_sec,
            "scheduled_at": scheduled_at,
            "retry_policy": body.retry_policy,
            "completion_checks": body.completion_checks,
            "project_id": project_id,
            "parent_job_id": body.parent_job_id,
            "cost_usd": 0.0,
            "created_at": created,
        }

    # -- changes ----------------------------------------------------------------------------
    def patch(self, job_id: str, body: JobPatch) -> Job:
        changes = body.model_dump(exclude_unset=True)
        with self._db.write() as conn:
            self._require(conn, job_id)
            if "title" in changes and not (changes["title"] or "").strip():
                raise InvalidInput("title must not be empty", field="title")
            if (
                changes.get("project_id") is not None
                and conn.execute(
                    select(projects.c.id).where(projects.c.id == changes["project_id"])
                ).first()
                is None
            ):
                raise InvalidInput(
                    f"project {changes['project_id']} does not exist", field="projectId"
                )
            if changes:
                repository.update_fields(conn, job_id, **changes)
            job = repository.to_schema(self._require(conn, job_id))
        self.publish(job)
        if "priority" in changes:
            self._wake()
        return job

    def cancel(self, job_id: str, reason: str = "cancelled by user") -> Job:
        with self._writer.write() as change:
            row = self._require(change.conn, job_id)
            status = JobStatus(row["status"])
            if status in TERMINAL:
                raise Conflict(f"job {job_id} is already {status}")
            change.set_status(job_id, JobStatus.CANCELLED, reason=reason, continue_prompt=None)
            job = change.job(job_id)
        if status in ACTIVE and row["current_agent_id"]:
            self._runner.stop(row["current_agent_id"], "cancelled", reason)
        self._wake()
        return job

    def requeue(self, job_id: str) -> Job:
        with self._writer.write() as change:
            row = self._require(change.conn, job_id)
            status = JobStatus(row["status"])
            change.set_status(
                job_id,
                JobStatus.QUEUED,
                reason="requeued",
                result=None,
                finished_at=None,
                current_agent_id=None,
                continue_prompt=None,
            )
            job = change.job(job_id)
        if status in ACTIVE and row["current_agent_id"]:
            self._runner.stop(row["current_agent_id"], "requeued", "requeued by user")
        self._wake()
        return job

    def retry(self, job_id: str) -> Job:
        with self._writer.write() as change:
            row = self._require(change.conn, job_id)
            if JobStatus(row["status"]) not in TERMINAL:
                raise Conflict(f"job {job_id} is {row['status']}; retry a finished job")
            job = change.job(self.insert_copy(change, row, status=JobStatus.QUEUED, attempt=1))
        self._wake()
        return job

    @staticmethod
    def insert_copy(
        change: JobWrite,
        row: RowMapping,
        *,
        status: JobStatus,
        attempt: int,
        scheduled_at: float | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> str:
        """A retry or repeat of `row`: a new job with its fields (and `changes`)."""
        values = {name: row[name] for name in _COPIED_FIELDS}
        if values["model_classification"] == classify.PENDING:
            values["model_classification"] = None  # cancelled before its model was picked
        values.update(changes or {})
        values.update(
            id=new_id("job"),
            status=status,
            depends_on=[],
            cost_usd=0.0,
            attempt=attempt,
            scheduled_at=scheduled_at,
            created_at=now(),
        )
        return change.insert(values)

    def continue_(self, job_id: str, message: str) -> Job:
        """A live interactive session gets the message typed in; otherwise the job is queued
        again to resume its agent's session."""
        with self._db.read() as conn:
            live = self._require(conn, job_id)
        agent_id = live["current_agent_id"]
        if live["interactive"] and agent_id and self._runner.send_to_session(agent_id, message):
            return repository.to_schema(live)
        with self._writer.write() as change:
            row = self._require(change.conn, job_id)
            status = JobStatus(row["status"])
            if status not in TERMINAL:
                raise Conflict(f"job {job_id} is {status}; continue a finished job")
            if self.resumable_session(change.conn, job_id) is None:
                raise Conflict(f"job {job_id} has no agent session to continue")
            change.set_status(
                job_id,
                JobStatus.QUEUED,
                reason="continued",
                continue_prompt=message,
                finished_at=None,
            )
            job = change.job(job_id)
        self._wake()
        return job

    def continue_when_able(self, job_id: str, message: str) -> None:
        """Continue the job's session with `message` now if it can be (a live interactive
        session, a finished job), else once its run ends (`resume_pending`)."""
        with self._db.read() as conn:
            row = repository.get(conn, job_id)
        if row is None:
            return
        status, agent_id = JobStatus(row["status"]), row["current_agent_id"]
        live_session = row["interactive"] and agent_id and self._runner.is_live(agent_id)
        if status in TERMINAL or live_session:
            self.continue_(job_id, message)
            return
        with self._writer.write() as change:
            repository.update_fields(change.conn, job_id, continue_prompt=message)
            change.touch(job_id)

    def resume_pending(self, event: JobFinished) -> None:
        """Subscribed to `JobFinished`: a message that waited for the run to end continues it."""
        if not event.judged:
            return
        with self._db.read() as conn:
            row = repository.get(conn, event.job_id)
        if row is not None and row["continue_prompt"]:
            self.continue_(event.job_id, str(row["continue_prompt"]))

    @staticmethod
    def resumable_session(conn: Connection, job_id: str) -> str | None:
        for agent in reversed(agents_repository.for_job(conn, job_id)):
            if agent["session_id"]:
                return str(agent["session_id"])
        return None

    async def delete(self, job_id: str) -> None:
        """A running job is cancelled first: its agent is stopped and waited for (its locks,
        credential and questions end with it), its worktree's work is pushed to its branch and
        the worktree removed; then the job, its agents' rows and their log files go."""
        with self._writer.write() as change:
            row = self._require(change.conn, job_id)
            agent_id = row["current_agent_id"]
            if JobStatus(row["status"]) in ACTIVE:
                # Detached from its agent, so judging the stopped run leaves the job alone.
                change.set_status(
                    job_id, JobStatus.CANCELLED, reason="job deleted", current_agent_id=None
                )
        if agent_id and self._runner.stop(agent_id, "cancelled", "job deleted"):
            await wait_for(
                self._bus,
                types=frozenset({"agent.updated"}),
                check=lambda: not self._runner.is_live(agent_id),
                timeout=self._settings.kill_grace_sec + 10,
            )
        if row["use_worktree"]:
            with contextlib.suppress(WorktreeError):
                tree = worktree_for(Path(row["work_dir"]), job_id)
                await asyncio.to_thread(finish_worktree, tree, title=row["title"], succeeded=False)
        with self._db.write() as conn:
            agent_rows = agents_repository.for_job(conn, job_id)
            conn.execute(delete(jobs).where(jobs.c.id == job_id))
        logs_dir = self._settings.agent_logs_dir
        for agent in agent_rows:
            if self._runner.is_live(agent["id"]):
                continue  # it outlived its stop: its files go when it is gone
            files = AgentFiles.for_agent(logs_dir, agent["id"])
            for path in (files.log, files.stderr, files.exit, files.prompt):
                with contextlib.suppress(OSError):
                    os.unlink(path)
        self._bus.publish(JobDeleted(data=IdRef(id=job_id)))
        self._wake()

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _require(conn: Connection, job_id: str) -> RowMapping:
        row = repository.get(conn, job_id)
        if row is None:
            raise NotFound(f"job {job_id} not found")
        return row

    def publish(self, job: Job) -> None:
        self._writer.publish(job)


def is_pending(status: str) -> bool:
    return JobStatus(status) in PENDING
