"""LogIngest with a real SQLite file, real logs and real inotify: a stream's position moves only
with the commit that stores its events. One agent whose row is gone (its job deleted while it
runs) must not cost the others their output, a write that fails (the database locked) is tried
again from the log, and nothing is lost or numbered twice."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from podium.agents import repository
from podium.agents.ingest import LogIngest
from podium.agents.providers.claude import ClaudeProvider
from podium.agents.service import AgentOutput
from podium.agents.stream import AgentStream, StreamState
from podium.db.engine import Database
from podium.db.tables import agent_events, jobs
from podium.events import Event, EventBus

AGENTS = ("ag_1", "ag_2", "ag_3")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    # A short busy timeout, so a write held up by another connection's lock fails quickly.
    database = Database(tmp_path / "podium.db", busy_timeout_sec=0.2)
    database.migrate()
    with database.write() as conn:
        for n, agent_id in enumerate(AGENTS, start=1):
            conn.execute(
                jobs.insert().values(
                    id=f"job_{n}", title="t", description="d", status="running", work_dir="/w",
                    created_at=1.0,
                )
            )  # fmt: skip
            repository.insert(
                conn,
                {
                    "id": agent_id,
                    "job_id": f"job_{n}",
                    "provider": "claude",
                    "status": "running",
                    "log_path": str(tmp_path / "logs" / f"{agent_id}.ndjson"),
                    "work_dir": "/w",
                    "created_at": 2.0,
                },
            )
    yield database
    database.dispose()


def _lines(agent_id: str, first: int, count: int) -> str:
    out = []
    for n in range(first, first + count):
        message = {
            "id": f"msg_{agent_id}_{n}",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": f"{agent_id} says {n}"}],
            "usage": {"input_tokens": 10, "output_tokens": 1},
        }
        out.append(json.dumps({"type": "assistant", "session_id": "s", "message": message}))
    return "".join(line + "\n" for line in out)


def _append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


class Harness:
    """Follows every agent's log through one LogIngest; `published(agent_id, n)` waits until
    that agent's first N events have been published (published only after their commit)."""

    def __init__(self, db: Database, logs: Path) -> None:
        self.loop = asyncio.get_running_loop()
        self.bus = EventBus()
        self.seqs: dict[str, list[int]] = {agent_id: [] for agent_id in AGENTS}
        self.changed = asyncio.Event()
        self.bus.subscribe(self._seen)
        self.ingest = LogIngest(self.loop, logs, db, on_output=lambda _agent_id: None)
        self.streams = {}
        for n, agent_id in enumerate(AGENTS, start=1):
            stream = AgentStream(
                agent_id=agent_id,
                job_id=f"job_{n}",
                log_path=logs / f"{agent_id}.ndjson",
                provider=ClaudeProvider(),
                db=db,
                bus=self.bus,
                state=StreamState(),
            )
            self.streams[agent_id] = stream
            self.ingest.follow(stream)

    def _seen(self, event: Event) -> bool:
        if isinstance(event.message, AgentOutput):
            output = event.message.data
            self.seqs[output.agent_id] += [e["seq"] for e in output.events]
            self.changed.set()
        return False

    async def published(self, agent_id: str, count: int) -> None:
        async def wait() -> None:
            while len(self.seqs[agent_id]) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout=15)


def _stored(db: Database, agent_id: str) -> list[int]:
    with db.read() as conn:
        query = select(agent_events.c.seq).where(agent_events.c.agent_id == agent_id)
        return sorted(conn.execute(query).scalars())


def _position(db: Database, agent_id: str) -> tuple[int, int]:
    with db.read() as conn:
        row = repository.get(conn, agent_id)
    assert row is not None
    return row["log_offset"], row["next_seq"]


