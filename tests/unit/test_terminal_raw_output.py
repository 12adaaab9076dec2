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
    # Waits for the test's signal, then prints ~6 LIMITs of output and lingers.
    script = f"while [ ! -e {go} ]; do sleep 0.05; done; yes 0123456789 | head -c 600000; sleep 60"
    sessions.tmux.new_session(name, ["sh", "-c", script], cwd=tmp_path)
    raw = sessions.raw_path(agent_id)
    try:
        received: list[bytes] = []
        resynced = asyncio.Event()

        def deliver(chunk: bytes | None) -> None:
            if chunk is not None:
                received.append(chunk)
                if chunk.startswith(CLEAR):
                    resynced.set()

        unsubscribe = sessions.subscribe(agent_id, deliver)
        go.touch()
        await asyncio.wait_for(resynced.wait(), timeout=20)
        assert sum(len(c) for c in received) > LIMIT, "the live output reached the viewer"
        assert raw.stat().st_size < 2 * LIMIT, "the file started over"
        unsubscribe()
        assert raw.stat().st_size == 0, "nobody watches: nothing kept"
    finally:
        sessions.tmux.kill(name)
        sessions.close()
