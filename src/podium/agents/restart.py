"""What a restarted server reads back about an agent that outlived the last one: where its
stream stood, and whether the process behind its row is still the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import RowMapping

from podium.agents.process import ExitWatch, is_same_process
from podium.agents.providers.base import Usage
from podium.agents.stream import StreamState


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
    loop: asyncio.AbstractEventLoop, row: RowMapping, on_exit: Callable[[int | None], None]
) -> ExitWatch | None:
    """An exit watch on the agent's process if it still runs: same pid and same start time,
    never a bare pid, which the system may have given to another process since."""
    pid, start_time = row["pid"], row["process_start_time"]
    if not is_same_process(pid, start_time):
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
