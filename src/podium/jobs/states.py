"""Job statuses and which transitions are legal. Kept apart so both the service and tests use it."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    SCHEDULED = "scheduled"
    WAITING = "waiting"
    RUNNING = "running"
    WAITING_USER = "waiting_user"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})
PENDING = frozenset({JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.WAITING})
ACTIVE = frozenset({JobStatus.RUNNING, JobStatus.WAITING_USER})

_ALLOWED: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.SCHEDULED: frozenset({JobStatus.QUEUED, JobStatus.WAITING, JobStatus.CANCELLED}),
    JobStatus.WAITING: frozenset({JobStatus.QUEUED, JobStatus.FAILED, JobStatus.CANCELLED}),
    # Requeueing a queued job only says so again.
    JobStatus.QUEUED: frozenset(
        {JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED, JobStatus.QUEUED}
    ),
    # An agent stopped by its provider's usage limit: scheduled to continue after the reset.
    JobStatus.RUNNING: frozenset(
        {
            JobStatus.WAITING_USER,
            JobStatus.DONE,
            JobStatus.FAILED,
            JobStatus.CANCELLED,
            JobStatus.QUEUED,
            JobStatus.SCHEDULED,
        }
    ),
    JobStatus.WAITING_USER: frozenset(
        {
            JobStatus.RUNNING,
            JobStatus.DONE,
            JobStatus.FAILED,
            JobStatus.CANCELLED,
            JobStatus.QUEUED,
            JobStatus.SCHEDULED,
        }
    ),
    # A finished job can be continued (queued again with a follow-up) or requeued.
    JobStatus.DONE: frozenset({JobStatus.QUEUED}),
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),
    JobStatus.CANCELLED: frozenset({JobStatus.QUEUED}),
}


def can_transition(old: JobStatus, new: JobStatus) -> bool:
    return new in _ALLOWED[old]


def initial_status(*, scheduled_in_future: bool, has_open_dependencies: bool) -> JobStatus:
    if scheduled_in_future:
        return JobStatus.SCHEDULED
    if has_open_dependencies:
        return JobStatus.WAITING
    return JobStatus.QUEUED
