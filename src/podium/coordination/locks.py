"""File locks between agents: all-or-nothing, with a TTL, deadlock refusal and event-driven waits.

State lives in memory (one asyncio loop, no threads) and is mirrored to the `locks` table, so held
locks survive a server restart just as the agents holding them do. Every change is written to the
database first, then applied in memory, then published on the bus, then waiters are served.
A change that cannot be written for a waiter or an expiry is retried after RETRY_SEC."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import delete, insert, select, update

from podium.coordination.waitgraph import DeadlockError, Graph, describe, find_cycle
from podium.db.engine import Database
from podium.db.tables import locks
from podium.errors import Conflict, InvalidInput, NotFound, PodiumError
from podium.events import EventBus, Message
from podium.ids import new_id
from podium.schemas import ApiModel

log = logging.getLogger(__name__)

# A timer set exactly at an expiry may fire a hair early by the wall clock; this avoids re-arming.
_TIMER_SLACK = 0.001
RETRY_SEC = 1.0


def normalise_path(path: str, base: Path) -> str:
    """One spelling per file, so two agents naming it differently still contend for one lock."""
    if not path or not path.strip():
        raise InvalidInput("path must not be empty", field="path")
    try:
        return os.path.realpath(os.path.join(base, path))
    except ValueError as exc:  # e.g. an embedded NUL byte
        raise InvalidInput(f"invalid path {path!r}: {exc}", field="path") from exc


class Lock(ApiModel):
    id: str
    path: str
    agent_id: str
    job_id: str | None
    reason: str
    acquired_at: datetime
    expires_at: datetime


class ReleasedLock(ApiModel):
    id: str
    path: str
    agent_id: str


class LockAcquired(Message):
    type: Literal["lock.acquired"] = "lock.acquired"
    data: Lock


class LockReleased(Message):
    type: Literal["lock.released"] = "lock.released"
    data: ReleasedLock


class LockTimeout(PodiumError):
    status_code = 408
    code = "lock_timeout"


@dataclass(slots=True)
class _Held:
    id: str
    path: str
    agent_id: str
    job_id: str | None
    reason: str
    acquired_at: float
    expires_at: float

    def model(self) -> Lock:
        stamps = {"acquired_at": self.acquired_at, "expires_at": self.expires_at}
        dates = {k: datetime.fromtimestamp(v, tz=UTC) for k, v in stamps.items()}
        return Lock(**{**asdict(self), **dates})


@dataclass(eq=False, slots=True)
class _Waiter:
    agent_id: str
    job_id: str | None
    paths: list[str]
    reason: str
    future: asyncio.Future[list[Lock]]
    fresh: list[str] = field(default_factory=list)  # ids of the locks newly taken when granted


class LockManager:
    """The one authority on file locks. Waiters are granted in arrival order by whoever frees a
    path (release, expiry timer), so a wake-up cannot be missed and no waiter needs to poll."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        ttl_sec: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._bus = bus
        self._ttl = ttl_sec
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._waiters: list[_Waiter] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None
        self._retry: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def load(self) -> None:
        """Adopt the locks persisted before a restart; expired ones are deleted, not adopted."""
        with self._db.read() as conn:
            rows = conn.execute(select(locks)).mappings().all()
        names = [f.name for f in fields(_Held)]
        self._held = {row["path"]: _Held(**{n: row[n] for n in names}) for row in rows}
        self._drop([h for h in self._held.values() if h.expires_at <= self._clock()])

    def holder(self, path: str) -> Lock | None:
        held = self._live(path)
        return held.model() if held else None

    def waiting(self) -> list[tuple[str, list[str]]]:
        """(agent id, paths) of every pending acquire, oldest first: for status views."""
        return [(w.agent_id, list(w.paths)) for w in self._waiters]

    async def acquire(
        self,
        agent_id: str,
        job_id: str | None,
        paths: list[str],
        reason: str,
        timeout_sec: float,
    ) -> list[Lock]:
        """Take all of `paths` or none, waiting up to `timeout_sec` for them to come free."""
        wanted = _unique(paths)
        if not wanted:
            raise InvalidInput("no paths to lock", field="paths")
        self.sweep()
        if not self._blockers(agent_id, wanted):
            taken, _ = self._take(agent_id, job_id, wanted, reason)
            self._dispatch()
            return taken
        if timeout_sec <= 0:
            raise self._timeout_error(agent_id, wanted)
        cycle = find_cycle(agent_id, self._edges(agent_id, wanted), self._graph())
        if cycle:
            raise DeadlockError(describe(cycle))
        loop = asyncio.get_running_loop()
        self._loop = loop
        waiter = _Waiter(agent_id, job_id, wanted, reason, loop.create_future())
        self._waiters.append(waiter)
        self._arm_timer()
        try:
            await asyncio.wait({waiter.future}, timeout=timeout_sec)
        except asyncio.CancelledError:
            self._abandon(waiter)
            raise
        if not waiter.future.done():
            self.sweep()  # a last look, in case an expiry is due right now
        if waiter.future.done():
            return waiter.future.result()
        self._remove(waiter)
        raise self._timeout_error(agent_id, wanted)

    def try_acquire(self, agent_id: str, job_id: str | None, path: str, reason: str) -> Lock | None:
        """For the write hook: never waits. Holding the lock already refreshes it, so an agent
        that keeps editing a file keeps it."""
        self.sweep()
        if self._blockers(agent_id, [path]):
            return None
        taken, _ = self._take(agent_id, job_id, [path], reason)
        self._dispatch()
        return taken[0]

    def release(self, agent_id: str, paths: list[str]) -> list[str]:
        """Release the caller's own locks among `paths`; other agents' locks are left alone."""
        mine = [self._held[p] for p in _unique(paths) if self._owned(p, agent_id)]
        self._drop(mine)
        self.sweep()
        return [h.path for h in mine]

    def release_agent(self, agent_id: str) -> int:
        """Everything an agent holds, for when its process ends; its pending waits fail too, so a
        dead agent is never granted locks it would never release."""
        for waiter in [w for w in self._waiters if w.agent_id == agent_id]:
            self._remove(waiter)
            waiter.future.set_exception(Conflict(f"agent {agent_id} ended while waiting"))
        mine = [h for h in self._held.values() if h.agent_id == agent_id]
        self._drop(mine)
        self.sweep()
        return len(mine)

    def release_by_id(self, lock_id: str) -> Lock:
        """Release any agent's lock by id: the admin's way out of a stuck lock."""
        self.sweep()
        held = next((h for h in self._held.values() if h.id == lock_id), None)
        if held is None:
            raise NotFound(f"lock {lock_id!r} not found")
        self._drop([held])
        self.sweep()
        return held.model()

    def sweep(self) -> None:
        """Drop expired locks and serve the waiters they blocked. Runs lazily on every change and
        from the expiry timer; call it directly only to apply an injected clock's jump."""
        self._drop([h for h in self._held.values() if self._expired(h)])
        self._dispatch()

    def _expired(self, held: _Held) -> bool:
        return held.expires_at <= self._clock()

    def _live(self, path: str) -> _Held | None:
        held = self._held.get(path)
        return held if held is not None and not self._expired(held) else None

    def _owned(self, path: str, agent_id: str) -> bool:
        held = self._held.get(path)
        return held is not None and held.agent_id == agent_id

    def _blockers(self, agent_id: str, paths: Iterable[str]) -> dict[str, _Held]:
        """Paths held (unexpired) by other agents: an agent never waits on itself."""
        found = {p: h for p in paths if (h := self._live(p)) is not None}
        return {p: h for p, h in found.items() if h.agent_id != agent_id}

    def _edges(self, agent_id: str, paths: Iterable[str]) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {}
        for path, held in self._blockers(agent_id, paths).items():
            edges.setdefault(held.agent_id, set()).add(path)
        return edges

    def _graph(self) -> Graph:
        """Who waits for whom. A waiter's own agent may be in it: a route to that agent ends
        there, so its out-edges never matter to the cycle that agent would close."""
        graph: Graph = {}
        for waiter in self._waiters:
            out = graph.setdefault(waiter.agent_id, {})
            for holder, paths in self._edges(waiter.agent_id, waiter.paths).items():
                out.setdefault(holder, set()).update(paths)
        return graph

    def _take(
        self, agent_id: str, job_id: str | None, paths: list[str], reason: str
    ) -> tuple[list[Lock], list[str]]:
        """Take or refresh every path in one transaction; the caller has checked they are free."""
        now = self._clock()
        expires = now + self._ttl
        replaced = [h for p in paths if (h := self._held.get(p)) and h.agent_id != agent_id]
        refreshed: list[_Held] = []
        fresh: list[_Held] = []
        for path in paths:
            old = self._held.get(path)
            if old is not None and old.agent_id == agent_id:
                job, why = job_id or old.job_id, reason or old.reason
                refreshed.append(replace(old, job_id=job, reason=why, expires_at=expires))
            else:
                fresh.append(_Held(new_id("lock"), path, agent_id, job_id, reason, now, expires))
        with self._db.write() as conn:
            if replaced:
                conn.execute(delete(locks).where(locks.c.id.in_([h.id for h in replaced])))
            if fresh:
                conn.execute(insert(locks), [asdict(h) for h in fresh])
            for h in refreshed:
                values = {"job_id": h.job_id, "reason": h.reason, "expires_at": expires}
                conn.execute(update(locks).where(locks.c.id == h.id).values(**values))
        for old in replaced:
            self._publish_released(old)
        for h in [*refreshed, *fresh]:
            self._held[h.path] = h
        taken = [self._held[p].model() for p in paths]
        for lock in taken:
            self._bus.publish(LockAcquired(data=lock))
        return taken, [h.id for h in fresh]

    def _drop(self, gone: list[_Held]) -> None:
        if not gone:
            return
        with self._db.write() as conn:
            conn.execute(delete(locks).where(locks.c.id.in_([h.id for h in gone])))
        for held in gone:
            if self._held.get(held.path) is held:
                del self._held[held.path]
            self._publish_released(held)

    def _publish_released(self, held: _Held) -> None:
        self._bus.publish(
            LockReleased(data=ReleasedLock(id=held.id, path=held.path, agent_id=held.agent_id))
        )

    def _dispatch(self) -> None:
        """Grant every waiter whose paths are all free, oldest first (granting only adds holders,
        so one pass suffices), then refuse the newest waiter of any cycle that a change of holder
        closed: the request-time check cannot see holders that did not exist yet."""
        for waiter in list(self._waiters):
            if not self._blockers(waiter.agent_id, waiter.paths):
                try:
                    taken, waiter.fresh = self._take(
                        waiter.agent_id, waiter.job_id, waiter.paths, waiter.reason
                    )
                except Exception:  # the caller's change is written; this waiter is served later
                    log.exception("could not grant locks to waiting %s", waiter.agent_id)
                    self._retry_later()
                    break
                self._remove(waiter)
                waiter.future.set_result(taken)
        refused = True
        while refused:
            refused = False
            graph = self._graph()  # once per pass, not per waiter: dispatch runs on every change
            for waiter in reversed(self._waiters):
                edges = self._edges(waiter.agent_id, waiter.paths)
                cycle = find_cycle(waiter.agent_id, edges, graph)
                if cycle:
                    self._remove(waiter)
                    waiter.future.set_exception(DeadlockError(describe(cycle)))
                    refused = True
                    break
        self._arm_timer()

    def _remove(self, waiter: _Waiter) -> None:
        if waiter in self._waiters:
            self._waiters.remove(waiter)
            self._arm_timer()

    def _abandon(self, waiter: _Waiter) -> None:
        """The awaiting task was cancelled: leave the graph, and if the grant raced the
        cancellation, hand back what was newly taken (a refreshed lock stays held)."""
        self._remove(waiter)
        future = waiter.future
        if not future.done():
            future.cancel()
        elif future.exception() is None:
            self._drop([h for h in self._held.values() if h.id in waiter.fresh])
            self.sweep()

    def _arm_timer(self) -> None:
        """Keep one timer at the earliest expiry among locks some waiter is blocked by."""
        due = min(
            (
                h.expires_at
                for w in self._waiters
                for h in self._blockers(w.agent_id, w.paths).values()
            ),
            default=None,
        )
        if due == self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = None, due
        if due is not None and self._loop is not None:
            delay = max(0.0, due - self._clock()) + _TIMER_SLACK
            self._timer = self._loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer, self._timer_at = None, None
        self._sweep_or_retry()

    def _sweep_or_retry(self) -> None:
        """A failure (a locked database) is logged and retried: waiters must not wait for ever."""
        self._retry = None
        try:
            self.sweep()
        except Exception:
            log.exception("lock expiry failed")
            self._retry_later()

    def _retry_later(self) -> None:
        if self._loop is not None and self._retry is None:
            self._retry = self._loop.call_later(RETRY_SEC, self._sweep_or_retry)

    def _timeout_error(self, agent_id: str, paths: list[str]) -> LockTimeout:
        blockers = self._blockers(agent_id, paths)
        listed = ", ".join(f"{p} (held by agent {h.agent_id})" for p, h in blockers.items())
        return LockTimeout(f"timed out waiting for locks: {listed or 'all released too late'}")

    # Last in the class: a method named `list` would shadow the builtin in annotations below it.
    def list(self) -> list[Lock]:
        live = (h for h in self._held.values() if not self._expired(h))
        return [h.model() for h in sorted(live, key=lambda h: h.path)]


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))
