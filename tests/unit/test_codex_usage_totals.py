"""AgentStream with codex's usage totals: each agent gets its own share of a session's total.

Codex's ``turn.completed`` usage is the thread's running total, and ``codex exec resume``
restores it, so a resumed run's first total includes the earlier runs. The stream subtracts the
usage already recorded for the session's other agents (see `AgentStream`'s docstring).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podium.agents import repository
from podium.agents.providers.base import Usage
from podium.agents.providers.codex import CodexProvider
from podium.agents.stream import AgentStream, StreamState
from podium.db.engine import Database
from podium.db.tables import jobs
from podium.events import EventBus

THREAD = "019a0000-0000-7000-8000-000000000001"
MODEL = "codex-gpt-5.3-codex"
PROVIDER = CodexProvider()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "podium.db")
    database.migrate()
    with database.write() as conn:
        conn.execute(
            jobs.insert().values(
                id="job_1", title="t", description="d", status="running", work_dir="/w",
                created_at=1.0,
            )
        )  # fmt: skip
    yield database
    database.dispose()


def _total(input_tokens: int, output_tokens: int, cached: int = 0) -> dict[str, Any]:
    usage = {
        "input_tokens": input_tokens,
        "cached_input_tokens": cached,
        "output_tokens": output_tokens,
    }
    return {"type": "turn.completed", "usage": usage}


def _agent(
    db: Database, tmp_path: Path, agent_id: str, resume: str | None = None
) -> tuple[AgentStream, Path]:
    log = tmp_path / f"{agent_id}.ndjson"
    log.write_text("")
    with db.write() as conn:
        repository.insert(
            conn,
            {
                "id": agent_id,
                "job_id": "job_1",
                "provider": "codex",
                "model": MODEL,
                "status": "running",
                "log_path": str(log),
                "work_dir": "/w",
                "session_id": resume,
                "created_at": 2.0,
            },
        )
    stream = AgentStream(
        agent_id=agent_id,
        job_id="job_1",
        log_path=log,
        provider=PROVIDER,
        db=db,
        bus=EventBus(),
        state=StreamState(session_id=resume, model=MODEL),  # as runner.launch builds it
    )
    return stream, log


def _append(stream: AgentStream, log: Path, *lines: dict[str, Any]) -> None:
    with log.open("a") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    stream.drain()


def test_totals_replace_not_add_and_cost_follows(db: Database, tmp_path: Path) -> None:
    stream, log = _agent(db, tmp_path, "ag_1")
    _append(stream, log, {"type": "thread.started", "thread_id": THREAD}, _total(1000, 100))
    assert stream.state.usage == Usage(input_tokens=1000, output_tokens=100)
    first_cost = stream.state.cost_usd
    assert first_cost > 0
    _append(stream, log, _total(3000, 300, cached=500))  # a later total of the same thread
    assert stream.state.usage == Usage(3000, 300, 500, 0)
    assert stream.state.cost_usd > first_cost  # rises as the agent works (budget stop mode)
    assert stream.state.num_turns == 2
    _append(stream, log, _total(3000, 300, cached=500))  # the same total again: no change
    assert stream.state.usage == Usage(3000, 300, 500, 0)


def test_resumed_agent_counts_only_its_own_run(db: Database, tmp_path: Path) -> None:
    first, log1 = _agent(db, tmp_path, "ag_1")
    _append(first, log1, {"type": "thread.started", "thread_id": THREAD}, _total(1000, 100))
    # `codex exec resume` restores the thread's total: 1000/100 of this one is ag_1's.
    second, log2 = _agent(db, tmp_path, "ag_2", resume=THREAD)
    _append(second, log2, {"type": "thread.started", "thread_id": THREAD}, _total(1500, 160))
    assert second.state.usage == Usage(input_tokens=500, output_tokens=60)
    assert second.state.cost_usd == pytest.approx(PROVIDER.price(MODEL, second.state.usage))
    # A third run of the thread subtracts both earlier agents.
    third, log3 = _agent(db, tmp_path, "ag_3", resume=THREAD)
    _append(third, log3, {"type": "thread.started", "thread_id": THREAD}, _total(1600, 170))
    assert third.state.usage == Usage(input_tokens=100, output_tokens=10)


def test_baseline_survives_a_restart(db: Database, tmp_path: Path) -> None:
    """After a restart the stream is rebuilt from the row; the baseline is read again."""
    first, log1 = _agent(db, tmp_path, "ag_1")
    _append(first, log1, {"type": "thread.started", "thread_id": THREAD}, _total(1000, 100))
    second, log2 = _agent(db, tmp_path, "ag_2", resume=THREAD)
    _append(second, log2, {"type": "thread.started", "thread_id": THREAD})
    reattached = AgentStream(
        agent_id="ag_2",
        job_id="job_1",
        log_path=log2,
        provider=PROVIDER,
        db=db,
        bus=EventBus(),
        state=StreamState(
            offset=second.state.offset,
            next_seq=second.state.next_seq,
            session_id=THREAD,
            model=MODEL,
        ),
    )
    _append(reattached, log2, _total(1200, 120))
    assert reattached.state.usage == Usage(input_tokens=200, output_tokens=20)


def test_tool_calls_count_as_turns(db: Database, tmp_path: Path) -> None:
    stream, log = _agent(db, tmp_path, "ag_1")
    command = {
        "id": "item_1",
        "type": "command_execution",
        "command": "ls",
        "status": "in_progress",
    }
    mcp = {"id": "item_2", "type": "mcp_tool_call", "server": "podium", "tool": "write_note"}
    _append(
        stream,
        log,
        {"type": "thread.started", "thread_id": THREAD},
        {"type": "item.started", "item": command},
        {"type": "item.completed", "item": {**command, "status": "completed", "exit_code": 0}},
        {"type": "item.started", "item": mcp},
        {"type": "item.completed", "item": {**mcp, "status": "completed"}},
        _total(100, 10),
    )
    assert stream.state.num_turns == 3  # two tool calls, then the final answer
