"""The in-process event bus: state changes are written to the database first, then published here
for WebSocket clients and for anything waiting on them (dispatcher, watchers, waiters).

What is published is a typed message: a `Message` subclass per event type, with its `type`
literal and a pydantic `data` model. Every one of them is a member of the `ServerMessage` union
(podium/api/messages.py), which the OpenAPI document exports, so the page's socket types are
generated like its REST types."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Message(BaseModel):
    """One envelope, sent to clients as `{"type": ..., "data": ..., "ts": ...}`. Subclasses
    narrow `type` to a literal and add `data`."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        serialize_by_alias=True,
        # `type` and `ts` have defaults here but are always on the wire: the generated client
        # must see them as required, or it cannot narrow the union on `type`.
        json_schema_serialization_defaults_required=True,
    )

    type: str
    ts: float = Field(default_factory=time.time)

    def wire(self) -> str:
        """The message as JSON text, as clients receive it."""
        return self.model_dump_json(by_alias=True)


class IdRef(BaseModel):
    """The data of a `*.deleted`/`*.expired` message: which item it was."""

    model_config = ConfigDict(extra="forbid")

    id: str


@dataclass(frozen=True, slots=True)
class Event:
    """A published message and its JSON text, encoded once however many clients receive it."""

    message: Message
    wire: str

    @property
    def type(self) -> str:
        return self.message.type


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
        # The last message published under each retain key (see `publish`).
        self._retained: dict[str, Message] = {}

    def subscribe(
        self, accept: Callable[[Event], bool] = lambda _e: True, maxsize: int = 10_000
    ) -> Subscription:
        sub = Subscription(self, accept, maxsize)
        self._subscriptions.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscriptions.discard(sub)

    def publish(self, message: Message, *, retain: str | None = None) -> None:
        """Hand MESSAGE to every subscriber. It is serialised here, once, so a model the caller
        changes later cannot change what was sent. With RETAIN, the bus also keeps it as the
        latest under that key, for a publisher whose next message builds on it (`retained`)."""
        if retain is not None:
            self._retained[retain] = message
        if not self._subscriptions:
            return
        event = Event(message, message.wire())
        for sub in tuple(self._subscriptions):
            sub.offer(event)

    def retained(self, key: str) -> Message | None:
        return self._retained.get(key)

    def release(self, key: str) -> None:
        self._retained.pop(key, None)

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
