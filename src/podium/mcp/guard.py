"""Front door of the MCP port: nothing reaches a tool without a valid agent credential.

- `/mcp/<agentId>` (each agent's own URL) needs that agent's bearer token; the request is then
  passed to the MCP app at `/mcp` with the verified id in `x-podium-agent-id` (any such header
  the client sent is dropped first).
- `/hook/lock` answers the PreToolUse lock hook with the same credential.
- `/hook/state` takes an interactive agent's state hooks (busy/idle/waiting) likewise.
- Browsers have no business here: a request carrying an Origin, or a Host that is not this
  machine, is refused (DNS rebinding)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from podium.agents.credentials import AgentCredentials
from podium.api.security import HostNames, _hostname

AGENT_HEADER = b"x-podium-agent-id"
HookHandler = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


class McpGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        credentials: AgentCredentials,
        bind_host: str,
        hook: HookHandler,
        state_hook: HookHandler | None = None,
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.hosts = HostNames(bind_host)
        self.hook = hook
        self.state_hook = state_hook

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = _hostname(headers.get("host", ""))
        if "origin" in headers or not self.hosts.allows(host):
            await _json(send, 403, {"error": {"code": "forbidden", "message": "not for browsers"}})
            return
        path: str = scope["path"]
        token = headers.get("authorization", "")
        token = token[7:].strip() if token.lower().startswith("bearer ") else ""
        agent_id = self.credentials.agent_for(token)
        if agent_id is None:
            await _json(
                send,
                401,
                {"error": {"code": "unauthorized", "message": "a valid agent token is required"}},
                extra=[(b"www-authenticate", b"Bearer")],
            )
            return
        hooks = {"/hook/lock": self.hook, "/hook/state": self.state_hook}
        handler = hooks.get(path)
        if handler is not None and scope["method"] == "POST":
            body = await _read_body(receive)
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                await _json(send, 422, {"error": {"code": "invalid", "message": "bad JSON"}})
                return
            await _json(send, 200, await handler(agent_id, payload))
            return
        parts = path.strip("/").split("/")
        if parts[0] != "mcp" or len(parts) > 2 or (len(parts) == 2 and parts[1] != agent_id):
            await _json(
                send,
                403 if len(parts) == 2 and parts[0] == "mcp" else 404,
                {"error": {"code": "forbidden", "message": "this URL belongs to another agent"}},
            )
            return
        scope = dict(scope)
        scope["path"] = "/mcp"
        scope["raw_path"] = b"/mcp"
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() != AGENT_HEADER] + [
            (AGENT_HEADER, agent_id.encode())
        ]
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json(
    send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(extra or [])],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
