"""Job rows: reads and writes on a connection the caller owns (so a service call is one
transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, func, select, update

from podium.db.tables import jobs
from podium.ids import to_datetime
from podium.jobs.schemas import Job
from podium.jobs.states import ACTIVE, JobStatus


def insert(conn: Connection, values: Mapping[str, Any]) -> None:
    conn.execute(jobs.insert().values(**values))


def get(conn: Connection, job_id: str) -> RowMapping | None:
    return conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()


def existing_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    wanted = list(ids)
    if not wanted:
        return set()
    rows = conn.execute(select(jobs.c.id).where(jobs.c.id.in_(wanted)))
    return {row[0] for row in rows}


def statuses(conn: Connection, ids: Iterable[str]) -> dict[str, JobStatus]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = conn.execute(select(jobs.c.id, jobs.c.status).where(jobs.c.id.in_(wanted)))
    return {row[0]: JobStatus(row[1]) for row in rows}


def update_fields(conn: Connection, job_id: str, **values: Any) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def list_page(
    conn: Connection,
    *,
    status: list[str] | None = None,
    project_id: str | None = None,
    parent_job_id: str | None = None,
    archived: bool | None = False,
    flagged: bool | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[RowMapping], int]:
    conditions: list[ColumnElement[bool]] = []
    if status:
        conditions.append(jobs.c.status.in_(status))
    if project_id is not None:
        conditions.append(jobs.c.project_id == project_id)
    if parent_job_id is not None:
        conditions.append(jobs.c.parent_job_id == parent_job_id)
    if archived is not None:
        conditions.append(jobs.c.archived == archived)
    if flagged is not None:
        conditions.append(jobs.c.flagged == flagged)
    where = and_(*conditions) if conditions else None
    query = select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
    count = select(func.count()).select_from(jobs)
    if where is not None:
        query = query.where(where)
        count = count.where(where)
    rows = list(conn.execute(query.limit(limit).offset(offset)).mappings())
    total = int(conn.execute(count).scalar_one())
    return rows, total


def next_queued(conn: Connection, limit: int) -> list[RowMapping]:
    """Queued jobs in dispatch order: priority first, then age."""
    query = (
        select(jobs)
        .where(jobs.c.status == JobStatus.QUEUED)
        # A job whose model is still being picked waits its turn (podium.jobs.classify).
        .where(jobs.c.model_classification.is_distinct_from("pending"))
        .order_by(jobs.c.priority.desc(), jobs.c.created_at, jobs.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).mappings())


def pending_classification(conn: Connection) -> list[RowMapping]:
    query = select(jobs.c.id, jobs.c.description).where(jobs.c.model_classification == "pending")
    return list(conn.execute(query).mappings())


def count_active(conn: Connection) -> int:
    query = select(func.count()).select_from(jobs).where(jobs.c.status.in_(list(ACTIVE)))
    return int(conn.execute(query).scalar_one())


def by_status(conn: Connection, *status: JobStatus) -> list[RowMapping]:
    return list(conn.execute(select(jobs).where(jobs.c.status.in_(list(status)))).mappings())


def due_scheduled(conn: Connection, now: float) -> list[RowMapping]:
    query = select(jobs).where(
        and_(jobs.c.status == JobStatus.SCHEDULED, jobs.c.scheduled_at <= now)
    )
    return list(conn.execute(query).mappings())


def next_scheduled_time(conn: Connection) -> float | None:
    query = select(func.min(jobs.c.scheduled_at)).where(jobs.c.status == JobStatus.SCHEDULED)
    value = conn.execute(query).scalar()
    return float(value) if value is not None else None


def dependants_of(conn: Connection, job_id: str) -> list[RowMapping]:
    """Waiting jobs whose dependsOn list names job_id."""
    query = select(jobs).where(jobs.c.status == JobStatus.WAITING)
    return [row for row in conn.execute(query).mappings() if job_id in (row["depends_on"] or [])]


def to_schema(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        status=JobStatus(row["status"]),
        status_reason=row["status_reason"],
        status_message=row["status_message"],
        priority=row["priority"],
        model=row["model"],
        model_classification=row["model_classification"],
        work_dir=row["work_dir"],
        max_turns=row["max_turns"],
        stop_mode=row["stop_mode"],
        stop_value=row["stop_value"],
        depends_on=list(row["depends_on"] or []),
        use_worktree=bool(row["use_worktree"]),
        interactive=bool(row["interactive"]),
        context=dict(row["context"] or {}),
        template_id=row["template_id"],
        repeat_interval_sec=row["repeat_interval_sec"],
        scheduled_at=to_datetime(row["scheduled_at"]),
        retry_policy=row["retry_policy"],
        attempt=int(row["attempt"] or 1),
        failure_kind=row["failure_kind"],
        hold_reason=row["hold_reason"],
        held_until=to_datetime(row["held_until"]),
        completion_checks=list(row["completion_checks"] or []),
        project_id=row["project_id"],
        parent_job_id=row["parent_job_id"],
        current_agent_id=row["current_agent_id"],
        result=row["result"],
        cost_usd=float(row["cost_usd"] or 0.0),
        pr_url=row["pr_url"],
        expired_question_id=row["expired_question_id"],
        flagged=bool(row["flagged"]),
        archived=bool(row["archived"]),
        created_at=to_datetime(row["created_at"]),
        started_at=to_datetime(row["started_at"]),
        finished_at=to_datetime(row["finished_at"]),
    )
