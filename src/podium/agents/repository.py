"""Agent rows and their output events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from podium.db.tables import agent_events, agents

LIVE_STATUSES = ("starting", "running")


def insert(conn: Connection, values: Mapping[str, Any]) -> None:
    conn.execute(agents.insert().values(**values))


def get(conn: Connection, agent_id: str) -> RowMapping | None:
    return conn.execute(select(agents).where(agents.c.id == agent_id)).mappings().first()


def update_fields(conn: Connection, agent_id: str, **values: Any) -> None:
    conn.execute(update(agents).where(agents.c.id == agent_id).values(**values))


def live(conn: Connection) -> list[RowMapping]:
    query = select(agents).where(agents.c.status.in_(LIVE_STATUSES))
    return list(conn.execute(query).mappings())


def for_job(conn: Connection, job_id: str) -> list[RowMapping]:
    query = select(agents).where(agents.c.job_id == job_id).order_by(agents.c.created_at)
    return list(conn.execute(query).mappings())


def list_all(conn: Connection, limit: int, offset: int) -> list[RowMapping]:
    query = select(agents).order_by(agents.c.created_at.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).mappings())


def insert_events(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(agent_events.insert(), list(rows))


def events_after(conn: Connection, agent_id: str, after: int, limit: int) -> list[RowMapping]:
    query = (
        select(agent_events)
        .where(agent_events.c.agent_id == agent_id, agent_events.c.seq > after)
        .order_by(agent_events.c.seq)
        .limit(limit)
    )
    return list(conn.execute(query).mappings())


def last_events(conn: Connection, agent_id: str, limit: int) -> list[RowMapping]:
    query = (
        select(agent_events)
        .where(agent_events.c.agent_id == agent_id)
        .order_by(agent_events.c.seq.desc())
        .limit(limit)
    )
    return list(conn.execute(query).mappings())
