"""/api/jobs: the queue and the actions on a job."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import Field

from podium.api.deps import JobsDep
from podium.jobs.schemas import ContinueBody, Job, JobCreate, JobPatch
from podium.schemas import MAX_ID, MAX_NAME, MAX_OFFSET

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_job(body: JobCreate, jobs: JobsDep) -> Job:
    return jobs.create(body)


@router.get("")
async def list_jobs(
    jobs: JobsDep,
    response: Response,
    status_: Annotated[
        list[Annotated[str, Field(max_length=MAX_NAME)]] | None,
        Query(alias="status", max_length=20),
    ] = None,
    project_id: Annotated[str | None, Query(alias="projectId", max_length=MAX_ID)] = None,
    parent_job_id: Annotated[str | None, Query(alias="parentJobId", max_length=MAX_ID)] = None,
    archived: Annotated[Literal["true", "false", "all"], Query()] = "false",
    flagged: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[Job]:
    """Newest first, paged; `X-Total-Count` gives the size of the whole filtered list."""
    statuses = [s for value in status_ or [] for s in value.split(",") if s]
    items, total = jobs.list(
        status=statuses or None,
        project_id=project_id,
        parent_job_id=parent_job_id,
        archived=None if archived == "all" else archived == "true",
        flagged=flagged,
        limit=limit,
        offset=offset,
    )
    response.headers["X-Total-Count"] = str(total)
    return items


@router.get("/{job_id}")
async def get_job(job_id: str, jobs: JobsDep) -> Job:
    return jobs.get(job_id)


@router.patch("/{job_id}")
async def patch_job(job_id: str, body: JobPatch, jobs: JobsDep) -> Job:
    return jobs.patch(job_id, body)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_job(job_id: str, jobs: JobsDep) -> None:
    await jobs.delete(job_id)


@router.post("/{job_id}/cancel")
async def cancel_job(job_id: str, jobs: JobsDep) -> Job:
    return jobs.cancel(job_id)


@router.post("/{job_id}/retry", status_code=status.HTTP_201_CREATED)
async def retry_job(job_id: str, jobs: JobsDep) -> Job:
    """A fresh job with the same description and settings."""
    return jobs.retry(job_id)


@router.post("/{job_id}/requeue")
async def requeue_job(job_id: str, jobs: JobsDep) -> Job:
    return jobs.requeue(job_id)


@router.post("/{job_id}/continue")
async def continue_job(job_id: str, body: ContinueBody, jobs: JobsDep) -> Job:
    """Resume the job's agent session with a follow-up message."""
    return jobs.continue_(job_id, body.message)
