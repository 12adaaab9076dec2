"""LogWatcher with real inotify: a paused watcher never wakes the loop, and resuming delivers
every file that changed meanwhile, once each, without losing the ones that change after."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from podium.agents.logwatch import LogWatcher


def _append(path: Path, line: str) -> None:
    with path.open("a") as handle:
        handle.write(line + "\n")


async def _settle() -> None:
    """Let the loop run its ready callbacks, including a readable inotify descriptor."""
    for _ in range(5):
        await asyncio.sleep(0.01)


async def test_paused_changes_arrive_on_resume_once_per_file(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    watcher = LogWatcher(loop, tmp_path)
    calls: Counter[str] = Counter()
    for name in ("a.ndjson", "b.ndjson", "c.ndjson"):
        watcher.follow(name, lambda name=name: calls.update([name]))
    try:
        _append(tmp_path / "a.ndjson", "first")
        await _settle()
        assert calls == {"a.ndjson": 1}

        watcher.pause()
        for i in range(50):
            _append(tmp_path / "a.ndjson", f"line {i}")
            _append(tmp_path / "b.ndjson", f"line {i}")
        await _settle()
        assert calls == {"a.ndjson": 1}, "a paused watcher must not deliver"

        watcher.resume()
        assert calls == {"a.ndjson": 2, "b.ndjson": 1}, "one call per changed file"

        _append(tmp_path / "c.ndjson", "after resume")
        await _settle()
        assert calls["c.ndjson"] == 1, "listening again after resume"
        (tmp_path / "d.ndjson").write_text("not followed\n")
        await _settle()
        assert set(calls) == {"a.ndjson", "b.ndjson", "c.ndjson"}
    finally:
        watcher.close()


async def test_resume_after_close_does_nothing(tmp_path: Path) -> None:
    watcher = LogWatcher(asyncio.get_running_loop(), tmp_path)
    watcher.pause()
    watcher.close()
    watcher.resume()  # a flush scheduled before shutdown must not touch the closed descriptor
