"""Job bodies as the REST API and the MCP tools see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from podium.events import IdRef, Message
from podium.jobs.states import JobStatus
from podium.schemas import ApiModel

StopMode = Literal["turns", "budget", "time", "completion"]
RetryPolicy = Literal["none", "same", "analyze"]
COMPLETION_CHECK_KINDS = ("diff_not_empty", "no_error_in_output", "custom_command:")


class JobCreate(ApiModel):
    description: str
    title: str | None = None
    priority: int = Field(0, ge=-10, le=10)
    model: str | None = None
    work_dir: str | None = None
    max_turns: int | None = Field(None, ge=1, le=10_000)
    stop_mode: StopMode | None = None
    stop_value: float | None = None
    depends_on: list[str] = Field(default_factory=list)
    use_worktree: bool = False
    interactive: bool = False
    context: dict[str, Any] = Field(default_factory=dict)
    template_id: str | None = None
    repeat_interval_sec: int | None = Field(None, ge=1)
    scheduled_at: datetime | None = None
    retry_policy: RetryPolicy = "none"
    completion_checks: list[str] = Field(default_factory=list)
    project_id: str | None = None
    parent_job_id: str | None = None

    @field_validator("description")
    @classmethod
    def _description_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description must not be empty")
        return value

    @field_validator("completion_checks")
    @classmethod
    def _known_checks(cls, value: list[str]) -> list[str]:
        for check in value:
            if check in ("diff_not_empty", "no_error_in_output"):
                continue
            if (
                check.startswith("custom_command:")
                and check.removeprefix("custom_command:").strip()
            ):
                continue
            raise ValueError(
                f"unknown completion check {check!r}; use diff_not_empty, no_error_in_output "
                "or custom_command:<cmd>"
            )
        return value


class JobPatch(ApiModel):
    """Fields a user may change after creation; the rest are fixed once the job exists."""

    title: str | None = None
    priority: int | None = Field(None, ge=-10, le=10)
    flagged: bool | None = None
    archived: bool | None = None
    project_id: str | None = None


class ContinueBody(ApiModel):
    message: str

    @field_validator("message")
    @classmethod
    def _message_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message must not be empty")
        return value


class Job(ApiModel):
    id: str
    title: str
    description: str
    status: JobStatus
    status_reason: str | None
    status_message: str | None
    priority: int
    model: str | None
    # Set when the model was picked for the job: pending | simple | medium | complex | unavailable.
    model_classification: str | None
    work_dir: str
    max_turns: int | None
    stop_mode: StopMode | None
    stop_value: float | None
    depends_on: list[str]
    use_worktree: bool
    interactive: bool
    context: dict[str, Any]
    template_id: str | None
    repeat_interval_sec: int | None
    scheduled_at: datetime | None
    retry_policy: RetryPolicy
    # 1 for a new job; a retry under a retry policy counts on (at most 3 in all).
    attempt: int
    # Why a failed job failed (podium.jobs.failures): what its retry policy acted on.
    failure_kind: str | None
    completion_checks: list[str]
    project_id: str | None
    parent_job_id: str | None
    current_agent_id: str | None
    result: str | None
    cost_usd: float
    pr_url: str | None
    flagged: bool
    archived: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobUpdated(Message):
    type: Literal["job.updated"] = "job.updated"
    data: Job


class JobDeleted(Message):
    type: Literal["job.deleted"] = "job.deleted"
    data: IdRef
