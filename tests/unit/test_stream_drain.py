"""AgentStream.drain over a backlog of many chunks (a restart's catch-up), where the next chunk
is parsed while the previous one is written on a worker thread, and over lines longer than a
chunk. Everything must still land once, whole, in order, published only after its commit, with
the stored position matching what is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from podium.agents import repository, stream
from podium.agents.providers.claude import ClaudeProvider
from podium.agents.service import AgentOutput
from podium.agents.stream import AgentStream, StreamState
from podium.db.engine import Database
from podium.db.tables import agent_events
from podium.events import Event, EventBus
from tests.support.agent_db import running_agent_db

SESSION = "5e55_drain"
LINES = 400


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = running_agent_db(tmp_path)
    yield database
    database.dispose()


def _log(path: Path) -> None:
    lines = [{"type": "system", "subtype": "init", "session_id": SESSION, "model": "sonnet"}]
    for n in range(LINES):
        message = {
            "id": f"msg_{n}",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": f"line number {n} " + "x" * 200}],
            "usage": {"input_tokens": 10, "output_tokens": 2},
        }
        lines.append({"type": "assistant", "session_id": SESSION, "message": message})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_a_backlog_of_many_chunks_lands_once_in_order(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "ag_1.ndjson"
    _log(log)
    monkeypatch.setattr(stream, "READ_CHUNK", 4096)  # ~20 lines a chunk: many chunks
    bus = EventBus()
    published: list[int] = []
    # (last seq of a publication, events stored when it was published)
    publications: list[tuple[int, int]] = []

    def seen(event: Event) -> bool:
        if isinstance(event.message, AgentOutput):
            published.extend(e["seq"] for e in event.message.data.events)
            with db.read() as conn:
                count = select(func.count()).select_from(agent_events)
                publications.append((published[-1], conn.execute(count).scalar_one()))
        return False

    bus.subscribe(seen)
    agent = AgentStream(
        agent_id="ag_1",
        job_id="job_1",
        log_path=log,
        provider=ClaudeProvider(),
        db=db,
        bus=bus,
        state=StreamState(),
    )
    agent.drain(final=True)

    assert published == list(range(1, LINES + 2)), "every event once, in order"
    assert len(publications) > 5, "the backlog took several chunks"
    assert all(stored >= last for last, stored in publications), "published only once stored"
    with db.read() as conn:
        row = repository.get(conn, "ag_1")
        texts = conn.execute(
            select(agent_events.c.text).where(agent_events.c.kind == "text").order_by("seq")
        ).scalars()
        assert [t.split()[2] for t in texts] == [str(n) for n in range(LINES)]
    assert row is not None
    assert row["log_offset"] == log.stat().st_size
    assert row["next_seq"] == LINES + 2
    assert row["output_tokens"] == 2 * LINES


FIXTURE = Path(__file__).parent / "fixtures" / "claude_stream.ndjson"
HUGE = 5 * 1024 * 1024  # more than a read chunk (4 MiB)


def test_lines_longer_than_a_read_chunk_are_read_whole(db: Database, tmp_path: Path) -> None:
    """A real transcript whose tool result and final answer are 5 MiB each: both lines parse
    whole, so the job's verdict and usage survive; a half-written long line waits for the
    rest instead of being stored in pieces."""
    lines = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    big_result = "r" * HUGE
    big_answer = "a" * HUGE
    for line in lines:
        if line["type"] == "user" and "hello-from-bash" in json.dumps(line):
            line["message"]["content"][0]["content"] = big_result
        if line["type"] == "result":
            line["result"] = big_answer
    encoded = "".join(json.dumps(line) + "\n" for line in lines).encode()
    result_line_at = encoded.rindex(b'{"type": "result"')
    log = tmp_path / "ag_1.ndjson"
    log.write_bytes(encoded[: result_line_at + HUGE // 2])  # the result line half written
    agent = AgentStream(
        agent_id="ag_1",
        job_id="job_1",
        log_path=log,
        provider=ClaudeProvider(),
        db=db,
        bus=EventBus(),
        state=StreamState(),
    )

    agent.drain()
    assert agent.state.offset == result_line_at, "the unfinished line is left for later"
    assert agent.state.result is None
    with log.open("ab") as handle:
        handle.write(encoded[result_line_at + HUGE // 2 :])
    agent.drain()

    assert agent.state.offset == len(encoded)
    result = agent.state.result
    assert result is not None and not result.is_error and result.text == big_answer
    assert agent.state.usage.input_tokens == 2340 and agent.state.usage.output_tokens == 123
    with db.read() as conn:
        rows = conn.execute(
            select(agent_events.c.kind, agent_events.c.text).order_by(agent_events.c.seq)
        ).all()
        row = repository.get(conn, "ag_1")
    kinds = [kind for kind, _ in rows]
    assert "raw" not in kinds, "no line was cut into fragments"
    tool_results = [text for kind, text in rows if kind == "tool_result"]
    assert any(set(text) == {"r"} for text in tool_results), "the long result, one event"
    assert row is not None and row["log_offset"] == len(encoded) and row["input_tokens"] == 2340
