"""What a restarted server reads back about an agent that outlived the last one: where its
stream stood, and whether the process behind its row is still the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import RowMapping

from podium.agents import repository
from podium.agents.health import HealthMonitor, limits_of
from podium.agents.process import AgentFiles, ExitWatch, is_same_process
from podium.agents.providers.base import Provider, Usage
from podium.agents.stream import AgentStream, StreamState
from podium.db.engine import Database
from podium.events import EventBus


def saved_stream_state(row: RowMapping) -> StreamState:
    """The stream's position and stats as the last server stored them."""
    return StreamState(
        offset=row["log_offset"],
        next_seq=row["next_seq"],
        session_id=row["session_id"],
        model=row["model"],
        usage=Usage(
            row["input_tokens"],
            row["output_tokens"],
            row["cache_read_tokens"],
            row["cache_write_tokens"],
        ),
        num_turns=row["num_turns"],
        cost_usd=row["cost_usd"],
    )


def watch_if_alive(
    loop: asyncio.AbstractEventLoop,
    pid: int | None,
    start_time: float | None,
    on_exit: Callable[[int | None], None],
) -> ExitWatch | None:
    """An exit watch on the agent's process if it still runs: same pid and same start time,
    never a bare pid, which the system may have given to another process since."""
    if pid is None or not is_same_process(pid, start_time):
        return None
    try:
        watch = ExitWatch(loop, pid, on_exit)
    except ProcessLookupError:
        return None
    # The pid could have been reused between the check and the pidfd: check again.
    if not is_same_process(pid, start_time):
        watch.close()
        return None
    return watch


def stream_of(
    agent_id: str,
    job_id: str,
    files: AgentFiles,
    provider: Provider,
    db: Database,
    bus: EventBus,
    state: StreamState | None = None,
) -> AgentStream:
    """The stream of a run nobody follows any more: one that ended while the server was down
    (drain it to the end), or one that never started."""
    return AgentStream(
        agent_id=agent_id,
        job_id=job_id,
        log_path=files.log,
        provider=provider,
        db=db,
        bus=bus,
        state=state if state is not None else StreamState(),
    )


def watch_health_again(
    health: HealthMonitor, db: Database, row: RowMapping, state: StreamState
) -> bool:
    """Health checks resume where they stood; True when the row's stored warnings no longer
    hold (they should be cleared)."""
    with db.read() as conn:
        last_output_at = repository.last_output_at(conn, row["id"])
    health.watch(
        row["id"],
        limits_of(row),
        last_output_at=last_output_at,
        num_turns=state.num_turns,
        cost_usd=state.cost_usd,
    )
    return bool(row["warnings"]) and not health.warnings(row["id"])
