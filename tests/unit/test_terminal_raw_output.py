"""An interactive pane's raw output is copied to a file only while someone watches, and the
file starts over once it grows past its limit, the viewers getting the whole screen again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from podium.agents.interactive import sessions as sessions_module
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.interactive.tmux import session_name
from podium.config import Settings
from podium.db.engine import Database
from podium.events import EventBus

LIMIT = 100_000
CLEAR = b"\x1b[H\x1b[2J"


async def test_raw_output_is_bounded_and_only_kept_while_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sessions_module, "RAW_LIMIT", LIMIT)
    settings = Settings(PODIUM_DATA_DIR=tmp_path / "data")  # type: ignore[call-arg]
    sessions = InteractiveSessions(settings=settings, db=Database(tmp_path / "db"), bus=EventBus())
    sessions.start()
    agent_id = "ag_raw"
    name = session_name(agent_id)
    go = tmp_path / "go"
    # Waits for the test's signal, then prints 1.5 LIMITs of output (a little more through the
    # pty's \r\n) and lingers: once the file starts over, at most the rest of it comes after.
    script = f"while [ ! -e {go} ]; do sleep 0.05; done; yes 0123456789 | head -c 150000; sleep 60"
    sessions.tmux.new_session(name, ["sh", "-c", script], cwd=tmp_path)
    raw = sessions.raw_path(agent_id)
    try:
        received: list[bytes] = []
        resynced = asyncio.Event()
        size_at_resync: list[int] = []

        def deliver(chunk: bytes | None) -> None:
            if chunk is not None:
                received.append(chunk)
                if chunk.startswith(CLEAR) and not resynced.is_set():
                    # Measured as the screen arrives: only what the pane wrote after the
                    # file started over can be in it.
                    size_at_resync.append(raw.stat().st_size)
                    resynced.set()

        unsubscribe = sessions.subscribe(agent_id, deliver)
        go.touch()
        await asyncio.wait_for(resynced.wait(), timeout=20)
        assert sum(len(c) for c in received) > LIMIT, "the live output reached the viewer"
        assert size_at_resync[0] < LIMIT, "the file started over"
        unsubscribe()
        assert raw.stat().st_size == 0, "nobody watches: nothing kept"
    finally:
        sessions.tmux.kill(name)
        sessions.close()
