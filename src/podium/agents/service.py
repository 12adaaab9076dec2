"""Agent runs as the API shows them: rows, output pages, and the diff of their work dir."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import orjson
from sqlalchemy import RowMapping
from typing_extensions import TypedDict

from podium.agents import gitdiff, repository
from podium.db.engine import Database
from podium.errors import NotFound
from podium.events import EventBus, Message
from podium.ids import to_datetime
from podium.schemas import ApiModel


class AgentWarning(ApiModel):
    """A health warning on a running agent (podium.agents.health)."""

    kind: str  # stalled | high_turns | long_running | budget | time
    message: str
    since: datetime


class Agent(ApiModel):
    id: str
    job_id: str
    provider: str
    model: str | None
    status: str
    pid: int | None
    session_id: str | None
    exit_code: int | None
    stop_reason: str | None
    num_turns: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cost_usd: float
    work_dir: str
    interactive: bool
    activity: str | None
    max_turns: int | None
    warnings: list[AgentWarning]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class OutputEvent(ApiModel):
    seq: int
    kind: str
    ts: float
    text: str
    data: dict[str, Any]


class StreamedEvent(TypedDict):
    """An output event as it is streamed live: renderers read `data` (the REST and backlog
    form, OutputEvent, adds the searchable `text`). A plain dict, as ingest builds it for every
    event: the hot path stays free of model instances."""

    seq: int
    kind: str
    ts: float
    data: dict[str, Any]


class AgentOutputBatch(ApiModel):
    agent_id: str
    job_id: str
    events: list[StreamedEvent]


class AgentOutput(Message):
    """New output of an agent, sent only to clients subscribed to it."""

    type: Literal["agent.output"] = "agent.output"
    data: AgentOutputBatch

    @classmethod
    def of(cls, agent_id: str, job_id: str, events: list[StreamedEvent]) -> AgentOutput:
        """The hot path of ingest (every batch of every agent): EVENTS are the stream's own
        dicts, not validated again, and `wire` encodes them with orjson rather than pydantic.
        A unit test holds the wire equal to the model's own serialisation."""
        return cls.model_construct(
            data=AgentOutputBatch.model_construct(agent_id=agent_id, job_id=job_id, events=events)
        )

    def wire(self) -> str:
        data = self.data
        return orjson.dumps(
            {
                "type": self.type,
                "data": {"agentId": data.agent_id, "jobId": data.job_id, "events": data.events},
                "ts": self.ts,
            }
        ).decode()


class AgentUpdated(Message):
    """Whatever changed about an agent (status, stats, activity, warnings), the message is the
    whole agent as stored: one shape, so a client replaces rather than merges."""

    type: Literal["agent.updated"] = "agent.updated"
    data: Agent


def publish_agent(bus: EventBus, db: Database, agent_id: str) -> None:
    """Publish `agent.updated` for AGENT_ID as stored now: call it after committing a change.
    A live agent's message is retained on the bus, so `publish_agent_stats` can build on it."""
    with db.read() as conn:
        row = repository.get(conn, agent_id)
    if row is None:
        raise NotFound(f"agent {agent_id} not found")
    agent = to_schema(row)
    key = _retain_key(agent_id)
    if agent.status in repository.LIVE_STATUSES:
        bus.publish(AgentUpdated(data=agent), retain=key)
    else:
        bus.release(key)
        bus.publish(AgentUpdated(data=agent))


def publish_agent_stats(
    bus: EventBus, db: Database, agent_id: str, stats: Mapping[str, Any]
) -> None:
    """Publish `agent.updated` after the stream stored new STATS (Agent fields): on every
    ingest batch that changed them, so it merges them into the agent's retained message rather
    than reading the row back. Every other change goes through `publish_agent`, which reads
    the row and retains the result, so the retained message is never staler than the stats."""
    retained = bus.retained(_retain_key(agent_id))
    if not isinstance(retained, AgentUpdated):
        publish_agent(bus, db, agent_id)
        return
    agent = retained.data.model_copy(update=stats)
    bus.publish(AgentUpdated(data=agent), retain=_retain_key(agent_id))


def _retain_key(agent_id: str) -> str:
    return f"agent.updated:{agent_id}"


class OutputPage(ApiModel):
    agent_id: str
    events: list[OutputEvent]
    next_after: int
    live: bool


class AgentService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def live(self) -> list[Agent]:
        """Agents starting or running now."""
        with self._db.read() as conn:
            rows = repository.live(conn)
        return [to_schema(row) for row in rows]

    def list(self, job_id: str | None, limit: int = 200, offset: int = 0) -> list[Agent]:
        with self._db.read() as conn:
            if job_id is not None:
                rows = repository.for_job(conn, job_id)
            else:
                rows = repository.list_all(conn, limit, offset)
        return [to_schema(row) for row in rows]

    def get(self, agent_id: str) -> Agent:
        return to_schema(self._require(agent_id))

    def output(self, agent_id: str, after: int, limit: int) -> OutputPage:
        row = self._require(agent_id)
        with self._db.read() as conn:
            events = repository.events_after(conn, agent_id, after, limit)
        items = [
            OutputEvent(seq=e["seq"], kind=e["kind"], ts=e["ts"], text=e["text"], data=e["data"])
            for e in events
        ]
        return OutputPage(
            agent_id=agent_id,
            events=items,
            next_after=items[-1].seq if items else after,
            live=row["status"] in repository.LIVE_STATUSES,
        )

    def diff(self, agent_id: str) -> str:
        row = self._require(agent_id)
        return gitdiff.diff_since(Path(row["work_dir"]), row["base_tree"])

    def _require(self, agent_id: str) -> RowMapping:
        with self._db.read() as conn:
            row = repository.get(conn, agent_id)
        if row is None:
            raise NotFound(f"agent {agent_id} not found")
        return row


def to_schema(row: RowMapping) -> Agent:
    return Agent(
        id=row["id"],
        job_id=row["job_id"],
        provider=row["provider"],
        model=row["model"],
        status=row["status"],
        pid=row["pid"],
        session_id=row["session_id"],
        exit_code=row["exit_code"],
        stop_reason=row["stop_reason"],
        num_turns=row["num_turns"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        cache_read_tokens=row["cache_read_tokens"],
        cache_write_tokens=row["cache_write_tokens"],
        cost_usd=row["cost_usd"],
        work_dir=row["work_dir"],
        interactive=bool(row["interactive"]),
        activity=row["activity"],
        max_turns=row["max_turns"],
        warnings=[AgentWarning.model_validate(w) for w in row["warnings"] or []],
        created_at=to_datetime(row["created_at"]),
        started_at=to_datetime(row["started_at"]),
        finished_at=to_datetime(row["finished_at"]),
    )
