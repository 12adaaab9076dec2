"""The lock expiry timer, the grants to waiters and the lock-history recorder each outlive a
failed database write: the failure is logged and the next expiry, grant or record happens."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.exc import OperationalError

from podium.coordination import locks as locks_module
from podium.coordination.lock_audit import LockAudit
from podium.coordination.locks import (
    Lock,
    LockAcquired,
    LockManager,
    LockReleased,
    ReleasedLock,
)
from podium.db.engine import Database
from podium.db.tables import lock_history
from podium.events import EventBus

X = "/repo/x.py"


class LockedOnce(Database):
    """A real database whose chosen write fails the way SQLite does while another process
    holds the write lock past the busy timeout."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.fail_write: int | None = None  # which write from now fails: 1 = the next one
        self.failed = 0

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self.fail_write is not None:
            self.fail_write -= 1
            if self.fail_write == 0:
                self.fail_write = None
                self.failed += 1
                locked = sqlite3.OperationalError("database is locked")
                raise OperationalError("BEGIN IMMEDIATE", {}, locked)
        with super().write() as conn:
            yield conn


@pytest.fixture
def db(tmp_path: Path) -> Iterator[LockedOnce]:
    database = LockedOnce(tmp_path / "podium.db")
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locks_module, "RETRY_SEC", 0.05)


async def test_the_expiry_timer_survives_a_failed_write(
    db: LockedOnce, caplog: pytest.LogCaptureFixture
) -> None:
    mgr = LockManager(db, EventBus(), ttl_sec=0.2)
    await mgr.acquire("agent-a", None, [X], "", 1)
    db.fail_write = 1  # the expiry's delete of agent-a's lock
    waiting = asyncio.create_task(mgr.acquire("agent-b", None, [X], "", timeout_sec=30))
    taken = await asyncio.wait_for(waiting, timeout=10)
    assert db.failed == 1
    assert [lock.agent_id for lock in taken] == ["agent-b"]
    assert [lock.agent_id for lock in mgr.list()] == ["agent-b"]
    assert "lock expiry failed" in caplog.text


async def test_a_grant_that_cannot_be_written_is_retried(
    db: LockedOnce, caplog: pytest.LogCaptureFixture
) -> None:
    mgr = LockManager(db, EventBus(), ttl_sec=100)
    await mgr.acquire("agent-a", None, [X], "", 1)
    waiting = asyncio.create_task(mgr.acquire("agent-b", None, [X], "", timeout_sec=30))
    for _ in range(5):
        await asyncio.sleep(0)
    assert mgr.waiting() == [("agent-b", [X])]
    db.fail_write = 2  # the release is written; the grant to agent-b is not
    assert mgr.release("agent-a", [X]) == [X], "the releasing agent's own call succeeds"
    assert mgr.waiting() == [("agent-b", [X])], "still waiting, not dropped"
    taken = await asyncio.wait_for(waiting, timeout=10)
    assert db.failed == 1
    assert [lock.agent_id for lock in taken] == ["agent-b"]
    assert "could not grant locks to waiting agent-b" in caplog.text


async def test_the_lock_history_recorder_survives_a_failed_write(
    db: LockedOnce, caplog: pytest.LogCaptureFixture
) -> None:
    bus = EventBus()
    audit = LockAudit(db, bus, reports=cast(Any, None))  # reports: only for audits, not here
    audit.start()
    caplog.set_level(logging.ERROR)
    db.fail_write = 1
    stamp = datetime.now(UTC)
    for lock_id in ("lock_lost", "lock_kept"):
        lock = Lock(
            id=lock_id,
            path=X,
            agent_id="agent-a",
            job_id=None,
            reason="",
            acquired_at=stamp,
            expires_at=stamp,
        )
        bus.publish(LockAcquired(data=lock))
    bus.publish(LockReleased(data=ReleasedLock(id="lock_kept", path=X, agent_id="agent-a")))

    def recorded() -> dict[str, Any]:
        with db.read() as conn:
            rows = conn.execute(select(lock_history)).mappings().all()
        return {row["lock_id"]: row["released_at"] for row in rows}

    for _ in range(20):  # the recorder's task takes the events in turn: a few loop turns
        await asyncio.sleep(0)
    await audit.close()
    assert db.failed == 1
    assert list(recorded()) == ["lock_kept"], "the failed record is skipped, the next is kept"
    assert recorded()["lock_kept"] is not None, "and its release too"
    assert "lock history: could not record" in caplog.text and "lock_lost" in caplog.text