async def test_an_agent_whose_row_is_gone_costs_the_others_nothing(
    db: Database, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    harness = Harness(db, logs)
    try:
        with db.write() as conn:  # ag_2's job is deleted while it runs: its row goes with it
            conn.execute(delete(jobs).where(jobs.c.id == "job_2"))
        for agent_id in AGENTS:  # one flush window: the three chunks share one transaction
            _append(logs / f"{agent_id}.ndjson", _lines(agent_id, 0, 5))
        await harness.published("ag_1", 5)
        await harness.published("ag_3", 5)
        for agent_id in ("ag_1", "ag_3"):
            _append(logs / f"{agent_id}.ndjson", _lines(agent_id, 5, 3))
        await harness.published("ag_1", 8)
        await harness.published("ag_3", 8)
        for agent_id in ("ag_1", "ag_3"):
            assert harness.seqs[agent_id] == list(range(1, 9)), "published once, in order"
            assert _stored(db, agent_id) == list(range(1, 9)), "stored with no seq gaps"
            size = (logs / f"{agent_id}.ndjson").stat().st_size
            assert _position(db, agent_id) == (size, 9), "the saved position is what is stored"
        assert harness.seqs["ag_2"] == [] and _stored(db, "ag_2") == []

        # Its exit still goes through: the final drain reads to the end without raising.
        orphan = harness.streams["ag_2"]
        harness.ingest.unfollow(orphan)
        _append(logs / "ag_2.ndjson", _lines("ag_2", 5, 2))
        orphan.drain(final=True)
        assert orphan.state.offset == (logs / "ag_2.ndjson").stat().st_size
        assert orphan.state.usage.output_tokens == 7
    finally:
        harness.ingest.close()


async def test_a_write_that_fails_is_tried_again_and_nothing_is_lost(
    db: Database, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    harness = Harness(db, logs)
    failed = asyncio.Event()

    class OnFailure(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            failed.set()

    handler = OnFailure(logging.WARNING)
    ingest_log = logging.getLogger("podium.agents.ingest")
    ingest_log.addHandler(handler)
    blocker = sqlite3.connect(db.path, isolation_level=None)
    try:
        _append(logs / "ag_1.ndjson", _lines("ag_1", 0, 4))
        await harness.published("ag_1", 4)

        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
        _append(logs / "ag_1.ndjson", _lines("ag_1", 4, 6))
        _append(logs / "ag_3.ndjson", _lines("ag_3", 0, 2))
        await asyncio.wait_for(failed.wait(), timeout=15)
        blocker.execute("ROLLBACK")

        await harness.published("ag_1", 10)
        await harness.published("ag_3", 2)
        assert harness.seqs["ag_1"] == list(range(1, 11))
        assert _stored(db, "ag_1") == list(range(1, 11)), "nothing lost, nothing twice"
        assert _stored(db, "ag_3") == [1, 2]
        assert harness.streams["ag_1"].state.usage.output_tokens == 10, "each message once"
        for agent_id in ("ag_1", "ag_3"):
            size = (logs / f"{agent_id}.ndjson").stat().st_size
            assert _position(db, agent_id) == (size, len(_stored(db, agent_id)) + 1)
            assert harness.streams[agent_id].state.offset == size
    finally:
        blocker.close()
        ingest_log.removeHandler(handler)
        harness.ingest.close()


def test_an_exit_drain_tries_a_failed_write_again(db: Database, tmp_path: Path) -> None:
    """The final drain (an agent's exit) when the database is locked for its first try."""
    logs = tmp_path / "logs"
    logs.mkdir()
    log_path = logs / "ag_1.ndjson"
    _append(log_path, _lines("ag_1", 0, 3))
    blocker = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")

    class ReleaseOnFailure(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if blocker.in_transaction:
                blocker.execute("ROLLBACK")

    handler = ReleaseOnFailure(logging.WARNING)
    stream_log = logging.getLogger("podium.agents.stream")
    stream_log.addHandler(handler)
    stream = AgentStream(
        agent_id="ag_1",
        job_id="job_1",
        log_path=log_path,
        provider=ClaudeProvider(),
        db=db,
        bus=EventBus(),
        state=StreamState(),
    )
    try:
        stream.drain(final=True)
    finally:
        stream_log.removeHandler(handler)
        blocker.close()
    assert _stored(db, "ag_1") == [1, 2, 3]
    assert _position(db, "ag_1") == (log_path.stat().st_size, 4)
