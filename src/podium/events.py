"""The in-process event bus: state changes are written to the database first, then published here
for WebSocket clients and for anything waiting on them (dispatcher, watchers, waiters)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson


@dataclass(frozen=True)
class Event:
    """One envelope, sent to clients as `{"type": ..., "data": ..., "ts": ...}`."""

    type: str
    data: dict[str, Any]
    ts: float = field(default_factory=time.time)

    def envelope(self) -> dict[str, Any]:
        return {"type": self.type, "data": self.data, "ts": self.ts}

    @cached_property
    def wire(self) -> str:
        """The envelope as JSON text, encoded once however many clients receive it."""
        return orjson.dumps(self.envelope()).decode()


class Subscription:
    """A bounded queue of events for one consumer. A consumer that falls too far behind is
    marked overflowed and should resynchronise from a snapshot instead of reading stale events."""

    def __init__(self, bus: EventBus, accept: Callable[[Event], bool], maxsize: int) -> None:
        self._bus = bus
        self._accept = accept
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
        self.overflowed = False

    def offer(self, event: Event) -> None:
        if self.overflowed or not self._accept(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    async def get(self) -> Event:
        return await self.queue.get()

    def close(self) -> None:
        self._bus.unsubscribe(self)


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()

    def subscribe(
        self, accept: Callable[[Event], bool] = lambda _e: True, maxsize: int = 10_000
    ) -> Subscription:
        sub = Subscription(self, accept, maxsize)
        self._subscriptions.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscriptions.discard(sub)

    def publish(self, type_: str, data: dict[str, Any]) -> None:
        event = Event(type_, data)
        for sub in tuple(self._subscriptions):
            sub.offer(event)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)


async def wait_for(
    bus: EventBus,
    *,
    types: frozenset[str],
    check: Callable[[], Any],
    timeout: float,  # noqa: ASYNC109 - returning the last value on timeout is the contract
) -> Any:
    """Return `check()` as soon as it is truthy, re-checking only when an event of `types` is
    published: the waiter sleeps on the bus, not on a timer. Returns the last falsy value on
    timeout. Subscribing before the first check means no event can slip between the two."""
    subscription = bus.subscribe(lambda event: event.type in types, maxsize=1000)
    try:
        result = check()
        if result:
            return result
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return result
            try:
                await asyncio.wait_for(subscription.get(), remaining)
            except TimeoutError:
                return check()
            # Drain whatever else arrived, then look once.
            while not subscription.queue.empty():
                subscription.queue.get_nowait()
            subscription.overflowed = False
            result = check()
            if result:
                return result
    finally:
        subscription.close()
