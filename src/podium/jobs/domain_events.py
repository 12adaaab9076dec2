"""Typed domain events ("a job was created", "a job reached a terminal state", "an agent ended")
and the handlers other packages register for them at wiring time.

Events are emitted after the change they describe is committed. Each handler runs on its own: one
that fails never stops the others; its failure is logged with the traceback and the handler is
tried again a few times; if it still fails, the failure is stored (table `handler_failures`) so
it is never lost silently. Handlers may be plain functions or coroutines."""

from __future__ import annotations

import asyncio
import inspect
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from podium.agents.runs import AgentOutcome
from podium.background import BackgroundTasks
from podium.db.engine import Database
from podium.db.tables import handler_failures
from podium.ids import now
from podium.jobs.failures import FailureKind
from podium.jobs.states import JobStatus

log = logging.getLogger(__name__)

# Tries per handler and event, and the pause before each retry (seconds).
ATTEMPTS = 3
RETRY_DELAYS = (0.5, 2.0)


@dataclass(frozen=True, slots=True)
class JobCreated:
    job_id: str


@dataclass(frozen=True, slots=True)
class JobFinished:
    """A job reached a terminal state. `judged` is true when its own run (or launch) was judged,
    false when a person cancelled it or a dependency failed: only judged jobs get follow-ups."""

    job_id: str
    status: JobStatus
    failure_kind: FailureKind | None
    reason: str | None
    judged: bool = False


@dataclass(frozen=True, slots=True)
class AgentEnded:
    outcome: AgentOutcome


DomainEvent = JobCreated | JobFinished | AgentEnded
E = TypeVar("E", JobCreated, JobFinished, AgentEnded)
Handler = Callable[[E], Awaitable[None] | None]


class DomainEvents:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._handlers: dict[type[Any], list[Callable[[Any], Any]]] = {}
        self._tasks = BackgroundTasks()

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> None:
        """Register at wiring time; handlers run in the order they subscribed."""
        self._handlers.setdefault(event_type, []).append(handler)

    def emit(self, event: DomainEvent) -> None:
        for handler in self._handlers.get(type(event), ()):
            self._run(handler, event, 1)

    async def close(self) -> None:
        await self._tasks.cancel()

    def _run(self, handler: Callable[[Any], Any], event: DomainEvent, attempt: int) -> None:
        try:
            result = handler(event)
        except Exception as exc:
            self._failed(handler, event, attempt, exc)
            return
        if inspect.isawaitable(result):
            self._tasks.start(self._await(result, handler, event, attempt))

    async def _await(
        self,
        result: Awaitable[Any],
        handler: Callable[[Any], Any],
        event: DomainEvent,
        attempt: int,
    ) -> None:
        try:
            await result
        except Exception as exc:
            self._failed(handler, event, attempt, exc)

    def _failed(
        self, handler: Callable[[Any], Any], event: DomainEvent, attempt: int, exc: Exception
    ) -> None:
        name = _name(handler)
        log.error(
            "%s handler %s failed (attempt %d of %d)",
            type(event).__name__,
            name,
            attempt,
            ATTEMPTS,
            exc_info=exc,
        )
        if attempt < ATTEMPTS:
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._run(handler, event, attempt + 1)
                return
            loop.call_later(delay, self._run, handler, event, attempt + 1)
            return
        self._record(name, event, attempt, exc)

    def _record(self, name: str, event: DomainEvent, attempts: int, exc: Exception) -> None:
        job_id, agent_id = _subject(event)
        error = "".join(traceback.format_exception(exc))[-4000:]
        try:
            with self._db.write() as conn:
                conn.execute(
                    handler_failures.insert().values(
                        event=type(event).__name__,
                        handler=name,
                        job_id=job_id,
                        agent_id=agent_id,
                        attempts=attempts,
                        error=error,
                        ts=now(),
                    )
                )
        except Exception:
            log.exception("could not record the failure of %s for %s", name, event)


def _name(handler: Callable[[Any], Any]) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


def _subject(event: DomainEvent) -> tuple[str | None, str | None]:
    if isinstance(event, AgentEnded):
        return event.outcome.job_id, event.outcome.agent_id
    return event.job_id, None
