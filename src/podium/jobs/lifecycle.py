"""Starting a queued job's agent, and settling a job when its agent ends: judge the run, run the
completion checks, finish the worktree, store the terminal status (follow-ups subscribe to it)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import RowMapping, func, select

from podium.agents import repository as agents_repository
from podium.agents.runner import AgentRunner
from podium.agents.runs import AgentOutcome, LaunchFailed, LaunchRequest
from podium.db.engine import Database
from podium.db.tables import agents, templates
from podium.ids import now
from podium.jobs import repository
from podium.jobs.checks import run_checks
from podium.jobs.domain_events import AgentEnded
from podium.jobs.failures import FailureKind
from podium.jobs.follow_ups import why_no_retry
from podium.jobs.judgement import Verdict, judge
from podium.jobs.limits import LimitPauses
from podium.jobs.prompt import system_prompt, user_prompt
from podium.jobs.recovery import saved_outcome
from podium.jobs.service import JobService
from podium.jobs.states import ACTIVE, TERMINAL, JobStatus
from podium.jobs.transitions import StatusWriter
from podium.jobs.worktree import WorktreeError, ensure_worktree, finish_worktree, worktree_for

log = logging.getLogger(__name__)

COMPLETION_TURN_CAP = 1000


class JobLifecycle:
    def __init__(
        self,
        *,
        db: Database,
        runner: AgentRunner,
        jobs: JobService,
        writer: StatusWriter,
        wake_dispatcher: Callable[[], None],
        limits: LimitPauses,
    ) -> None:
        self._db = db
        self._limits = limits
        self._runner = runner
        self._jobs = jobs
        self._writer = writer
        self._wake = wake_dispatcher
        self._settling: Counter[str] = Counter()

    # -- start ------------------------------------------------------------------------------
    def launch(self, job: RowMapping) -> None:
        """Move a queued job to running and spawn its agent (or fail it with the reason)."""
        job_id = job["id"]
        with self._writer.write() as change:
            conn = change.conn
            resume = None
            if job["continue_prompt"]:
                resume = self._jobs.resumable_session(conn, job_id)
            guidelines = None
            if job["template_id"]:
                guidelines = conn.execute(
                    select(templates.c.content).where(templates.c.id == job["template_id"])
                ).scalar()
            change.set_status(
                job_id,
                JobStatus.RUNNING,
                reason=None,
                started_at=job["started_at"] or now(),
                finished_at=None,
            )
        try:
            self._start_agent(job, resume, guidelines)
        except Exception as exc:
            # Whatever broke after `running` was saved, the job must not stay running.
            log.exception("could not launch the agent of job %s", job_id)
            self._abandon_launch(job_id, f"could not launch the agent: {exc}")

    def _start_agent(self, job: RowMapping, resume: str | None, guidelines: str | None) -> None:
        job_id = job["id"]
        if job["continue_prompt"] and resume is not None:
            prompt = str(job["continue_prompt"])
        else:
            prompt = user_prompt(job["description"], guidelines=guidelines, context=job["context"])
        work_dir = Path(job["work_dir"])
        if job["use_worktree"]:
            try:
                work_dir = ensure_worktree(work_dir, job_id).path
            except WorktreeError as exc:
                reason = f"could not create worktree: {exc}"
                failed = Verdict(JobStatus.FAILED, reason, None, FailureKind.LAUNCH)
                self._finish_job(job_id, failed)
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
            self._finish_job(job_id, Verdict(JobStatus.FAILED, str(exc), None, FailureKind.LAUNCH))
            return
        with self._writer.write() as change:
            repository.update_fields(
                change.conn, job_id, current_agent_id=agent_id, continue_prompt=None
            )
            change.touch(job_id)

    def _abandon_launch(self, job_id: str, reason: str) -> None:
        """Fail the job as a launch failure; an agent row left `starting` ends with it."""
        with self._db.write() as conn:
            for agent in agents_repository.for_job(conn, job_id):
                if agent["status"] == "starting":
                    agents_repository.update_fields(
                        conn, agent["id"], status="exited", stop_reason=reason, finished_at=now()
                    )
        self.fail(job_id, Verdict(JobStatus.FAILED, reason, None, FailureKind.LAUNCH))

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
    def agent_ended(self, event: AgentEnded) -> Awaitable[None]:
        """Subscribed to `AgentEnded`: judge the run. Marked as being judged at once, so the
        recovery pass leaves it alone."""
        return self.judge(event.outcome)

    def judge(self, outcome: AgentOutcome) -> Awaitable[None]:
        self._settling[outcome.agent_id] += 1
        return self._settle(outcome)

    @property
    def settling(self) -> set[str]:
        """Agents whose run is being judged now."""
        return set(self._settling)

    async def _settle(self, outcome: AgentOutcome) -> None:
        try:
            await self._settle_unchecked(outcome)
        except Exception as exc:
            # Judging broke (a work dir gone, a full disk): the job fails saying so rather than
            # staying running. If even that cannot be stored, the hub retries the whole step.
            log.exception("could not judge the run of agent %s", outcome.agent_id)
            reason = f"internal error while judging the run: {exc}"
            self._finish_current(
                outcome, Verdict(JobStatus.FAILED, reason, None, FailureKind.INTERNAL)
            )
        finally:
            self._settling[outcome.agent_id] -= 1
            if self._settling[outcome.agent_id] <= 0:
                del self._settling[outcome.agent_id]
            self._wake()

    def _finish_current(self, outcome: AgentOutcome, verdict: Verdict) -> None:
        with self._db.read() as conn:
            job = repository.get(conn, outcome.job_id)
        current = job is not None and job["current_agent_id"] == outcome.agent_id
        if current and job is not None and JobStatus(job["status"]) in ACTIVE:
            self._finish_job(outcome.job_id, verdict)

    async def _settle_unchecked(self, outcome: AgentOutcome) -> None:
        with self._writer.write() as change:
            job = repository.get(change.conn, outcome.job_id)
            if job is None:
                return
            # Stored before judging, so a restart mid-judgement judges the same run again.
            agents_repository.update_fields(
                change.conn, outcome.agent_id, outcome=saved_outcome(outcome)
            )
            total = change.conn.execute(
                select(func.coalesce(func.sum(agents.c.cost_usd), 0.0)).where(
                    agents.c.job_id == outcome.job_id
                )
            ).scalar_one()
            repository.update_fields(change.conn, outcome.job_id, cost_usd=float(total))
        stale = job["current_agent_id"] != outcome.agent_id
        if stale or JobStatus(job["status"]) not in ACTIVE:
            # Cancelled, requeued or superseded: the status is set already.
            if not stale and job["use_worktree"] and JobStatus(job["status"]) in TERMINAL:
                await self._finish_worktree(job, succeeded=job["status"] == JobStatus.DONE)
            self._jobs.publish(self._jobs.get(outcome.job_id))
            return
        with self._db.read() as conn:
            agent = agents_repository.get(conn, outcome.agent_id)
        reported = agent["reported_result"] if agent else None
        verdict = judge(outcome, int(job["max_turns"] or 0), reported)
        work_dir = Path(agent["work_dir"]) if agent else Path(job["work_dir"])
        if verdict.status is JobStatus.DONE and job["completion_checks"]:
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
                verdict = Verdict(JobStatus.FAILED, check, verdict.result, FailureKind.CHECK_FAILED)
        pr_url = None
        if job["use_worktree"]:
            pr_url = await self._finish_worktree(job, succeeded=verdict.status is JobStatus.DONE)
        self._finish_job(outcome.job_id, verdict, pr_url=pr_url)

    async def _finish_worktree(self, job: RowMapping, *, succeeded: bool) -> str | None:
        try:
            tree = worktree_for(Path(job["work_dir"]), job["id"])
            publication = await asyncio.to_thread(
                finish_worktree, tree, title=job["title"], succeeded=succeeded
            )
            return publication.pr_url if publication else None
        except WorktreeError as exc:
            log.warning("worktree of job %s: %s", job["id"], exc)
            return None

    def fail(self, job_id: str, verdict: Verdict) -> None:
        """Fail an active job that has nothing left to judge (the recovery pass)."""
        with self._db.read() as conn:
            job = repository.get(conn, job_id)
        if job is not None and JobStatus(job["status"]) in ACTIVE | {JobStatus.QUEUED}:
            self._finish_job(job_id, verdict)

    def _finish_job(self, job_id: str, verdict: Verdict, *, pr_url: str | None = None) -> None:
        """Store the judged terminal status; follow-ups subscribe to the `JobFinished` it emits.
        A usage limit instead holds the provider until the reset and schedules the job to
        continue its session then (podium.jobs.limits)."""
        with self._writer.write() as change:
            job = repository.get(change.conn, job_id)
            if job is None:
                return
            paused = verdict.status is JobStatus.FAILED and self._limits.pause(
                change, job, verdict.failure, verdict.reason
            )
            if not paused:
                reason = verdict.reason
                why_not = why_no_retry(job, verdict.status, verdict.failure)
                if why_not and reason:
                    reason = f"{reason} ({why_not})"
                fields: dict[str, Any] = {"pr_url": pr_url} if pr_url else {}
                change.set_status(
                    job_id,
                    verdict.status,
                    reason=reason,
                    failure=verdict.failure,
                    judged=True,
                    result=verdict.result,
                    **fields,
                )
        self._wake()
