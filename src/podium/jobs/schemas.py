"""Job bodies as the REST API and the MCP tools see them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from podium.events import IdRef, Message
from podium.jobs.states import JobStatus
from podium.schemas import MAX_LIST, ApiModel, Id, Name, PathText, Text, reject_null

StopMode = Literal["turns", "budget", "time", "completion"]
RetryPolicy = Literal["none", "same", "analyze"]
COMPLETION_CHECK_KINDS = ("diff_not_empty", "no_error_in_output", "custom_command:")
MAX_CONTEXT = 100_000
MAX_REPEAT_SEC = 366 * 24 * 3600


class JobCreate(ApiModel):
    description: Text
    title: Name | None = None
    priority: int = Field(0, ge=-10, le=10)
    model: Name | None = None
    work_dir: PathText | None = None
    max_turns: int | None = Field(None, ge=1, le=10_000)
    stop_mode: StopMode | None = None
    # Turns, US dollars or minutes; a year of minutes is the largest that means anything.
    stop_value: float | None = Field(None, le=1_000_000)
    depends_on: list[Id] = Field(default_factory=list, max_length=MAX_LIST)
    use_worktree: bool = False
    interactive: bool = False
    context: dict[str, Any] = Field(default_factory=dict)
    template_id: Id | None = None
    repeat_interval_sec: int | None = Field(None, ge=1, le=MAX_REPEAT_SEC)
    scheduled_at: datetime | None = None
    retry_policy: RetryPolicy = "none"
    completion_checks: list[PathText] = Field(default_factory=list, max_length=20)
    project_id: Id | None = None
    parent_job_id: Id | None = None

    @field_validator("context")
    @classmethod
    def _context_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, default=str)) > MAX_CONTEXT:
            raise ValueError(f"context is limited to {MAX_CONTEXT} characters of JSON")
        return value

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
    """Fields a user may change after creation; the rest are fixed once the job exists. A field
    left out stays as it is; only projectId may be set to null (leaving its project)."""

    title: Name | SkipJsonSchema[None] = None
    priority: int | SkipJsonSchema[None] = Field(None, ge=-10, le=10)
    flagged: bool | SkipJsonSchema[None] = None
    archived: bool | SkipJsonSchema[None] = None
    project_id: Id | None = None

    _not_null = field_validator("title", "priority", "flagged", "archived", mode="before")(
        reject_null
    )


class ContinueBody(ApiModel):
    message: Text

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
    # Why the dispatcher holds this pending job (a provider's usage limit, a spend cap, too
    # little memory...) and, when known, until when (podium.jobs.gates).
    hold_reason: str | None
    held_until: datetime | None
    completion_checks: list[str]
    project_id: str | None
    parent_job_id: str | None
    current_agent_id: str | None
    result: str | None
    cost_usd: float
    pr_url: str | None
    # A question of this job that expired unanswered: answering it resumes the job.
    expired_question_id: str | None
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
