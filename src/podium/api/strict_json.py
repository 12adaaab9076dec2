"""JSON bodies are parsed as JSON: Python's parser also takes `NaN`, `Infinity` and `-Infinity`,
which no JSON encoder writes and no column or check of Podium can hold (a NaN stop value would
be stored as NULL). A body carrying one is refused with 422 before any route sees it."""

from __future__ import annotations

import json
from typing import NoReturn

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.api.errors import error_body

_NON_FINITE = (b"NaN", b"Infinity")


def _refuse(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def non_finite_literal(body: bytes) -> str | None:
    """The first NaN/Infinity literal outside a string in `body`, or None (also for bodies that
    are not JSON at all: those are the route's to refuse)."""
    if not any(token in body for token in _NON_FINITE):
        return None
    try:
        json.loads(body, parse_constant=_refuse)
    except ValueError as exc:
        message = str(exc)
        return message.split(" ", 1)[0] if message.endswith("is not a JSON number") else None
    except RecursionError:
        return None
    return None


class RejectNonFiniteJson:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        literal = non_finite_literal(body)
        if literal is None:
            replayed: Message = {"type": "http.request", "body": body, "more_body": False}
            await self.app(scope, _replay([replayed], receive), send)
            return
        payload = json.dumps(error_body("invalid", f"{literal} is not allowed in JSON")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _is_json(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
