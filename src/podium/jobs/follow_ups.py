"""What comes after a judged job: a repeat, a retry, a diagnosis, a diagnosed retry. Subscribed
to `JobFinished` at wiring time, so it runs once the job's terminal status is committed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import RowMapping

from podium.agents import repository as agents_repository
from podium.ids import now
from podium.jobs import analysis, repository
from podium.jobs.domain_events import JobFinished
from podium.jobs.failures import FailureKind, decide_retry
from podium.jobs.service import JobService
from podium.jobs.states import JobStatus
from podium.jobs.transitions import JobWrite, StatusWriter


def why_no_retry(job: RowMapping, status: JobStatus, failure: FailureKind | None) -> str | None:
    """Why a failed job with a retry policy gets no retry (said in its reason), if it gets none."""
    if status is not JobStatus.FAILED or analysis.diagnosed_job(job) is not None:
        return None
    return decide_retry(job["retry_policy"], failure, int(job["attempt"])).why_not


class FollowUps:
    def __init__(
        self, *, writer: StatusWriter, helper_model: str, wake_dispatcher: Callable[[], None]
    ) -> None:
        self._writer = writer
        self._helper_model = helper_model
        self._wake = wake_dispatcher

    def job_finished(self, event: JobFinished) -> None:
        if not event.judged:
            return  # cancelled by a person or by a failed dependency: nothing follows
        with self._writer.write() as change:
            job = repository.get(change.conn, event.job_id)
            if job is not None:
                self._follow_up(change, job, event.status, event.failure_kind)
        self._wake()

    def _follow_up(
        self, change: JobWrite, job: RowMapping, status: JobStatus, failure: FailureKind | None
    ) -> None:
        conn = change.conn
        attempt = int(job["attempt"])
        diagnosed = analysis.diagnosed_job(job)
        if diagnosed is not None:
            failed = repository.get(conn, diagnosed)
            if failed is not None and status in (JobStatus.DONE, JobStatus.FAILED):
                reason = job["status_reason"]
                changes = analysis.retry_fields(failed, status, job["result"], reason)
                again = int(failed["attempt"]) + 1
                JobService.insert_copy(
                    change, failed, status=JobStatus.QUEUED, attempt=again, changes=changes
                )
            return
        if status is JobStatus.DONE and job["repeat_interval_sec"]:
            at = now() + int(job["repeat_interval_sec"])
            JobService.insert_copy(
                change, job, status=JobStatus.SCHEDULED, attempt=1, scheduled_at=at
            )
            return
        if status is not JobStatus.FAILED:
            return
        decision = decide_retry(job["retry_policy"], failure, attempt)
        if not decision.retry:
            return
        if decision.diagnose:
            self._insert_diagnosis(change, job)
        elif decision.delay_sec:
            at = now() + decision.delay_sec
            JobService.insert_copy(
                change, job, status=JobStatus.SCHEDULED, attempt=attempt + 1, scheduled_at=at
            )
        else:
            JobService.insert_copy(change, job, status=JobStatus.QUEUED, attempt=attempt + 1)

    def _insert_diagnosis(self, change: JobWrite, failed: RowMapping) -> None:
        """Retry policy `analyze` starts with a cheap diagnosis (podium.jobs.analysis)."""
        runs = agents_repository.for_job(change.conn, failed["id"])
        events = agents_repository.last_events(change.conn, runs[-1]["id"], 60) if runs else []
        changes = analysis.diagnosis_fields(
            failed, failed["status_reason"], analysis.recent_output(events), self._helper_model
        )
        JobService.insert_copy(change, failed, status=JobStatus.QUEUED, attempt=1, changes=changes)
