"""Long REST waits end when their client goes away, rather than finishing for nobody."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

from starlette.requests import Request

from podium.errors import PodiumError

T = TypeVar("T")


class ClientGone(PodiumError):
    """Never seen by the client (it left); names the outcome in logs and tests."""

    status_code = 499
    code = "client_closed"


async def unless_disconnected(request: Request, work: Coroutine[Any, Any, T]) -> T:
    """Run `work`; if the client disconnects first, cancel it (so a lock wait gives up its
    place, and a grant racing the cancellation is handed back) and raise ClientGone.

    The request body has been read by then, so the next ASGI message can only be the
    disconnect: waiting for it costs nothing and needs no polling."""
    job = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (job, gone):
            if not task.done():
                task.cancel()
        if not job.done():
            with contextlib.suppress(asyncio.CancelledError):
                await job
    if job.cancelled():
        raise ClientGone("the client disconnected before the request was answered")
    return job.result()


async def _disconnect(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
