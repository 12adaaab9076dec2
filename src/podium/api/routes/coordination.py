"""/api/notes, /api/questions, /api/locks and a job's status history: the dashboard's side of
what agents do over MCP (same services)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import Field

from podium.api.deps import ServicesDep
from podium.api.disconnect import unless_disconnected
from podium.coordination.locks import Lock, normalise_path
from podium.coordination.notes import MAX_KEY, Note, NoteWrite
from podium.coordination.questions import AnswerBody, Question
from podium.coordination.status import StatusUpdate
from podium.errors import NotFound
from podium.schemas import MAX_ID, MAX_LIST, MAX_PATH, ApiModel, Name, PathText

router = APIRouter(tags=["coordination"])


@router.get("/api/notes")
async def list_notes(
    services: ServicesDep, prefix: Annotated[str | None, Query(max_length=MAX_KEY)] = None
) -> list[Note]:
    return services.notes.list(prefix)


@router.get("/api/notes/{key:path}")
async def get_note(key: str, services: ServicesDep) -> Note:
    return services.notes.get(key)


@router.put("/api/notes/{key:path}")
async def put_note(key: str, body: NoteWrite, services: ServicesDep) -> Note:
    return services.notes.write(key, body.value, by="user")


@router.delete("/api/notes/{key:path}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(key: str, services: ServicesDep) -> None:
    if not services.notes.delete(key):
        raise NotFound(f"note {key!r} not found")


@router.get("/api/questions")
async def list_questions(
    services: ServicesDep,
    status_: Annotated[str | None, Query(alias="status", max_length=MAX_ID)] = None,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=MAX_ID)] = None,
) -> list[Question]:
    return services.questions.list(status_, job_id)


@router.post("/api/questions/{question_id}/answer")
async def answer_question(question_id: str, body: AnswerBody, services: ServicesDep) -> Question:
    return services.questions.answer(question_id, body.answer)


@router.get("/api/jobs/{job_id}/status-history")
async def status_history(job_id: str, services: ServicesDep) -> list[StatusUpdate]:
    services.jobs.get(job_id)
    return services.reports.history(job_id)


class LockRequest(ApiModel):
    files: list[PathText] = Field(min_length=1, max_length=MAX_LIST)
    reason: Name = ""
    owner: str = Field("user", min_length=1, max_length=100)
    timeout_sec: float = Field(0, ge=0, le=3600)


class LockCheck(ApiModel):
    file: str
    allowed: bool
    holder: Lock | None


@router.get("/api/locks")
async def list_locks(services: ServicesDep) -> list[Lock]:
    return services.locks.list()


@router.get("/api/locks/check")
async def check_lock(
    services: ServicesDep,
    file: Annotated[str, Query(max_length=MAX_PATH)],
    agent_id: Annotated[str, Query(alias="agentId", max_length=MAX_ID)] = "",
) -> LockCheck:
    """Would `agentId` be allowed to edit `file` now? (Read-only: takes nothing.)"""
    path = normalise_path(file, services.settings_base_dir())
    holder = services.locks.holder(path)
    return LockCheck(
        file=path, allowed=holder is None or holder.agent_id == agent_id, holder=holder
    )


@router.post("/api/locks", status_code=status.HTTP_201_CREATED)
async def acquire_locks(body: LockRequest, services: ServicesDep, request: Request) -> list[Lock]:
    """Locks for a person or a script (`podium lock acquire`): held as `human:<owner>`. A wait
    ends when the client disconnects: no lock is granted to a client that is gone."""
    base = services.settings_base_dir()
    paths = [normalise_path(path, base) for path in body.files]
    acquire = services.locks.acquire(
        f"human:{body.owner}", None, paths, body.reason, body.timeout_sec
    )
    return await unless_disconnected(request, acquire)


@router.post("/api/locks/release")
async def release_locks(body: LockRequest, services: ServicesDep) -> list[str]:
    base = services.settings_base_dir()
    paths = [normalise_path(path, base) for path in body.files]
    return services.locks.release(f"human:{body.owner}", paths)


@router.delete("/api/locks/{lock_id}", status_code=status.HTTP_204_NO_CONTENT)
async def force_release(lock_id: str, services: ServicesDep) -> None:
    services.locks.release_by_id(lock_id)
