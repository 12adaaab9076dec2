"""Agent rows and their output events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
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


# Written after every read of an agent's log, tens of times a second on a busy server: plain
# SQL through the driver's executemany, since SQLAlchemy's per-row parameter processing cost
# more than the UPDATE itself.
STREAM_FIELDS = (
    "log_offset",
    "next_seq",
    "session_id",
    "model",
    "num_turns",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
)
_SAVE_STREAM = (
    "UPDATE agents SET " + ", ".join(f"{name} = ?" for name in STREAM_FIELDS) + " WHERE id = ?"
)


def save_streams(conn: Connection, streams: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """Each agent's stream position and stats, in one executemany."""
    if streams:
        conn.exec_driver_sql(
            _SAVE_STREAM,
            [(*(values[name] for name in STREAM_FIELDS), agent_id) for agent_id, values in streams],
        )


def last_output_at(conn: Connection, agent_id: str) -> float | None:
    """When the agent's newest stored event was read."""
    query = (
        select(agent_events.c.ts)
        .where(agent_events.c.agent_id == agent_id)
        .order_by(agent_events.c.seq.desc())
        .limit(1)
    )
    value = conn.execute(query).scalar()
    return float(value) if value is not None else None


def live(conn: Connection) -> list[RowMapping]:
    query = select(agents).where(agents.c.status.in_(LIVE_STATUSES))
    return list(conn.execute(query).mappings())


def for_job(conn: Connection, job_id: str) -> list[RowMapping]:
    query = select(agents).where(agents.c.job_id == job_id).order_by(agents.c.created_at)
    return list(conn.execute(query).mappings())


def list_all(conn: Connection, limit: int, offset: int) -> list[RowMapping]:
    query = select(agents).order_by(agents.c.created_at.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).mappings())


# One multi-row INSERT per batch, not executemany: each statement flushes FTS5's pending terms
# (through the insert trigger) as an index segment of its own, and more segments mean more
# merging (one statement per row made indexing ~3x dearer). So statements are as large as
# SQLite's default bound-parameter limit (32,766) allows; 5,000 rows rather than 1,000, with
# the larger FTS5 hash of migration 0007, took a quarter off the cost of a write. Plain SQL:
# SQLAlchemy compiles a multi-row VALUES anew for every row count, slower than the insert
# itself. (Rows packed as one JSON array for SQLite's json_each cost more: SQLite's JSON
# parsing outweighs the binding it saves.)
_EVENT_COLUMNS = ("agent_id", "seq", "kind", "ts", "text", "data")
_ROWS_PER_INSERT = 5000
_ROW_SQL = "(" + ", ".join("?" * len(_EVENT_COLUMNS)) + ")"

# One output event in _EVENT_COLUMNS order; `data` is already JSON text.
EventRow = tuple[str, int, str, float, str, str]


def insert_events(conn: Connection, rows: Sequence[EventRow]) -> None:
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        part = rows[start : start + _ROWS_PER_INSERT]
        sql = f"INSERT INTO agent_events ({', '.join(_EVENT_COLUMNS)}) VALUES " + ", ".join(
            [_ROW_SQL] * len(part)
        )
        conn.exec_driver_sql(sql, tuple(chain.from_iterable(part)))


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
