"""The file-lock manager against a real (migrated) SQLite database and a real event bus."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from podium.coordination.locks import (
    DeadlockError,
    Lock,
    LockManager,
    LockTimeout,
    normalise_path,
)
from podium.db.engine import Database
from podium.db.tables import locks
from podium.errors import Conflict, InvalidInput, NotFound
from podium.events import EventBus, Subscription

TTL = 100.0
X, Y, Z, W = "/repo/x.py", "/repo/y.py", "/repo/z.py", "/repo/w.py"


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def _make_db(path: Path) -> Database:
    db = Database(path)
    db.migrate()
    return db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = _make_db(tmp_path / "podium.db")
    yield database
    database.dispose()


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mgr(db: Database, bus: EventBus, clock: FakeClock) -> LockManager:
    manager = LockManager(db, bus, ttl_sec=TTL, clock=clock)
    manager.load()
    return manager


def db_rows(db: Database) -> dict[str, tuple[str, str, float]]:
    with db.read() as conn:
        rows = conn.execute(select(locks)).mappings().all()
    return {r["path"]: (r["id"], r["agent_id"], round(r["expires_at"], 3)) for r in rows}


def mem_rows(mgr: LockManager) -> dict[str, tuple[str, str, float]]:
    return {
        lock.path: (lock.id, lock.agent_id, round(lock.expires_at.timestamp(), 3))
        for lock in mgr.list()
    }


def drain(sub: Subscription) -> list[tuple[str, dict[str, Any]]]:
    events = []
    while not sub.queue.empty():
        event = sub.queue.get_nowait()
        events.append((event.type, json.loads(event.wire)["data"]))
    return events


async def settle(rounds: int = 8) -> None:
    """Let woken tasks run; a handful of loop turns, never a timed sleep."""
    for _ in range(rounds):
        await asyncio.sleep(0)


def start(mgr: LockManager, agent: str, paths: list[str], timeout: float = 30) -> asyncio.Task[Any]:
    return asyncio.create_task(mgr.acquire(agent, None, paths, "test", timeout))


# -- basics ----------------------------------------------------------------------------------


async def test_acquire_release_persist_and_publish(
    mgr: LockManager, db: Database, bus: EventBus, clock: FakeClock
) -> None:
    sub = bus.subscribe()
    taken = await mgr.acquire("agent-a", "job-1", [Y, X, X], "refactor", timeout_sec=1)
    assert [lock.path for lock in taken] == [Y, X]
    assert all(lock.agent_id == "agent-a" and lock.job_id == "job-1" for lock in taken)
    assert taken[0].expires_at.timestamp() == pytest.approx(clock() + TTL)
    assert [lock.path for lock in mgr.list()] == [X, Y]
    assert db_rows(db) == mem_rows(mgr)
    events = drain(sub)
    assert [t for t, _ in events] == ["lock.acquired", "lock.acquired"]
    assert {"id", "path", "agentId", "jobId", "reason", "acquiredAt", "expiresAt"} == set(
        events[0][1]
    )

    assert mgr.release("agent-b", [X]) == []  # not b's lock
    assert mgr.release("agent-a", [X, Z]) == [X]
    assert drain(sub) == [("lock.released", {"id": taken[1].id, "path": X, "agentId": "agent-a"})]
    assert db_rows(db) == mem_rows(mgr)
    assert list(mem_rows(mgr)) == [Y]
    assert mgr.holder(X) is None
    holder = mgr.holder(Y)
    assert holder is not None and holder.agent_id == "agent-a"


async def test_empty_request_is_invalid(mgr: LockManager) -> None:
    with pytest.raises(InvalidInput):
        await mgr.acquire("agent-a", None, [], "", 1)


async def test_all_or_nothing(mgr: LockManager, db: Database) -> None:
    await mgr.acquire("agent-b", None, [Y], "", 1)
    with pytest.raises(LockTimeout):
        await mgr.acquire("agent-a", None, [X, Y], "", timeout_sec=0.02)
    assert mgr.holder(X) is None  # nothing taken partially

    waiting = start(mgr, "agent-a", [X, Y])
    await settle()
    assert not waiting.done() and mgr.holder(X) is None  # waiting holds nothing
    assert mgr.try_acquire("agent-c", None, X, "hook") is not None
    mgr.release("agent-b", [Y])
    await settle()
    assert not waiting.done()  # Y is free now, but X is not: still nothing taken
    assert mgr.holder(Y) is None
    mgr.release("agent-c", [X])
    taken = await asyncio.wait_for(waiting, 1)
    assert {lock.path for lock in taken} == {X, Y}
    assert db_rows(db) == mem_rows(mgr)


async def test_waiter_is_woken_by_release_without_polling(mgr: LockManager) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    waiting = start(mgr, "agent-b", [X])
    await settle()
    assert not waiting.done()
    assert mgr.waiting() == [("agent-b", [X])]
    released_at = time.monotonic()
    mgr.release("agent-a", [X])
    await settle(5)  # a few loop turns suffice: the grant happened inside release()
    assert waiting.done()
    assert time.monotonic() - released_at < 0.05
    assert [lock.agent_id for lock in waiting.result()] == ["agent-b"]
    assert mgr.waiting() == []


async def test_timeout_names_the_holder(mgr: LockManager) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    with pytest.raises(LockTimeout) as caught:
        await mgr.acquire("agent-b", None, [X, Y], "", timeout_sec=0.05)
    err = caught.value
    assert (err.status_code, err.code) == (408, "lock_timeout")
    assert "agent-a" in err.message and X in err.message and Y not in err.message
    assert mgr.waiting() == []
    with pytest.raises(LockTimeout):  # no timeout: refuse at once, without waiting
        await mgr.acquire("agent-b", None, [X], "", timeout_sec=0)


# -- deadlocks -------------------------------------------------------------------------------


async def test_opposite_order_deadlock(mgr: LockManager) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    await mgr.acquire("agent-b", None, [Y], "", 1)
    a_waits = start(mgr, "agent-a", [Y])
    await settle()
    with pytest.raises(DeadlockError) as caught:
        await mgr.acquire("agent-b", None, [X], "", timeout_sec=5)
    err = caught.value
    assert (err.status_code, err.code) == (409, "deadlock")
    assert "deadlock" in err.message and "agent-a" in err.message and X in err.message
    assert not a_waits.done()  # the other waiter keeps waiting
    mgr.release("agent-b", [Y])
    assert [lock.path for lock in await asyncio.wait_for(a_waits, 1)] == [Y]


async def test_three_cycle(mgr: LockManager) -> None:
    for agent, path in (("agent-a", X), ("agent-b", Y), ("agent-c", Z)):
        await mgr.acquire(agent, None, [path], "", 1)
    a_waits = start(mgr, "agent-a", [Y])
    b_waits = start(mgr, "agent-b", [Z])
    await settle()
    with pytest.raises(DeadlockError) as caught:
        await mgr.acquire("agent-c", None, [X, W], "", timeout_sec=5)
    message = caught.value.message
    assert "deadlock" in message
    assert all(name in message for name in ("agent-a", "agent-b", "agent-c", X, Y, Z))
    assert mgr.holder(W) is None
    assert not a_waits.done() and not b_waits.done()
    mgr.release_agent("agent-c")
    assert [lock.path for lock in await asyncio.wait_for(b_waits, 1)] == [Z]
    mgr.release("agent-b", [Y, Z])
    assert [lock.path for lock in await asyncio.wait_for(a_waits, 1)] == [Y]


async def test_own_locks_never_block(mgr: LockManager) -> None:
    first = await mgr.acquire("agent-a", None, [X], "", 1)
    again = await mgr.acquire("agent-a", None, [X, Y], "", timeout_sec=0)
    assert again[0].id == first[0].id


async def test_cycle_closed_by_a_grant_is_refused(mgr: LockManager) -> None:
    """Concurrent waits of one agent: handing P to agent-a makes b wait on a while a waits on b."""
    p, q, r = X, Y, Z
    await mgr.acquire("agent-b", None, [q], "", 1)
    await mgr.acquire("agent-c", None, [p, r], "", 1)
    a_waits_q = start(mgr, "agent-a", [q])
    b_waits_pr = start(mgr, "agent-b", [p, r])
    a_waits_p = start(mgr, "agent-a", [p])
    await settle()
    mgr.release("agent-c", [p])  # a gets p; now b waits on a (p) while a waits on b (q)
    await settle()
    assert [lock.path for lock in a_waits_p.result()] == [p]
    with pytest.raises(DeadlockError):
        b_waits_pr.result()  # the newest waiter in the cycle is refused
    assert not a_waits_q.done()
    mgr.release("agent-b", [q])
    assert [lock.path for lock in await asyncio.wait_for(a_waits_q, 1)] == [q]


# -- expiry ----------------------------------------------------------------------------------


async def test_ttl_refresh_and_expiry(mgr: LockManager, clock: FakeClock, db: Database) -> None:
    first = (await mgr.acquire("agent-a", None, [X], "", 1))[0]
    clock.advance(TTL / 2)
    again = (await mgr.acquire("agent-a", None, [X], "", 1))[0]
    assert again.id == first.id and again.expires_at > first.expires_at
    assert db_rows(db) == mem_rows(mgr)  # the refresh is persisted too
    clock.advance(TTL * 0.75)
    assert mgr.holder(X) is not None  # refreshed, so still held
    clock.advance(TTL / 2)
    assert mgr.holder(X) is None and mgr.list() == []
    taken = mgr.try_acquire("agent-b", None, X, "hook")  # an expired lock counts as free
    assert taken is not None and taken.agent_id == "agent-b"
    assert db_rows(db) == mem_rows(mgr)
    assert mem_rows(mgr)[X][:2] == (taken.id, "agent-b")


async def test_waiter_woken_by_expiry_with_fake_clock(mgr: LockManager, clock: FakeClock) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    waiting = start(mgr, "agent-b", [X])
    await settle()
    clock.advance(TTL + 1)
    mgr.sweep()
    await settle()
    assert [lock.agent_id for lock in waiting.result()] == ["agent-b"]


async def test_expiry_timer_wakes_waiter(db: Database, bus: EventBus) -> None:
    mgr = LockManager(db, bus, ttl_sec=0.15)
    await mgr.acquire("agent-a", None, [X], "", 1)
    began = time.monotonic()
    taken = await mgr.acquire("agent-b", None, [X], "", timeout_sec=5)
    assert taken[0].agent_id == "agent-b"
    assert 0.05 < time.monotonic() - began < 1.0


# -- releasing, restart, hook ----------------------------------------------------------------


async def test_release_agent(mgr: LockManager, db: Database) -> None:
    await mgr.acquire("agent-a", None, [X, Y], "", 1)
    await mgr.acquire("agent-b", None, [Z], "", 1)
    a_waits = start(mgr, "agent-a", [Z])
    c_waits = start(mgr, "agent-c", [X])
    await settle()
    assert mgr.release_agent("agent-a") == 2
    await settle()
    with pytest.raises(Conflict):  # a dead agent is never granted more locks
        a_waits.result()
    assert [lock.agent_id for lock in c_waits.result()] == ["agent-c"]
    assert mgr.waiting() == []
    assert sorted(mem_rows(mgr)) == [X, Z]
    assert db_rows(db) == mem_rows(mgr)
    assert mgr.release_agent("agent-nobody") == 0


async def test_release_by_id(mgr: LockManager) -> None:
    lock = (await mgr.acquire("agent-a", None, [X], "", 1))[0]
    assert mgr.release_by_id(lock.id).path == X
    assert mgr.list() == []
    with pytest.raises(NotFound):
        mgr.release_by_id(lock.id)


async def test_load_after_restart(db: Database, clock: FakeClock) -> None:
    first = LockManager(db, EventBus(), ttl_sec=TTL, clock=clock)
    first.load()
    await first.acquire("agent-a", "job-a", [X], "old", 1)
    clock.advance(TTL / 2)
    kept = await first.acquire("agent-b", "job-b", [Y], "new", 1)
    clock.advance(TTL * 0.6)  # X has expired, Y has not

    second = LockManager(db, EventBus(), ttl_sec=TTL, clock=clock)
    second.load()
    assert second.list() == kept
    assert db_rows(db) == mem_rows(second)
    assert second.try_acquire("agent-a", None, Y, "") is None
    assert isinstance(second.try_acquire("agent-a", None, X, ""), Lock)


async def test_try_acquire(mgr: LockManager, clock: FakeClock) -> None:
    lock = mgr.try_acquire("agent-a", "job", X, "edit")
    assert lock is not None and lock.agent_id == "agent-a"
    clock.advance(10)
    again = mgr.try_acquire("agent-a", "job", X, "edit")
    assert again is not None and again.id == lock.id and again.expires_at > lock.expires_at
    assert mgr.try_acquire("agent-b", None, X, "edit") is None
    assert mgr.waiting() == []
    clock.advance(TTL + 1)
    taken = mgr.try_acquire("agent-b", None, X, "edit")
    assert taken is not None and taken.agent_id == "agent-b"


# -- cancellation ----------------------------------------------------------------------------


async def test_cancelled_waiter_leaves_cleanly(mgr: LockManager) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    waiting = start(mgr, "agent-b", [X])
    await settle()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert mgr.waiting() == []
    mgr.release("agent-a", [X])
    assert mgr.list() == []
    # and its edges are gone: a now waiting on b's path cannot be a deadlock
    await mgr.acquire("agent-b", None, [Y], "", 1)
    assert mgr.try_acquire("agent-a", None, X, "") is not None


async def test_cancellation_racing_a_grant_hands_back_new_locks(mgr: LockManager) -> None:
    await mgr.acquire("agent-a", None, [X], "", 1)
    await mgr.acquire("agent-b", None, [Y], "", 1)
    waiting = start(mgr, "agent-b", [X, Y])
    await settle()
    mgr.release("agent-a", [X])  # granted synchronously...
    waiting.cancel()  # ...but the client is gone before the task resumes
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert mgr.holder(X) is None  # the newly taken lock is handed back
    holder = mgr.holder(Y)
    assert holder is not None and holder.agent_id == "agent-b"  # the one it had stays


# -- paths -----------------------------------------------------------------------------------


def test_normalise_path(tmp_path: Path) -> None:
    root = Path(os.path.realpath(tmp_path))
    work = root / "work"
    (work / "src").mkdir(parents=True)
    (root / "real").mkdir()
    (work / "link").symlink_to(root / "real")
    assert normalise_path("src/new_file.py", work) == str(work / "src" / "new_file.py")
    assert normalise_path("./src/../src/a.py", work) == str(work / "src" / "a.py")
    assert normalise_path("../other.py", work) == str(root / "other.py")
    assert normalise_path("link/f.py", work) == str(root / "real" / "f.py")
    assert normalise_path(str(work / "link" / "f.py"), Path("/elsewhere")) == str(
        root / "real" / "f.py"
    )
    for blank in ("", "   "):
        with pytest.raises(InvalidInput):
            normalise_path(blank, work)


# -- properties ------------------------------------------------------------------------------

AGENTS = ["a", "b", "c"]
PATHS = ["/r/p0", "/r/p1", "/r/p2", "/r/p3"]
Op = tuple[str, str, list[str], int]

# Acquires dominate so that contention, waits and cycles are common, not rare.
KINDS = ["acquire"] * 6 + ["release", "release", "release_agent", "try", "cancel", "race", "tick"]
PATHS_PER_KIND = {"acquire": 2, "release": 4, "try": 1, "race": 4}


@st.composite
def an_op(draw: st.DrawFn) -> Op:
    kind = draw(st.sampled_from(KINDS))
    size = PATHS_PER_KIND.get(kind, 0)
    paths = st.lists(st.sampled_from(PATHS), min_size=min(size, 1), max_size=size, unique=True)
    return kind, draw(st.sampled_from(AGENTS)), draw(paths), draw(st.integers(0, 10))


ops_strategy = st.lists(an_op(), min_size=10, max_size=40)


@dataclass
class Pending:
    task: asyncio.Task[Any]
    agent: str
    paths: list[str]


def wait_edges(
    holders: dict[str, str], waiters: list[tuple[str, list[str]]]
) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for agent, paths in waiters:
        for path in paths:
            holder = holders.get(path)
            if holder is not None and holder != agent:
                edges.setdefault(agent, set()).add(holder)
    return edges


def has_cycle(edges: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str) -> bool:
        if state.get(node) == 1:
            return True
        if state.get(node) == 2:
            return False
        state[node] = 1
        found = any(visit(nxt) for nxt in edges.get(node, ()))
        state[node] = 2
        return found

    return any(visit(node) for node in list(edges))


def check_invariants(mgr: LockManager, db: Database, live: list[Pending]) -> None:
    # One holder per path, and the database mirrors memory exactly.
    assert db_rows(db) == mem_rows(mgr)
    holders = {lock.path: lock.agent_id for lock in mgr.list()}
    # The manager's waiters are exactly the pending tasks.
    assert sorted(mgr.waiting()) == sorted((p.agent, p.paths) for p in live)
    # No missed wake-up: every waiter is blocked by another agent's lock right now.
    for pending in live:
        assert any(holders.get(path) not in (None, pending.agent) for path in pending.paths)
    # No undetected deadlock among the waiters.
    assert not has_cycle(wait_edges(holders, [(p.agent, p.paths) for p in live]))


def check_finished(pending: Pending) -> None:
    if pending.task.cancelled():
        return
    error = pending.task.exception()
    if error is None:
        taken = pending.task.result()
        assert [lock.path for lock in taken] == pending.paths
        assert {lock.agent_id for lock in taken} == {pending.agent}
    else:
        assert isinstance(error, DeadlockError | Conflict), error


async def run_scenario(db: Database, ops: list[Op]) -> None:
    clock = FakeClock()
    mgr = LockManager(db, EventBus(), ttl_sec=TTL, clock=clock)
    mgr.load()
    every: list[Pending] = []
    for kind, agent, paths, index in ops:
        live = [p for p in every if not p.task.done()]
        if kind == "acquire":
            holders = {lock.path: lock.agent_id for lock in mgr.list()}
            waits = [(p.agent, p.paths) for p in live]
            blocked = any(holders.get(path) not in (None, agent) for path in paths)
            closes = blocked and has_cycle(wait_edges(holders, [*waits, (agent, paths)]))
            pending = Pending(start(mgr, agent, paths, timeout=60), agent, paths)
            every.append(pending)
            await settle()
            refused = pending.task.done() and isinstance(pending.task.exception(), DeadlockError)
            assert refused == closes  # refused exactly when it would close a cycle
            assert pending.task.done() != blocked or refused
        elif kind == "release":
            mgr.release(agent, paths)
        elif kind == "release_agent":
            mgr.release_agent(agent)
        elif kind == "try":
            lock = mgr.try_acquire(agent, None, paths[0], "hook")
            assert lock is None or lock.agent_id == agent
        elif kind == "cancel" and live:
            live[index % len(live)].task.cancel()
        elif kind == "race":  # a release grants a waiter whose client goes away at once
            mgr.release(agent, paths)
            if live:
                live[index % len(live)].task.cancel()
        elif kind == "tick":
            clock.advance(TTL * 0.6)
            mgr.sweep()
        await settle()
        for pending in every:
            if pending.task.done():
                check_finished(pending)
        check_invariants(mgr, db, [p for p in every if not p.task.done()])

    # Release everything, round after round: every pending acquire must complete.
    for _ in range(len(every) + 1):
        if all(p.task.done() for p in every):
            break
        for agent in AGENTS:
            mgr.release(agent, PATHS)
        await settle()
        check_invariants(mgr, db, [p for p in every if not p.task.done()])
    assert all(p.task.done() for p in every)
    for pending in every:
        check_finished(pending)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = _make_db(tmp_path_factory.mktemp("locks") / "podium.db")
    yield database
    database.dispose()


@settings(max_examples=100, deadline=None, database=None)
@given(ops=ops_strategy)
def test_random_schedules_keep_the_invariants(shared_db: Database, ops: list[Op]) -> None:
    with shared_db.write() as conn:
        conn.execute(delete(locks))
    asyncio.run(run_scenario(shared_db, ops))
