"""An agent's first turn already has Podium's tools, however slowly the MCP server answers.
Claude Code --print connects MCP servers in the background unless MCP_CONNECTION_NONBLOCKING is
off; a slow handshake (a loaded machine) then sends the first turn without them, and the model's
first tool call fails with "No such tool available"."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.agents.credentials import AgentCredentials
from podium.agents.wiring import AgentWiringFactory
from podium.config import Settings
from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import CLAUDE_BIN
from tests.support.podium_process import agent_env, free_port

HANDSHAKE_DELAY_SEC = 4


def slow_handshake(app: ASGIApp) -> ASGIApp:
    """Holds every `initialize` request a few seconds before the MCP app sees it."""

    async def delayed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if not message.get("more_body"):
                break
        if b'"initialize"' in b"".join(m.get("body", b"") for m in messages):
            await asyncio.sleep(HANDSHAKE_DELAY_SEC)

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await app(scope, replay, send)

    return delayed


@pytest.fixture
def slow_mcp() -> Iterator[str]:
    server = MCPServer(name="podium")

    @server.tool()
    async def report_status(message: str) -> dict[str, Any]:
        """Show a message."""
        return {"ok": True, "echo": message}

    port = free_port()
    app = slow_handshake(server.streamable_http_app(stateless_http=True))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    while not web.started:
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}/mcp"
    web.should_exit = True
    thread.join(10)


class OneToken:
    def issue(self, agent_id: str) -> str:
        return "t"


def test_the_first_turn_has_the_mcp_tools(
    model: ScriptedAnthropic, slow_mcp: str, tmp_path: Path
) -> None:
    wiring = AgentWiringFactory(Settings(), cast("AgentCredentials", OneToken()))("ag_1", "job_1")
    marker = model.add_script(
        "first-turn-tools",
        [
            {"tool": "report_status", "input": {"message": "hello"}},
            {"text": "tool said: {{last_result}}"},
        ],
    )
    (tmp_path / "home").mkdir()
    mcp = {"mcpServers": {"podium": {"type": "http", "url": slow_mcp}}}
    run = subprocess.run(
        [
            str(CLAUDE_BIN),
            "--print",
            "--output-format",
            "stream-json",
            "--verbose",
            "--dangerously-skip-permissions",
            "--mcp-config",
            json.dumps(mcp),
        ],
        input=f"go {marker}",
        cwd=tmp_path,
        env=agent_env(tmp_path / "home", model.url) | dict(wiring.env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = [json.loads(line) for line in run.stdout.splitlines() if '"type":"result"' in line]
    assert results, run.stdout + run.stderr
    assert results[-1]["result"] == 'tool said: {"ok":true,"echo":"hello"}', results[-1]["result"]
