"""Starting a queued job's agent, and deciding what a finished agent means for its job."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, RowMapping, func, select

from podium.agents import repository as agents_repository
from podium.agents.runner import AgentRunner
from podium.agents.runs import AgentOutcome, LaunchFailed, LaunchRequest
from podium.background import BackgroundTasks
from podium.db.engine import Database
from podium.db.tables import agents, templates
from podium.ids import now
from podium.jobs import analysis, repository
from podium.jobs.checks import run_checks
from podium.jobs.failures import FailureKind, decide_retry, kind_of_agent_error
from podium.jobs.limits import LimitPauses
from podium.jobs.prompt import system_prompt, user_prompt
from podium.jobs.schemas import Job
from podium.jobs.service import JobService
from podium.jobs.states import ACTIVE, TERMINAL, JobStatus
from podium.jobs.worktree import WorktreeError, ensure_worktree, finish_worktree, worktree_for

log = logging.getLogger(__name__)

COMPLETION_TURN_CAP = 1000
# The exit statuses of a shell that could not run the agent's CLI: not executable, not found.
SHELL_COULD_NOT_RUN = (126, 127)
# Agent stops that fail the job, by what stopped it.
STOP_FAILURES = {
    "budget": FailureKind.BUDGET,
    "time": FailureKind.TIME,
    "turns": FailureKind.TURN_LIMIT,
}

# Extra launch settings per agent (MCP credentials, the lock hook); filled in by coordination.
LaunchExtras = Callable[[str], dict[str, object]]


class JobLifecycle:
    def __init__(
        self,
        *,
        db: Database,
        runner: AgentRunner,
        jobs: JobService,
        wake_dispatcher: Callable[[], None],
        helper_model: str,
        limits: LimitPauses,
    ) -> None:
        self._db = db
        self._limits = limits
        self._helper_model = helper_model
        self._runner = runner
        self._jobs = jobs
        self._wake = wake_dispatcher
        self._tasks = BackgroundTasks()

    # -- start ------------------------------------------------------------------------------
    def launch(self, job: RowMapping) -> None:
        """Move a queued job to running and spawn its agent (or fail it with the reason)."""
        job_id = job["id"]
        with self._db.write() as conn:
            resume = None
            if job["continue_prompt"]:
                resume = self._jobs.resumable_session(conn, job_id)
            guidelines = None
            if job["template_id"]:
                guidelines = conn.execute(
                    select(templates.c.content).where(templates.c.id == job["template_id"])
                ).scalar()
            repository.update_fields(
                conn,
                job_id,
                status=JobStatus.RUNNING,
                status_reason=None,
                failure_kind=None,
                started_at=job["started_at"] or now(),
                finished_at=None,
            )
        if job["continue_prompt"] and resume is not None:
            prompt = str(job["continue_prompt"])
        else:
            prompt = user_prompt(job["description"], guidelines=guidelines, context=job["context"])
        work_dir = Path(job["work_dir"])
        if job["use_worktree"]:
            try:
                work_dir = ensure_worktree(work_dir, job_id).path
            except WorktreeError as exc:
                self._finish_job(
                    job_id,
                    JobStatus.FAILED,
                    reason=f"could not create worktree: {exc}",
                    result=None,
                    failure=FailureKind.LAUNCH,
                )
                return
        request = LaunchRequest(
            job_id=job_id,
            model=job["model"],
            work_dir=work_dir,
            prompt=prompt,
            system_prompt=system_prompt(agent_hint="", job_id=job_id, tools_section=None),
            max_turns=self._max_turns(job),
            budget_usd=job["stop_value"] if job["stop_mode"] == "budget" else None,
            time_limit_sec=job["stop_value"] * 60 if job["stop_mode"] == "time" else None,
            resume_session_id=resume,
            interactive=bool(job["interactive"]),
        )
        try:
            agent_id = self._runner.launch(request)
        except LaunchFailed as exc:
            self._finish_job(
                job_id, JobStatus.FAILED, reason=str(exc), result=None, failure=FailureKind.LAUNCH
            )
            return
        with self._db.write() as conn:
            repository.update_fields(conn, job_id, current_agent_id=agent_id, continue_prompt=None)
        self._jobs.publish(self._jobs.get(job_id))

    @staticmethod
    def _max_turns(job: RowMapping) -> int | None:
        caps = []
        if job["max_turns"]:
            caps.append(int(job["max_turns"]))
        if job["stop_mode"] == "turns" and job["stop_value"]:
            caps.append(int(job["stop_value"]))
        if job["stop_mode"] == "completion":
            caps.append(COMPLETION_TURN_CAP)
        return min(caps) if caps else None

    # -- finish -----------------------------------------------------------------------------
    def agent_finished(self, outcome: AgentOutcome) -> None:
        self._tasks.start(self._settle(outcome))

    async def _settle(self, outcome: AgentOutcome) -> None:
        try:
            await self._settle_unchecked(outcome)
        except Exception:
            log.exception(
                "could not settle job %s after agent %s", outcome.job_id, outcome.agent_id
            )
        finally:
            self._wake()

    async def _settle_unchecked(self, outcome: AgentOutcome) -> None:
        with self._db.write() as conn:
            job = repository.get(conn, outcome.job_id)
            if job is None:
                return
            total = conn.execute(
                select(func.coalesce(func.sum(agents.c.cost_usd), 0.0)).where(
                    agents.c.job_id == outcome.job_id
                )
            ).scalar_one()
            repository.update_fields(conn, outcome.job_id, cost_usd=float(total))
        stale = job["current_agent_id"] != outcome.agent_id
        if stale or JobStatus(job["status"]) not in ACTIVE:
            # Cancelled, requeued, finished by the agent itself, or superseded: status is set.
            if not stale and job["use_worktree"] and JobStatus(job["status"]) in TERMINAL:
                await self._finish_worktree(job, succeeded=job["status"] == JobStatus.DONE)
            self._jobs.publish(self._jobs.get(outcome.job_id))
            return
        status, reason, result, failure = self._judge(outcome, int(job["max_turns"] or 0))
        with self._db.read() as conn:
            agent = agents_repository.get(conn, outcome.agent_id)
        work_dir = Path(agent["work_dir"]) if agent else Path(job["work_dir"])
        if status is JobStatus.DONE and job["completion_checks"]:
            with self._db.read() as conn:
                recent = agents_repository.last_events(conn, outcome.agent_id, 50)
            check = await asyncio.to_thread(
                run_checks,
                list(job["completion_checks"]),
                work_dir=work_dir,
                base_tree=agent["base_tree"] if agent else None,
                recent_events=recent,
            )
            if check is not None:
                status, reason, failure = JobStatus.FAILED, check, FailureKind.CHECK_FAILED
        if job["use_worktree"]:
            pr_url = await self._finish_worktree(job, succeeded=status is JobStatus.DONE)
            if pr_url:
                with self._db.write() as conn:
                    repository.update_fields(conn, outcome.job_id, pr_url=pr_url)
        self._finish_job(outcome.job_id, status, reason=reason, result=result, failure=failure)

    async def _finish_worktree(self, job: RowMapping, *, succeeded: bool) -> str | None:
        try:
            tree = worktree_for(Path(job["work_dir"]), job["id"])
            return await asyncio.to_thread(
                finish_worktree, tree, title=job["title"], succeeded=succeeded
            )
        except WorktreeError as exc:
            log.warning("worktree of job %s: %s", job["id"], exc)
            return None

    @staticmethod
    def _judge(
        outcome: AgentOutcome, max_turns: int
    ) -> tuple[JobStatus, str | None, str | None, FailureKind | None]:
        result = outcome.result
        text = result.text if result is not None else None
        stopped = STOP_FAILURES.get(outcome.stop_reason or "")
        if stopped is not None:
            return JobStatus.FAILED, f"stopped: {outcome.stop_detail}", text, stopped
        if outcome.stop_reason is not None:
            return JobStatus.CANCELLED, outcome.stop_detail or outcome.stop_reason, text, None
        if result is None:
            detail = f"agent exited with code {outcome.exit_code}"
            if outcome.stderr_tail:
                detail += f": {outcome.stderr_tail[-500:]}"
            kind = kind_of_agent_error(outcome.stderr_tail)
            if outcome.exit_code in SHELL_COULD_NOT_RUN:
                kind = FailureKind.LAUNCH  # the CLI is missing or not executable
            elif kind is FailureKind.AGENT_ERROR:
                kind = FailureKind.CRASHED  # nothing said what went wrong
            return JobStatus.FAILED, detail, None, kind
        if result.subtype == "error_max_turns":
            turns = result.num_turns or max_turns
            reason = f"stopped: turn limit reached ({turns} turns)"
            return JobStatus.FAILED, reason, text, FailureKind.TURN_LIMIT
        if result.is_error:
            said = (text or result.subtype)[:500]
            return (
                JobStatus.FAILED,
                f"agent reported an error: {said}",
                text,
                kind_of_agent_error(said),
            )
        if outcome.exit_code not in (0, None):
            # A CLI that died mid-turn may have said something that looks like a result.
            reason = f"agent exited with code {outcome.exit_code}"
            return JobStatus.FAILED, reason, text, FailureKind.CRASHED
        return JobStatus.DONE, None, text, None

    def _finish_job(
        self,
        job_id: str,
        status: JobStatus,
        *,
        reason: str | None,
        result: str | None,
        failure: FailureKind | None = None,
    ) -> None:
        if status is JobStatus.FAILED and self._paused_for_limit(job_id, failure, reason):
            return
        with self._db.write() as conn:
            job = repository.get(conn, job_id)
            if job is None:
                return
            follow_up, why_not = self._follow_up(conn, job, status, reason, result, failure)
            if why_not and reason:
                reason = f"{reason} ({why_not})"
            repository.update_fields(
                conn,
                job_id,
                status=status,
                status_reason=reason,
                failure_kind=failure if status is JobStatus.FAILED else None,
                result=result,
                finished_at=now(),
            )
            finished = repository.to_schema(repository.get(conn, job_id))  # type: ignore[arg-type]
        self._jobs.publish(finished)
        if follow_up is not None:
            self._jobs.publish(follow_up)
        self._wake()

    def _paused_for_limit(
        self, job_id: str, failure: FailureKind | None, reason: str | None
    ) -> bool:
        """A usage limit: the provider is held until the reset and the job, rather than fail,
        continues its session then (podium.jobs.limits)."""
        with self._db.write() as conn:
            job = repository.get(conn, job_id)
            if job is None or not self._limits.pause(conn, job, failure, reason):
                return False
            paused = repository.to_schema(repository.get(conn, job_id))  # type: ignore[arg-type]
        self._jobs.publish(paused)
        self._wake()
        return True

    def _follow_up(
        self,
        conn: Connection,
        job: RowMapping,
        status: JobStatus,
        reason: str | None,
        result: str | None,
        failure: FailureKind | None,
    ) -> tuple[Job | None, str | None]:
        """The job that comes next, if any (a repeat, a retry, a diagnosis, a diagnosed retry),
        and why a failed job with a retry policy gets no retry."""
        attempt = int(job["attempt"])
        diagnosed = analysis.diagnosed_job(job)
        if diagnosed is not None and status in (JobStatus.DONE, JobStatus.FAILED):
            failed = repository.get(conn, diagnosed)
            if failed is None:
                return None, None
            changes = analysis.retry_fields(failed, status, result, reason)
            again = int(failed["attempt"]) + 1
            retry = self._jobs.insert_copy(
                conn, failed, status=JobStatus.QUEUED, attempt=again, changes=changes
            )
            return retry, None
        if status is JobStatus.DONE and job["repeat_interval_sec"]:
            at = now() + int(job["repeat_interval_sec"])
            repeat = self._jobs.insert_copy(
                conn, job, status=JobStatus.SCHEDULED, attempt=1, scheduled_at=at
            )
            return repeat, None
        if status is not JobStatus.FAILED:
            return None, None
        decision = decide_retry(job["retry_policy"], failure, attempt)
        if not decision.retry:
            return None, decision.why_not
        if decision.diagnose:
            return self._insert_diagnosis(conn, job, reason), None
        if decision.delay_sec:
            at = now() + decision.delay_sec
            later = self._jobs.insert_copy(
                conn, job, status=JobStatus.SCHEDULED, attempt=attempt + 1, scheduled_at=at
            )
            return later, None
        return self._jobs.insert_copy(conn, job, status=JobStatus.QUEUED, attempt=attempt + 1), None

    def _insert_diagnosis(self, conn: Connection, failed: RowMapping, reason: str | None) -> Job:
        """Retry policy `analyze` starts with a cheap diagnosis (podium.jobs.analysis)."""
        runs = agents_repository.for_job(conn, failed["id"])
        events = agents_repository.last_events(conn, runs[-1]["id"], 60) if runs else []
        changes = analysis.diagnosis_fields(
            failed, reason, analysis.recent_output(events), self._helper_model
        )
        return self._jobs.insert_copy(
            conn, failed, status=JobStatus.QUEUED, attempt=1, changes=changes
        )
